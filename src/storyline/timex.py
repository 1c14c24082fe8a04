"""Time expressions: find them in the body and give each a TimeML value.

Values are resolved against the anchor, the article's publication date, following news
conventions: reports are mostly about the past, so "on Thursday" is the most recent Thursday
and "25 January" after the anchor is last year's, unless the sentence speaks of the future.

The rules are hand-written regular expressions rather than dateparser's search: dateparser
trims spans badly ("on Thursday that" and "March" the verb come back as dates), knows nothing of
news conventions (past-leaning weekdays, ISO weeks, PRESENT_REF) and never produces durations,
sets or TimeML values, so nothing of it would be left to reuse. Dates are computed with the
standard library. :func:`find_timexes` is the pure finder; :class:`TimexStage` applies it to
articles and maps offsets back to the original text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from storyline.records import Document, Precision, TimeRef, TimexType

__all__ = ["MONTH_NUMBERS", "Timex", "TimexStage", "find_timexes"]


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression found in a text: ``text[start:end]`` and its TimeML value."""

    start: int
    end: int
    type: TimexType
    value: str | None


# ---------------------------------------------------------------------------------------------
# The anchor and the sentence context a rule may consult


_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")
_FUTURE = re.compile(
    r"\b(?:will|won't|would|might|shall|is to|are to|due to|expected to|scheduled|set to|"
    r"plans?|planned|planning|intends? to|going to|as (?:soon|early) as|next)\b|'ll\b",
    re.IGNORECASE,
)
#: Past forms; a participle after "be"/"been" ("will be held") is no mark of the past.
_PAST = re.compile(
    r"(?<!\bbe )(?<!\bbeen )\b(?:said|says|was|were|had|did|told|met|went|came|took|made|held|"
    r"spoke|gave|saw|left|began|won|lost|fell|rose|sent|broke|ago|last|\w+ed)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Context:
    text: str
    anchor: dt.date | None
    precision: Precision

    def at(self, needed: Precision) -> dt.date | None:
        """The anchor, if it is known at least as precisely as ``needed``."""
        if self.anchor is None or self.precision.fineness < needed.fineness:
            return None
        return self.anchor

    def future(self, start: int, end: int) -> bool:
        """Whether the nearest tense marker of the sentence around ``[start, end)`` is future."""
        return self.tense(start, end) is True

    def tense(self, start: int, end: int) -> bool | None:
        """True (future), False (past) or None (no marker): the nearest marker in the sentence."""
        sentence_start, sentence_end = self._sentence(start, end)
        best: tuple[int, bool] | None = None
        for pattern, is_future in ((_FUTURE, True), (_PAST, False)):
            for m in pattern.finditer(self.text, sentence_start, sentence_end):
                if start <= m.start() < end:
                    continue  # the expression's own words ("last week") say nothing of tense
                distance = m.start() - end if m.start() >= end else start - m.end()
                if best is None or distance < best[0]:
                    best = (distance, is_future)
        return None if best is None else best[1]

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        before = [m.end() for m in _SENTENCE_BREAK.finditer(self.text, max(0, start - 300), start)]
        after = _SENTENCE_BREAK.search(self.text, end, end + 300)
        return (before[-1] if before else max(0, start - 300)), (
            after.start() if after else min(len(self.text), end + 300)
        )

    def before(self, start: int, width: int = 30) -> str:
        return self.text[max(0, start - width) : start]

    def after(self, end: int, width: int = 30) -> str:
        return self.text[end : end + width]


_Result = tuple[TimexType, str | None] | None
_Resolver = Callable[[re.Match[str], _Context], _Result]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver


# ---------------------------------------------------------------------------------------------
# Vocabulary

_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_MONTH_ABBREVIATIONS = {"Sept": 9} | {
    name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1) if name != "May"
}
#: Every lower-case month name and abbreviation ("january", "jan", "sept") → month number.
MONTH_NUMBERS = {n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)} | {
    a.lower(): i for a, i in _MONTH_ABBREVIATIONS.items()
}


def _title_or_upper(words: list[str]) -> str:
    return "|".join(sorted({w for word in words for w in (word, word.upper())}, key=len)[::-1])


_FULL_MONTH = rf"(?:{_title_or_upper(_MONTH_NAMES)})"
#: Months as written before or after a day number: "Feb. 9", "9 Feb 2006", "Sept. 30".
_ANY_MONTH = rf"(?:{_FULL_MONTH}|(?:{_title_or_upper(list(_MONTH_ABBREVIATIONS))})\.?)"
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAY = rf"(?:{_title_or_upper(_WEEKDAYS)})"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

_SMALL_NUMBERS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBER_VALUE = {w: i for i, w in enumerate(_SMALL_NUMBERS, 1)} | {
    w: 10 * i for i, w in enumerate(_TENS, 2)
}
_VAGUE = r"a few|few|several|many|some|a couple of|a couple|couple of|dozens of|hundreds of"
_NUMBER = (
    rf"(?:\d+(?:\.\d+)?|(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_SMALL_NUMBERS[:9])}))?|"
    rf"{'|'.join(_SMALL_NUMBERS)}|a hundred|{_VAGUE}|an|a)"
)
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
_UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "centurie": "CE",
}  # fmt: skip
_SEASON_CODE = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINAL |= {"4th": 4}


def _number(word: str) -> int | float | None:
    """The number a numeral stands for; None when vague ("several")."""
    word = word.lower().replace("-", " ")
    if word in ("a", "an"):
        return 1
    if word == "a hundred":
        return 100
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word) if "." in word else int(word)
    parts = word.split()
    if all(p in _NUMBER_VALUE for p in parts):
        return sum(_NUMBER_VALUE[p] for p in parts)
    return None


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# ---------------------------------------------------------------------------------------------
# Value arithmetic


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _month_value(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


#: How far after the anchor a date in a past-tense sentence may still lie (deadlines, schedules
#: and effective dates are told in the past tense: "said it will be paid Dec. 7"). 7 days, as
#: a strict past reading would have it, scored 0.751 value F1 on TempEval-3 train; 90 scored 0.764.
_DAY_SLACK = 90
#: The same for a bare month, in months ("the plan announced will start in January"): 0 scored
#: 0.764, 3 scored 0.769 on TempEval-3 train.
_MONTH_SLACK = 3


def _nearest_year(month: int, day: int, ctx: _Context, start: int, end: int) -> str | None:
    """Year for a month-day without one: this year's, unless news convention says otherwise.

    See :func:`_pick_year`: in a past-tense sentence a date well after the anchor is last
    year's (reports look back); in a sentence about the future, one before it is next year's.
    """
    anchor = ctx.at(Precision.YEAR)
    if anchor is None:
        return None
    year = anchor.year
    if ctx.at(Precision.DAY) is not None:
        year = _pick_year(
            lambda y: ((_valid_date(y, month, day) or dt.date(y, month, 28)) - anchor).days,
            anchor.year,
            ctx.tense(start, end),
            _DAY_SLACK,
        )
    date = _valid_date(year, month, day)
    return date.isoformat() if date else None


def _nearest_month(month: int, ctx: _Context, start: int, end: int) -> str | None:
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return None
    months_after = lambda y: (y - anchor.year) * 12 + month - anchor.month  # noqa: E731
    year = _pick_year(months_after, anchor.year, ctx.tense(start, end), _MONTH_SLACK)
    return f"{year:04d}-{month:02d}"


def _pick_year(after: Callable[[int], int], year: int, future: bool | None, slack: int) -> int:
    """The year (this, last or next) that puts a date where its sentence's tense says.

    ``after(y)`` is how far the date lies after the anchor in year ``y``. In a past-tense
    sentence the date is at most ``slack`` after the anchor; in a future one it is not before
    the anchor; without a tense marker it is the nearest, a tie going to the past (news reports
    look back).
    """
    years = (year - 1, year, year + 1)
    if future is False:
        return max(y for y in years if after(y) <= slack)
    if future is True:
        return min(y for y in years if after(y) >= 0)
    return min(years, key=lambda y: (abs(after(y)), after(y) > 0))


# ---------------------------------------------------------------------------------------------
# Resolvers: one per rule, each from a match to (type, value), or None for "not a date"


def _full_date(m: re.Match[str], ctx: _Context) -> _Result:
    month = MONTH_NUMBERS[m["month"].rstrip(".").lower()]
    day = int(m["day"])
    if m["year"]:
        date = _valid_date(int(m["year"]), month, day)
        return (TimexType.DATE, date.isoformat()) if date else None
    if not 1 <= day <= 31:
        return None
    return TimexType.DATE, _nearest_year(month, day, ctx, m.start(), m.end())


def _iso_date(m: re.Match[str], ctx: _Context) -> _Result:
    date = _valid_date(int(m["year"]), int(m["month"]), int(m["day"]))
    return (TimexType.DATE, date.isoformat()) if date else None


def _month_year(m: re.Match[str], ctx: _Context) -> _Result:
    month = MONTH_NUMBERS[m["month"].rstrip(".").lower()]
    return TimexType.DATE, f"{int(m['year']):04d}-{month:02d}"


_DATE_CUE = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|during|before|after|early|late|of|through|"
    r"throughout|last|next|this|between|around|for|on|and|to|or)\s+|\bmid-)$",
    re.IGNORECASE,
)
#: Months that are also common words ("May I", "the March of Dimes") need a date cue.
_AMBIGUOUS_MONTHS = {"may", "march"}


def _month(m: re.Match[str], ctx: _Context) -> _Result:
    name = m["month"].lower()
    modifier = (m["mod"] or "").lower()
    if not modifier and name in _AMBIGUOUS_MONTHS and not _DATE_CUE.search(ctx.before(m.start())):
        return None
    month = MONTH_NUMBERS[name]
    anchor = ctx.at(Precision.MONTH)
    if modifier in ("last", "next", "this") and anchor is not None:
        return TimexType.DATE, _modified_month(modifier, month, anchor)
    return TimexType.DATE, _nearest_month(month, ctx, m.start(), m.end())


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


def _year(m: re.Match[str], ctx: _Context) -> _Result:
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


_SHIFT = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1, "coming": 1}


def _offset(modifier: str | None) -> int:
    """-1, 0 or 1 for "last", "this" ("earlier this"), "next"."""
    words = (modifier or "").lower().split()
    return _SHIFT.get(words[-1], 0) if words else 0


def _relative_year(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.YEAR)
    offset = _offset(m["mod"])
    return TimexType.DATE, f"{anchor.year + offset:04d}" if anchor else None


def _relative_month(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.MONTH)
    offset = _offset(m["mod"])
    return TimexType.DATE, _month_value(_shift_months(anchor, offset)) if anchor else None


def _relative_week(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.DAY)
    offset = _offset(m["mod"])
    if anchor is None:
        return TimexType.DATE, None
    week = _iso_week(anchor + dt.timedelta(weeks=offset))
    return TimexType.DATE, week + ("-WE" if m["unit"].lower() == "weekend" else "")


_DAY_OFFSET = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def _relative_day(m: re.Match[str], ctx: _Context) -> _Result:
    word = m["day"].lower()
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.DATE, None
    date = (anchor + dt.timedelta(days=_DAY_OFFSET[word])).isoformat()
    if word == "tonight":
        return TimexType.TIME, f"{date}TNI"
    return TimexType.DATE, date


def _this_part_of_day(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.TIME, None
    if m["mod"].lower() == "last":
        anchor -= dt.timedelta(days=1)
    return TimexType.TIME, f"{anchor.isoformat()}T{_PART_OF_DAY[m['part'].lower()]}"


def _weekday(m: re.Match[str], ctx: _Context) -> _Result:
    kind, value = _weekday_date(m, ctx)
    if m["part"] and value and not m["plural"]:
        return TimexType.TIME, f"{value}T{_PART_OF_DAY[m['part'].lower()]}"
    return kind, value


def _weekday_date(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str | None]:
    weekday = _WEEKDAYS.index(m["day"].title())
    if m["plural"]:
        return TimexType.SET, f"XXXX-WXX-{weekday + 1}"
    anchor = ctx.at(Precision.DAY)
    if anchor is None:
        return TimexType.DATE, None
    modifier = (m["mod"] or "").lower()
    if modifier == "last" or (modifier != "next" and not ctx.future(m.start(), m.end())):
        back = (anchor.weekday() - weekday) % 7 or (7 if modifier == "last" else 0)
        return TimexType.DATE, (anchor - dt.timedelta(days=back)).isoformat()
    ahead = (weekday - anchor.weekday()) % 7 or 7
    return TimexType.DATE, (anchor + dt.timedelta(days=ahead)).isoformat()


def _ago(m: re.Match[str], ctx: _Context) -> _Result:
    """ "three years ago": the anchor moved back, at the precision of the unit."""
    amount, unit = _number(m["num"]), _UNIT_CODE[m["unit"].lower().rstrip("s")]
    anchor = ctx.at(Precision.YEAR if unit in ("Y", "DE", "CE") else Precision.DAY)
    if anchor is None or not isinstance(amount, int):
        return TimexType.DATE, "PAST_REF" if amount is None else None
    if unit == "Y":
        return TimexType.DATE, f"{anchor.year - amount:04d}"
    if unit == "M":
        return TimexType.DATE, _month_value(_shift_months(anchor, -amount))
    if unit == "W":
        return TimexType.DATE, _iso_week(anchor - dt.timedelta(weeks=amount))
    if unit == "D":
        return TimexType.DATE, (anchor - dt.timedelta(days=amount)).isoformat()
    return TimexType.DATE, "PAST_REF"


def _duration_value(amount: int | float | None, unit: str) -> str:
    code = _UNIT_CODE[unit]
    if unit == "fortnight" and isinstance(amount, int):
        amount *= 2
    if code == "DE" and isinstance(amount, int):
        amount, code = amount * 10, "Y"
    shown = "X" if amount is None else (f"{amount:g}" if isinstance(amount, float) else amount)
    return f"PT{shown}{code}" if unit in ("second", "minute", "hour") else f"P{shown}{code}"


def _duration(m: re.Match[str], ctx: _Context) -> _Result:
    unit = m["unit"].lower()
    unit = unit[:-1] if unit.endswith("s") else unit
    num = m["num"].lower()
    after = ctx.after(m.end(), 5)
    if unit == "quarter" and (num in ("a", "an") or after.startswith((" of", "s of"))):
        return None  # "a quarter of the vote", "three quarters of them": fractions
    if unit == "second" and num in ("a", "an"):
        return None  # "a second time": an ordinal
    return TimexType.DURATION, _duration_value(_number(num), unit)


def _vague_duration(m: re.Match[str], ctx: _Context) -> _Result:
    unit = m["unit"].lower().rstrip("s")
    return TimexType.DURATION, _duration_value(None, unit)


def _past_period(m: re.Match[str], ctx: _Context) -> _Result:
    """ "the past week": one unit back from now, a duration."""
    return TimexType.DURATION, _duration_value(1, m["unit"].lower())


_SET_UNIT = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M",
    "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
    "day": "P1D", "night": "P1D", "morning": "P1D", "evening": "P1D", "week": "P1W",
    "month": "P1M", "year": "P1Y", "hour": "PT1H", "quarter": "P3M",
}  # fmt: skip


def _set(m: re.Match[str], ctx: _Context) -> _Result:
    return TimexType.SET, _SET_UNIT[m["unit"].lower()]


def _every_weekday(m: re.Match[str], ctx: _Context) -> _Result:
    return TimexType.SET, f"XXXX-WXX-{_WEEKDAYS.index(m['day'].title()) + 1}"


def _reference(value: str) -> _Resolver:
    def resolve(m: re.Match[str], ctx: _Context) -> _Result:
        return TimexType.DATE, value

    return resolve


def _season(m: re.Match[str], ctx: _Context) -> _Result:
    if not (m["mod"] or m["year"]) and m["season"].lower() == "fall":
        return None  # "prices fall": a season only with "last", "the", a year ...
    code = _SEASON_CODE[m["season"].lower()]
    if m["year"]:
        return TimexType.DATE, f"{int(m['year']):04d}-{code}"
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    modifier = (m["mod"] or "").lower()
    start = _SEASON_START_MONTH[code]
    year = anchor.year
    if modifier == "last" or (not modifier and not ctx.future(m.start(), m.end())):
        year -= 1 if start >= anchor.month - (0 if modifier == "last" else 2) else 0
    elif modifier == "next" and start <= anchor.month:
        year += 1
    return TimexType.DATE, f"{year:04d}-{code}"


def _quarter(m: re.Match[str], ctx: _Context) -> _Result:
    """ "the third quarter": this year's, or last year's if it has not begun (earnings news)."""
    number = _ORDINAL[m["ord"].lower()]
    if m["year"]:
        return TimexType.DATE, f"{int(m['year']):04d}-Q{number}"
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    begun = (number - 1) * 3 + 1 <= anchor.month
    return TimexType.DATE, f"{anchor.year - (0 if begun else 1):04d}-Q{number}"


def _latest_quarter(m: re.Match[str], ctx: _Context) -> _Result:
    """ "the latest quarter": the last one completed before the anchor (earnings reports)."""
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return TimexType.DATE, None
    current = (anchor.month - 1) // 3 + 1
    if (m["mod"] or "").lower() == "current":
        return TimexType.DATE, f"{anchor.year:04d}-Q{current}"
    year, quarter = (anchor.year, current - 1) if current > 1 else (anchor.year - 1, 4)
    return TimexType.DATE, f"{year:04d}-Q{quarter}"


def _decade(m: re.Match[str], ctx: _Context) -> _Result:
    if m["century"]:
        return TimexType.DATE, f"{m['century']}{m['decade']}"
    anchor = ctx.at(Precision.YEAR)
    century = anchor.year // 100 if anchor else 19
    decade = int(m["decade"])
    if anchor and decade > anchor.year % 100 // 10:
        century -= 1
    return TimexType.DATE, f"{century}{decade}"


def _century(m: re.Match[str], ctx: _Context) -> _Result:
    return TimexType.DATE, f"{int(m['number']) - 1:02d}"


def _clock(m: re.Match[str], ctx: _Context) -> _Result:
    hour = int(m["hour"]) % 12 + (12 if m["half"].lower().startswith("p") else 0)
    minute = int(m["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    anchor = ctx.at(Precision.DAY)
    value = f"{anchor.isoformat()}T{hour:02d}:{minute:02d}" if anchor else None
    return TimexType.TIME, value


def _named_time(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.DAY)
    clock = "12:00" if m["name"].lower() in ("noon", "midday") else "24:00"
    return TimexType.TIME, f"{anchor.isoformat()}T{clock}" if anchor else None


# ---------------------------------------------------------------------------------------------
# The rules. Overlapping matches are settled by length (longest wins), then by rule order.

_I = re.IGNORECASE
_YEAR_BACK = _re(
    r"\b(?:(?:a|one|the) year (?:earlier|ago|before)|(?:the )?year-(?:earlier|ago)"
    r"(?: (?:quarter|period))?)\b",
    _I,
)
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_MOD = r"(?P<mod>last|this|next|past|previous|coming|(?:earlier|later|early|late) this)"
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"

_RULES: tuple[_Rule, ...] = (
    _Rule(_re(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"), _iso_date),
    _Rule(
        _re(
            rf"\b(?:{_WEEKDAY},? )?(?P<day>\d{{1,2}}){_DAY_SUFFIX}(?: of)? (?P<month>{_ANY_MONTH})"
            rf"(?:,? (?P<year>{_YEAR})\b)?(?![\w-])"
        ),
        _full_date,
    ),
    _Rule(
        _re(
            rf"\b(?:{_WEEKDAY},? )?(?P<month>{_ANY_MONTH}) (?P<day>\d{{1,2}}){_DAY_SUFFIX}(?!\d)"
            rf"(?:,? (?P<year>{_YEAR})\b)?(?![\w-])"
        ),
        _full_date,
    ),
    _Rule(_re(rf"\b(?P<month>{_ANY_MONTH}),? (?:of )?(?P<year>{_YEAR})\b"), _month_year),
    _Rule(
        _re(
            rf"\b(?:(?P<mod>(?i:last|next|this|early|late|mid)) ?-?)?(?P<month>{_FULL_MONTH})"
            r"\b(?!-)"
        ),
        _month,
    ),
    _Rule(_re(rf"(?<![\d,.$£€-])\b(?P<year>{_YEAR})\b(?![,.]?\d)"), _year),
    _Rule(_re(rf"\b(?:(?:earlier|later|early|late) )?{_MOD} year\b", _I), _relative_year),
    _Rule(_YEAR_BACK, lambda m, ctx: _relative_year_back(ctx)),
    _Rule(_re(rf"\b{_MOD} month\b", _I), _relative_month),
    _Rule(_re(rf"\b{_MOD} (?P<unit>week|weekend)\b", _I), _relative_week),
    _Rule(_re(r"\b(?:the|this) (?P<mod>)(?P<unit>weekend)\b", _I), _relative_week),
    _Rule(
        _re(
            r"\b(?:(?:early|late|earlier|later) )?"
            r"(?P<day>today|yesterday|tomorrow|tonight)\b",
            _I,
        ),
        _relative_day,
    ),
    _Rule(
        _re(r"\b(?P<mod>this|last) (?P<part>morning|afternoon|evening|night)\b", _I),
        _this_part_of_day,
    ),
    _Rule(
        _re(
            rf"\b(?:(?P<mod>(?i:last|next|this|early|late|coming)) )?(?P<day>{_WEEKDAY})"
            r"(?P<plural>s)?\b(?: (?P<part>(?i:morning|afternoon|evening|night)))?\b"
        ),
        _weekday,
    ),
    _Rule(_re(rf"\b(?P<num>{_NUMBER}) (?P<unit>{_UNIT})s? (?:ago|earlier)\b", _I), _ago),
    _Rule(
        _re(
            rf"\b(?:(?:the )?(?:past|last|next|first|previous|coming|following|final) )?"
            rf"(?P<num>{_NUMBER})[- ](?P<unit>{_UNIT})s?\b(?!-old)",
            _I,
        ),
        _duration,
    ),
    _Rule(
        _re(rf"\b(?:for|in|over|within|after) (?P<x>(?P<unit>{_UNIT})s)\b", _I),
        _vague_duration,
    ),
    _Rule(
        _re(r"\bthe (?:past|last|previous) (?P<unit>week|month|year|decade)\b", _I), _past_period
    ),
    _Rule(
        _re(
            r"\b(?:every|each|per) (?P<unit>day|night|morning|evening|week|month|year|hour)\b",
            _I,
        ),
        _set,
    ),
    _Rule(
        _re(r"\b(?:once|twice|\w+ times) a (?P<unit>day|week|month|year)\b", _I),
        _set,
    ),
    _Rule(_re(r"\b(?P<unit>daily|nightly|weekly|monthly|annually|yearly|hourly)\b", _I), _set),
    _Rule(_re(rf"\b(?:every|each) (?P<day>{_WEEKDAY})\b"), _every_weekday),
    _Rule(
        _re(r"\b(?:now|currently|nowadays|presently|at present|these days)\b", _I),
        _reference("PRESENT_REF"),
    ),
    _Rule(
        _re(r"\b(?:recently|in the past|the past|recent (?:days|weeks|months|years))\b", _I),
        _reference("PAST_REF"),
    ),
    _Rule(
        _re(r"\b(?:the (?:near |distant |immediate )?future|in future)\b", _I),
        _reference("FUTURE_REF"),
    ),
    _Rule(
        _re(
            r"\b(?:(?P<mod>last|this|next|early|late|the) )?(?P<season>spring|summer|autumn|fall|"
            rf"winter)\b(?:,? (?:of )?(?P<year>{_YEAR})\b)?(?! of\b)",
            _I,
        ),
        _season,
    ),
    _Rule(
        _re(
            rf"\b(?:(?:the|this year's|last year's|fiscal) )?(?:fiscal )?(?P<ord>{_ORD})[- ]quarter"
            rf"\b(?:,? (?:of )?(?P<year>{_YEAR})\b)?",
            _I,
        ),
        _quarter,
    ),
    _Rule(
        _re(r"\bthe (?P<mod>latest|last|recent|most recent|current)? ?(?:fiscal )?quarter\b", _I),
        _latest_quarter,
    ),
    _Rule(
        _re(r"\b(?:the )?(?:early |late |mid-)?(?:(?P<century>1[89]|20)|')(?P<decade>\d)0'?s\b"),
        _decade,
    ),
    _Rule(_re(r"\b(?:the )?(?P<number>\d{1,2})(?:st|nd|rd|th) century\b", _I), _century),
    _Rule(
        _re(r"\b(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))? ?(?P<half>[ap])\.?m\b\.?", _I),
        _clock,
    ),
    _Rule(_re(r"\b(?P<name>noon|midday|midnight)\b", _I), _named_time),
)


def _relative_year_back(ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.YEAR)
    return TimexType.DATE, f"{anchor.year - 1:04d}" if anchor else None


# ---------------------------------------------------------------------------------------------
# The finder


def find_timexes(
    text: str, anchor: dt.date | None, precision: Precision = Precision.DAY
) -> list[Timex]:
    """Every time expression of ``text``, in order, with its value resolved against ``anchor``.

    ``precision`` says how much of ``anchor`` is known: relative expressions finer than it
    ("yesterday" against a year-only date) get ``value=None``, as do all relative expressions
    when ``anchor`` is None; absolute ones ("9 February 2006") are always resolved.
    """
    ctx = _Context(text, anchor, precision)
    candidates = [
        (*_span(m), order, result)
        for order, rule in enumerate(_RULES)
        for m in rule.pattern.finditer(text)
        if m.end() > m.start() and (result := rule.resolve(m, ctx)) is not None
    ]
    found = [Timex(start, end, kind, value) for start, end, (kind, value) in _longest(candidates)]
    return _follow_quarters(text, found)


_QUARTER_VALUE = re.compile(r"(?P<year>\d{4})-Q(?P<quarter>\d)")
#: How far back (characters, same paragraph) a quarter still sets what "a year earlier" means.
_QUARTER_REACH = 250


def _follow_quarters(text: str, found: list[Timex]) -> list[Timex]:
    """ "profit rose in the third quarter from a year earlier": the same quarter, a year back.

    Earnings reports compare a quarter with the same quarter of the year before; "a year
    earlier" right after a quarter means that quarter, not the whole previous year.
    """
    result: list[Timex] = []
    quarter: tuple[Timex, re.Match[str]] | None = None
    for timex in found:
        if (m := _QUARTER_VALUE.fullmatch(timex.value or "")) is not None:
            quarter = (timex, m)
        elif quarter and _YEAR_BACK.fullmatch(text[timex.start : timex.end]):
            previous, m = quarter
            gap = text[previous.end : timex.start]
            if len(gap) <= _QUARTER_REACH and "\n" not in gap:
                value = f"{int(m['year']) - 1:04d}-Q{m['quarter']}"
                timex = Timex(timex.start, timex.end, timex.type, value)
        result.append(timex)
    return result


def _span(m: re.Match[str]) -> tuple[int, int]:
    """The expression's own span: group ``x`` where a rule matches context words around it."""
    return m.span("x") if "x" in m.re.groupindex else m.span()


def _longest(
    candidates: list[tuple[int, int, int, tuple[TimexType, str | None]]],
) -> list[tuple[int, int, tuple[TimexType, str | None]]]:
    """Non-overlapping candidates, preferring the longest, then the earliest rule."""
    taken: list[tuple[int, int, tuple[TimexType, str | None]]] = []
    for start, end, _, result in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, result))
    return sorted(taken, key=lambda t: (t[0], t[1]))


class TimexStage:
    """Provides ``timex``: the time expressions of each body, resolved against its date."""

    name: ClassVar[str] = "timex"
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"timex"})

    def __call__(self, documents: list[Document]) -> list[Document]:
        for document in documents:
            document.timex = _time_refs(document)
        return documents


def _time_refs(document: Document) -> list[TimeRef]:
    article = document.article
    if not article.body:
        return []
    published = article.published
    anchor = published.date if published else None
    precision = published.precision if published else Precision.DAY
    view = article.body_view
    refs = []
    for timex in find_timexes(view.text, anchor, precision):
        span = view.to_source(timex.start, timex.end)
        refs.append(TimeRef(span, span.of(article.text), timex.type, timex.value))
    return refs
