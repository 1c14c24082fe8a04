"""Resolvers: one per rule, each from a match to (type, value), or None for "not a date"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from storyline.annotate.timex.context import Context, Resolver, Result
from storyline.annotate.timex.values import (
    DAY_SLACK,
    iso_week,
    month_value,
    nearest_month,
    nearest_year,
    pick_year,
    shift_months,
    valid_date,
)
from storyline.annotate.timex.vocabulary import (
    DIGIT_WORDS,
    NUMBER,
    ORDINAL,
    SEASON_CODE,
    SEASON_START_MONTH,
    UNIT_CODE,
    WEEKDAYS,
    rx,
)
from storyline.dates import (
    MONTH_NUMBERS,
    NUMBER_VALUE,
    TENS,
    number_value,
)
from storyline.records import Precision, TimexType


def full_date(m: re.Match[str], ctx: Context) -> Result:
    month = MONTH_NUMBERS[m["month"].rstrip(".").lower()]
    day = int(m["day"])
    if m["year"]:
        date = valid_date(int(m["year"]), month, day)
        return (TimexType.DATE, date.isoformat()) if date else None
    if not 1 <= day <= 31:
        return None
    return TimexType.DATE, nearest_year(month, day, ctx, m.start(), m.end())


def iso_date(m: re.Match[str], ctx: Context) -> Result:
    date = valid_date(int(m["year"]), int(m["month"]), int(m["day"]))
    return (TimexType.DATE, date.isoformat()) if date else None


def month_year(m: re.Match[str], ctx: Context) -> Result:
    month = MONTH_NUMBERS[m["month"].rstrip(".").lower()]
    return TimexType.DATE, f"{int(m['year']):04d}-{month:02d}"


_DATE_CUE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|during|before|after|early|late|of|through|"
    r"throughout|last|next|this|between|around|for|on|and|to|or)\s+|\bmid-)$",
    re.IGNORECASE,
)
#: Months that are also common words ("May I", "the March of Dimes") need a date cue.
_AMBIGUOUS_MONTHS = {"may", "march"}


def month_of(m: re.Match[str], ctx: Context) -> Result:
    name = m["month"].lower()
    modifier = (m["mod"] or "").lower()
    if not modifier and name in _AMBIGUOUS_MONTHS and not _DATE_CUE.search(ctx.before(m.start())):
        return None
    month = MONTH_NUMBERS[name]
    anchor = ctx.at(Precision.MONTH)
    if modifier in ("last", "next", "this") and anchor is not None:
        return TimexType.DATE, _modified_month(modifier, month, anchor)
    return TimexType.DATE, nearest_month(month, ctx, m.start(), m.end())


def _modified_month(modifier: str, month: int, anchor: dt.date) -> str:
    year = anchor.year
    if modifier == "last" and month >= anchor.month:
        year -= 1
    elif modifier == "next" and month <= anchor.month:
        year += 1
    return f"{year:04d}-{month:02d}"


_YEAR_CUE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|during|before|after|early|late|mid|fiscal|of|"
    r"through|throughout|year|circa|copyright|spring|summer|autumn|fall|winter|end|start|"
    r"beginning|around|between)\s+|\bmid-|©\s*|\b(?:1[89]|20)\d\d\s*(?:-|–|to|and|or|through)\s*)$",
    re.IGNORECASE,
)
_NUMERIC_AFTER = re.compile(r"(?:\s*%|\s*per\s*cent|\.\d|,\d)")
_QUANTITY_BEFORE = re.compile(
    r"(?:[$£€]|\b(?:about|some|nearly|almost|over|than|only|just|total of|No\.|number|flight|"
    r"route|room|model|page|pages|at)\s*)$",
    re.IGNORECASE,
)
_COUNTED_AFTER = re.compile(
    r"\s+(?:[a-z]+-)?(?:people|persons|men|women|children|troops|soldiers|workers|employees|"
    r"members|jobs|votes|points|shares|barrels|tons|tonnes|miles|kilometers|kilometres|km|feet|"
    r"meters|metres|yards|acres|units|cars|vehicles|homes|houses|copies|pounds|dollars|yen|"
    r"euros|calories|residents|refugees|victims|deaths|cases|students|patients|officers|police|"
    r"rockets|missiles|bombs|tanks|planes|ships|hours|minutes|seconds|days|weeks|months|years|"
    r"times|of)\b"
)


#: A year as said aloud (broadcast transcripts): "nineteen ninety-six", "the year two thousand".
SPOKEN_YEAR = (
    rf"(?:(?P<century>nineteen) (?P<tens>{'|'.join(TENS)})(?:[- ](?P<unit>{DIGIT_WORDS}))?|"
    rf"(?P<thousand>two thousand)(?: and (?P<after>{DIGIT_WORDS}|ten))?)"
)


def spoken_year(m: re.Match[str], ctx: Context) -> Result:
    """A spoken year; "two thousand" alone only after "the year" or a preposition of time."""
    if _COUNTED_AFTER.match(ctx.after(m.end())):
        return None
    if m["century"]:
        year = (
            1900 + NUMBER_VALUE[m["tens"].lower()] + NUMBER_VALUE.get((m["unit"] or "").lower(), 0)
        )
        return TimexType.DATE, str(year)
    spoken_as_year = m.group().lower().startswith("the year") or _YEAR_CUE.search(
        ctx.before(m.start())
    )
    if not spoken_as_year:
        return None
    return TimexType.DATE, str(2000 + NUMBER_VALUE.get((m["after"] or "").lower(), 0))


def year_of(m: re.Match[str], ctx: Context) -> Result:
    """A 4-digit number from 1800 to 2099 is a year unless it reads as a quantity.

    News style (AP, Reuters) writes counts of a thousand or more with a comma ("2,006 people")
    and spells out numbers that open a sentence, so a bare 4-digit number is nearly always a
    year; it is a quantity after "$" or "about", before "%" or a counted noun ("2006 people").
    """
    before, after = ctx.before(m.start()), ctx.after(m.end())
    if _NUMERIC_AFTER.match(after):
        return None
    if _YEAR_CUE.search(before) and not before.endswith(("$", "£", "€")):
        return TimexType.DATE, m["year"]
    if _QUANTITY_BEFORE.search(before) or _COUNTED_AFTER.match(after):
        return None
    return TimexType.DATE, m["year"]


_SHIFT = {
    "last": -1,
    "previous": -1,
    "past": -1,
    "this": 0,
    "current": 0,
    "next": 1,
    "coming": 1,
}


def _offset(modifier: str | None) -> int:
    """-1, 0 or 1 for "last", "this" ("earlier this"), "next"."""
    words = (modifier or "").lower().split()
    return _SHIFT.get(words[-1], 0) if words else 0


def relative_year(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.YEAR)
    offset = _offset(m["mod"])
    return TimexType.DATE, f"{anchor.year + offset:04d}" if anchor else None


def relative_month(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.MONTH)
    offset = _offset(m["mod"])
    return TimexType.DATE, month_value(shift_months(anchor, offset)) if anchor else None


def relative_week(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.DAY)
    offset = _offset(m["mod"])
    if anchor is None:
        return TimexType.DATE, None
    if m["unit"].lower() != "weekend":
        return TimexType.DATE, iso_week(anchor + dt.timedelta(weeks=offset))
    if not m["mod"] and anchor.weekday() < 5 and not ctx.future(m.start(), m.end()):
        offset = -1  # "over the weekend", told on a weekday: the weekend just gone
    return TimexType.DATE, iso_week(anchor + dt.timedelta(weeks=offset)) + "-WE"


_DAY_OFFSET = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def relative_day(m: re.Match[str], ctx: Context) -> Result:
    word = m["day"].lower()
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.DATE, None
    date = (anchor + dt.timedelta(days=_DAY_OFFSET[word])).isoformat()
    if word == "tonight":
        return TimexType.TIME, f"{date}TNI"
    return TimexType.DATE, date


def this_part_of_day(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.TIME, None
    if m["mod"].lower() == "last":
        anchor -= dt.timedelta(days=1)
    return TimexType.TIME, f"{anchor.isoformat()}T{_PART_OF_DAY[m['part'].lower()]}"


def weekday_of(m: re.Match[str], ctx: Context) -> Result:
    kind, value = _weekday_date(m, ctx)
    if m["part"] and value and not m["plural"]:
        return TimexType.TIME, f"{value}T{_PART_OF_DAY[m['part'].lower()]}"
    return kind, value


#: A deadline or start before a weekday, maybe with its clock time ("until 9 a.m. EST
#: Tuesday", "by noon Friday", "starting Monday"): in a sentence with no tense marker of its
#: own the day lies ahead. Against the sentence's tense it is no rule: "Until Thursday, they had
#: not called him a suspect", "reports filed by Wednesday" look back. TempEval-3 train value F1
#: (benchmarks/bench_time.py): no cue 0.8216, this 0.8221, the cue over the tense 0.8210.
_DEADLINE_BEFORE = re.compile(
    r"\b(?:by|until|till|effective|starting|beginning)\s+(?:on\s+|at\s+)?"
    r"(?:(?:\d{1,2}(?::\d\d)?\s*[ap]\.m\.|noon|midnight)\s*(?:\(?[A-Z]{2,4}\)?,?\s*)?(?:on\s+)?)?$",
    re.IGNORECASE,
)


def _weekday_date(m: re.Match[str], ctx: Context) -> tuple[TimexType, str | None]:
    weekday = WEEKDAYS.index(m["day"].title())
    if m["plural"]:
        return TimexType.SET, f"XXXX-WXX-{weekday + 1}"
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.DATE, None
    modifier = (m["mod"] or "").lower()
    tense = ctx.tense(m.start(), m.end())
    if tense is None and _DEADLINE_BEFORE.search(ctx.before(m.start(), 40)):
        tense = True
    if modifier == "last" or (modifier != "next" and tense is not True):
        back = (anchor.weekday() - weekday) % 7 or (7 if modifier == "last" else 0)
        return TimexType.DATE, (anchor - dt.timedelta(days=back)).isoformat()
    ahead = (weekday - anchor.weekday()) % 7 or (7 if modifier == "next" else 0)
    return TimexType.DATE, (anchor + dt.timedelta(days=ahead)).isoformat()


def ago(m: re.Match[str], ctx: Context) -> Result:
    """ "three years ago": the anchor moved back, at the precision of the unit."""
    amount, unit = number_value(m["num"]), UNIT_CODE[m["unit"].lower().rstrip("s")]
    anchor = ctx.at(Precision.YEAR if unit in ("Y", "DE", "CE") else Precision.DAY)
    if anchor is None or not isinstance(amount, int):
        return TimexType.DATE, "PAST_REF" if amount is None else None
    if unit == "Y":
        return TimexType.DATE, f"{anchor.year - amount:04d}"
    if unit == "M":
        return TimexType.DATE, month_value(shift_months(anchor, -amount))
    if unit == "W":
        return TimexType.DATE, iso_week(anchor - dt.timedelta(weeks=amount))
    if unit == "D":
        return TimexType.DATE, (anchor - dt.timedelta(days=amount)).isoformat()
    return TimexType.DATE, "PAST_REF"


def _duration_value(amount: int | float | None, unit: str) -> str:
    code = UNIT_CODE[unit]
    if unit == "fortnight" and isinstance(amount, int):
        amount *= 2
    if code == "DE" and isinstance(amount, int):
        amount, code = amount * 10, "Y"
    prefix = "PT" if unit in ("second", "minute", "hour") else "P"
    half = _HALF.get(prefix + code)
    if isinstance(amount, float) and amount % 1 == 0.5 and half:
        # TimeML writes a half in the next smaller unit: 2 1/2 years is P2Y6M, 5 1/2 hours PT5H30M
        return f"{prefix}{int(amount)}{code}{half}"
    shown = "X" if amount is None else (f"{amount:g}" if isinstance(amount, float) else amount)
    return f"{prefix}{shown}{code}"


#: Half of a unit, in the next smaller one.
_HALF = {"PY": "6M", "PM": "15D", "PD": "T12H", "PTH": "30M", "PTM": "30S"}


#: A quantity right before "a year" makes it a rate: "$1.76 a year", "four flights a week",
#: "20% annually". TempEval-3 train leaves 8 of 11 such rates unannotated.
_RATE_BEFORE = rx(rf"(?:\d%?|\b(?:{NUMBER})) (?:\w+ )?$", re.IGNORECASE)


def duration(m: re.Match[str], ctx: Context) -> Result:
    unit = m["unit"].lower()
    unit = unit[:-1] if unit.endswith("s") else unit
    num = m["num"].lower()
    after = ctx.after(m.end(), 5)
    if unit == "quarter" and (num in ("a", "an") or after.startswith((" of", "s of"))):
        return None  # "a quarter of the vote", "three quarters of them": fractions
    if unit == "second" and num in ("a", "an"):
        return None  # "a second time": an ordinal
    if after.startswith(" old"):
        return None  # "52 years old": an age
    if num in ("a", "an") and _RATE_BEFORE.search(ctx.before(m.start())):
        return None  # "$1.76 a year", "700 seats a week": a rate, not a length of time
    return TimexType.DURATION, _duration_value(number_value(num), unit)


def vague_duration(m: re.Match[str], ctx: Context) -> Result:
    unit = m["unit"].lower().rstrip("s")
    return TimexType.DURATION, _duration_value(None, unit)


def past_period(m: re.Match[str], ctx: Context) -> Result:
    """ "the past week": one unit back from now, a duration."""
    return TimexType.DURATION, _duration_value(1, m["unit"].lower())


_SET_UNIT = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M",
    "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
    "day": "P1D", "night": "P1D", "morning": "P1D", "evening": "P1D", "week": "P1W",
    "month": "P1M", "year": "P1Y", "hour": "PT1H", "quarter": "P3M",
}  # fmt: skip


def set_of(m: re.Match[str], ctx: Context) -> Result:
    return TimexType.SET, _SET_UNIT[m["unit"].lower()]


def frequency(m: re.Match[str], ctx: Context) -> Result:
    """ "daily", "annually": a set, unless a quantity before makes it a rate ("20% annually")."""
    return None if _RATE_BEFORE.search(ctx.before(m.start())) else set_of(m, ctx)


def every_weekday(m: re.Match[str], ctx: Context) -> Result:
    return TimexType.SET, f"XXXX-WXX-{WEEKDAYS.index(m['day'].title()) + 1}"


def reference_of(value: str) -> Resolver:
    def resolve(m: re.Match[str], ctx: Context) -> Result:
        return TimexType.DATE, value

    return resolve


def season(m: re.Match[str], ctx: Context) -> Result:
    if not (m["mod"] or m["year"]) and m["season"].lower() == "fall":
        return None  # "prices fall": a season only with "last", "the", a year ...
    code = SEASON_CODE[m["season"].lower()]
    if m["year"]:
        return TimexType.DATE, f"{int(m['year']):04d}-{code}"
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    modifier = (m["mod"] or "").lower()
    start = SEASON_START_MONTH[code]
    year = anchor.year
    if modifier == "last" or (not modifier and not ctx.future(m.start(), m.end())):
        year -= 1 if start >= anchor.month - (0 if modifier == "last" else 2) else 0
    elif modifier == "next" and start <= anchor.month:
        year += 1
    return TimexType.DATE, f"{year:04d}-{code}"


def quarter_of(m: re.Match[str], ctx: Context) -> Result:
    """ "the third quarter": this year's, or last year's if it has not begun (earnings news)."""
    number = ORDINAL[m["ord"].lower()]
    if m["year"]:
        return TimexType.DATE, f"{int(m['year']):04d}-Q{number}"
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    if m["mod"]:
        return TimexType.DATE, f"{anchor.year + _offset(m['mod']):04d}-Q{number}"
    begun = (number - 1) * 3 + 1 <= anchor.month
    return TimexType.DATE, f"{anchor.year - (0 if begun else 1):04d}-Q{number}"


def latest_quarter(m: re.Match[str], ctx: Context) -> Result:
    """ "the latest quarter": the last one completed before the anchor (earnings reports)."""
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    current = (anchor.month - 1) // 3 + 1
    if (m["mod"] or "").lower() == "current":
        return TimexType.DATE, f"{anchor.year:04d}-Q{current}"
    year, quarter = (anchor.year, current - 1) if current > 1 else (anchor.year - 1, 4)
    return TimexType.DATE, f"{year:04d}-Q{quarter}"


def year_quarter(m: re.Match[str], ctx: Context) -> Result:
    """ "the 1988 third quarter"; "the 1988 quarter" is the year until :func:`_follow_quarters`
    gives it the number of the quarter the report names."""
    if m["ord"]:
        return TimexType.DATE, f"{int(m['year']):04d}-Q{ORDINAL[m['ord'].lower()]}"
    return TimexType.DATE, m["year"]


def half_year(m: re.Match[str], ctx: Context) -> Result:
    first = (m["half"] or m["quarters"]).lower() == "first"
    return TimexType.DATE, f"{int(m['year']):04d}-H{1 if first else 2}"


def part_of_today(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.DAY)
    part = _PART_OF_DAY[m["part"].lower()]
    return TimexType.TIME, f"{anchor.isoformat()}T{part}" if anchor else None


def vague_period(m: re.Match[str], ctx: Context) -> Result:
    """ "the coming months", "the weeks ahead": some months, weeks (TimeML ``PXM``)."""
    return TimexType.DURATION, f"PX{UNIT_CODE[m['unit'].lower()]}"


DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip


def decade_word(m: re.Match[str], ctx: Context) -> Result:
    return _recent_decade(DECADE_WORDS[m["decade"].lower()], ctx)


def _recent_decade(decade: int, ctx: Context) -> Result:
    """ "the '90s", "the nineties": the last such decade up to the anchor (the 1990s in 1998)."""
    anchor = ctx.at(Precision.YEAR)
    century = anchor.year // 100 if anchor else 19
    if anchor and decade > anchor.year % 100 // 10:
        century -= 1
    return TimexType.DATE, f"{century}{decade}"


def decade_of(m: re.Match[str], ctx: Context) -> Result:
    if m["century"]:
        return TimexType.DATE, f"{m['century']}{m['decade']}"
    return _recent_decade(int(m["decade"]), ctx)


def century_of(m: re.Match[str], ctx: Context) -> Result:
    return TimexType.DATE, f"{int(m['number']) - 1:02d}"


def clock_time(m: re.Match[str], ctx: Context) -> Result:
    hour = int(m["hour"]) % 12 + (12 if m["half"].lower().startswith("p") else 0)
    minute = int(m["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    anchor = ctx.at(Precision.DAY)
    value = f"{anchor.isoformat()}T{hour:02d}:{minute:02d}" if anchor else None
    return TimexType.TIME, value


def named_time(m: re.Match[str], ctx: Context) -> Result:
    anchor = ctx.at(Precision.DAY)
    clock = "12:00" if m["name"].lower() in ("noon", "midday") else "24:00"
    return TimexType.TIME, f"{anchor.isoformat()}T{clock}" if anchor else None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month; ``n = -1`` is the last one."""
    if n < 0:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _easter(year: int) -> dt.date:
    from dateutil.easter import easter

    return easter(year)


_MONDAY, _THURSDAY, _SUNDAY = 0, 3, 6
#: Holidays news dates events by, each as its day in a given year. Fixed days, the US federal
#: holidays that move (their rules from 5 U.S.C. § 6103), election day (2 U.S.C. § 7) and Easter.
_HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "new years day": lambda y: dt.date(y, 1, 1),
    "new years eve": lambda y: dt.date(y, 12, 31),
    "valentines day": lambda y: dt.date(y, 2, 14),
    "may day": lambda y: dt.date(y, 5, 1),
    "independence day": lambda y: dt.date(y, 7, 4),
    "the fourth of july": lambda y: dt.date(y, 7, 4),
    "bastille day": lambda y: dt.date(y, 7, 14),
    "halloween": lambda y: dt.date(y, 10, 31),
    "veterans day": lambda y: dt.date(y, 11, 11),
    "armistice day": lambda y: dt.date(y, 11, 11),
    "christmas eve": lambda y: dt.date(y, 12, 24),
    "christmas day": lambda y: dt.date(y, 12, 25),
    "christmas": lambda y: dt.date(y, 12, 25),
    "boxing day": lambda y: dt.date(y, 12, 26),
    "martin luther king day": lambda y: _nth_weekday(y, 1, _MONDAY, 3),
    "presidents day": lambda y: _nth_weekday(y, 2, _MONDAY, 3),
    "mothers day": lambda y: _nth_weekday(y, 5, _SUNDAY, 2),
    "memorial day": lambda y: _nth_weekday(y, 5, _MONDAY, -1),
    "fathers day": lambda y: _nth_weekday(y, 6, _SUNDAY, 3),
    "labor day": lambda y: _nth_weekday(y, 9, _MONDAY, 1),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, _THURSDAY, 4),
    "thanksgiving": lambda y: _nth_weekday(y, 11, _THURSDAY, 4),
    "election day": lambda y: _nth_weekday(y, 11, _MONDAY, 1) + dt.timedelta(days=1),
    "good friday": lambda y: _easter(y) - dt.timedelta(days=2),
    "easter sunday": _easter,
    "easter monday": lambda y: _easter(y) + dt.timedelta(days=1),
    "easter": _easter,
}
#: Holiday names are written with or without their apostrophe ("Presidents' Day", "New
#: Year's Day", "New Years Day"); the table's keys have none.
_APOSTROPHE = re.compile(r"['’]")
HOLIDAY = "|".join(
    re.escape(name).replace(r"s\ ", r"['’]?s['’]?\ ")
    for name in sorted(_HOLIDAYS, key=len, reverse=True)
)


def holiday(m: re.Match[str], ctx: Context) -> Result:
    """A holiday: that of the year given, else the one a "last"/"next" or the tense points at."""
    day_in = _HOLIDAYS[_APOSTROPHE.sub("", m["name"].lower())]
    if m["year"]:
        day = day_in(int(m["year"]))
    elif (anchor := ctx.at(Precision.DAY)) is None:
        return TimexType.DATE, None
    else:
        modifier = (m["mod"] or "").lower()
        tense = {"last": False, "next": True, "this": None}.get(
            modifier, ctx.tense(m.start(), m.end())
        )
        slack = 0 if modifier == "last" else DAY_SLACK
        day = day_in(pick_year(lambda y: (day_in(y) - anchor).days, anchor.year, tense, slack))
    return TimexType.DATE, iso_week(day) if m["week"] else day.isoformat()
