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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from storyline.dates import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_NUMBERS,
    NUMBER_VALUE,
    SMALL_NUMBERS,
    TENS,
    number_value,
)
from storyline.records import Article, Document, Precision, PubDate, TimeRef, TimexType

__all__ = [
    "Timex",
    "TimexStage",
    "find_timexes",
    "time_refs",
]


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
#: How far (characters) a sentence is looked for around an expression.
_SENTENCE_REACH = 300
_FUTURE = re.compile(
    r"\b(?:will|won't|would|might|shall|is to|are to|due to|expected to|scheduled|set to|"
    r"plans? to|planning to|planned for|intends? to|going to|as (?:soon|early) as|next)\b|'ll\b",
    re.IGNORECASE,
)
#: Past forms; a participle after "be"/"been" ("will be held") is no mark of the past.
_PAST = re.compile(
    r"(?<!\bbe )(?<!\bbeen )\b(?:said|says|was|were|had|did|told|met|went|came|took|made|held|"
    r"spoke|gave|saw|left|began|won|lost|fell|rose|sent|broke|sought|thought|brought|bought|"
    r"caught|fought|taught|found|felt|kept|led|paid|stood|struck|threw|wrote|chose|drew|drove|"
    r"flew|grew|knew|shook|spent|sold|built|meant|heard|became|fled|hung|hid|laid|ran|sat|stole|"
    r"swore|tore|woke|wore|withdrew|arose|blew|dealt|froze|got|shot|stuck|swept|upheld|ago|last|since|"
    r"(?!(?:united|hundred|indeed|need|speed|red|bed|seed|feed|proceed|succeed|exceed|shed|breed|"
    r"greed|ted|fred|ahmed|mohammed|mohamed|sacred|naked|wicked|kindred|rugged|beloved)\b)\w+ed)\b",
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
        """True (future), False (past) or None (no marker): the nearest marker in the sentence.

        A marker after the expression counts at twice its distance: the verb a date belongs to
        mostly comes first ("said on March 2 it would" is past). TempEval-3 train value F1
        0.7872 → 0.7877 (benchmarks/bench_time.py); the tense of the verb the parse hangs the
        expression from scored the same, 0.7877.
        """
        sentence_start, sentence_end = self._sentence(start, end)
        best: tuple[int, bool] | None = None
        for pattern, is_future in ((_FUTURE, True), (_PAST, False)):
            for m in pattern.finditer(self.text, sentence_start, sentence_end):
                if start <= m.start() < end:
                    continue  # the expression's own words ("last week") say nothing of tense
                distance = 2 * (m.start() - end) if m.start() >= end else start - m.end()
                if best is None or distance < best[0]:
                    best = (distance, is_future)
        return None if best is None else best[1]

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        after = _SENTENCE_BREAK.search(self.text, end, end + _SENTENCE_REACH)
        last = after.start() if after else min(len(self.text), end + _SENTENCE_REACH)
        return _sentence_start(self.text, start), last

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
    #: The rule matches names ("Christmas Day"), whose capitals say nothing.
    names: bool = False


# ---------------------------------------------------------------------------------------------
# Vocabulary


def _title_or_upper(words: list[str]) -> str:
    return "|".join(sorted({w for word in words for w in (word, word.upper())}, key=len)[::-1])


_FULL_MONTH = rf"(?:{_title_or_upper(MONTH_NAMES)})"
#: Months as written before or after a day number: "Feb. 9", "9 Feb 2006", "Sept. 30".
_ANY_MONTH = rf"(?:{_FULL_MONTH}|(?:{_title_or_upper(list(MONTH_ABBREVIATIONS))})\.?)"
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAY = rf"(?:{_title_or_upper(_WEEKDAYS)})"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

_DIGIT_WORDS = "|".join(SMALL_NUMBERS[:9])  # one to nine
_VAGUE = r"a few|few|several|many|some|a couple of|a couple|couple of|dozens of|hundreds of"
_NUMBER = (
    rf"(?:\d+ 1/2|\d+(?:\.\d+)?|(?:{'|'.join(TENS)})(?:[- ](?:{_DIGIT_WORDS}))?|"
    rf"{'|'.join(SMALL_NUMBERS)}|a hundred|{_VAGUE}|an|a)"
)
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
_UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "centurie": "CE",
}  # fmt: skip
_SEASON_CODE = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_ORDINAL |= {"4th": 4}


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


#: Words right before a date that make it a deadline or a start ("by February", "effective
#: Feb. 1", "until June 30"): those lie ahead of the report whatever its tense.
_AHEAD_BEFORE = re.compile(r"\b(?:by|effective|until|till|starting|beginning)\s+(?:on\s+)?$", re.I)


def _tense_of_date(ctx: _Context, start: int, end: int) -> bool | None:
    return True if _AHEAD_BEFORE.search(ctx.before(start)) else ctx.tense(start, end)


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
            _tense_of_date(ctx, start, end),
            _DAY_SLACK,
        )
    date = _valid_date(year, month, day)
    return date.isoformat() if date else None


def _nearest_month(month: int, ctx: _Context, start: int, end: int) -> str | None:
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return None
    months_after = lambda y: (y - anchor.year) * 12 + month - anchor.month  # noqa: E731
    year = _pick_year(months_after, anchor.year, _tense_of_date(ctx, start, end), _MONTH_SLACK)
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


#: A year as said aloud (broadcast transcripts): "nineteen ninety-six", "the year two thousand".
_SPOKEN_YEAR = (
    rf"(?:(?P<century>nineteen) (?P<tens>{'|'.join(TENS)})(?:[- ](?P<unit>{_DIGIT_WORDS}))?|"
    rf"(?P<thousand>two thousand)(?: and (?P<after>{_DIGIT_WORDS}|ten))?)"
)


def _spoken_year(m: re.Match[str], ctx: _Context) -> _Result:
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
    if m["unit"].lower() != "weekend":
        return TimexType.DATE, _iso_week(anchor + dt.timedelta(weeks=offset))
    if not m["mod"] and anchor.weekday() < 5 and not ctx.future(m.start(), m.end()):
        offset = -1  # "over the weekend", told on a weekday: the weekend just gone
    return TimexType.DATE, _iso_week(anchor + dt.timedelta(weeks=offset)) + "-WE"


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
    ahead = (weekday - anchor.weekday()) % 7 or (7 if modifier == "next" else 0)
    return TimexType.DATE, (anchor + dt.timedelta(days=ahead)).isoformat()


def _ago(m: re.Match[str], ctx: _Context) -> _Result:
    """ "three years ago": the anchor moved back, at the precision of the unit."""
    amount, unit = number_value(m["num"]), _UNIT_CODE[m["unit"].lower().rstrip("s")]
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
_RATE_BEFORE = _re(rf"(?:\d%?|\b(?:{_NUMBER})) (?:\w+ )?$", re.IGNORECASE)


def _duration(m: re.Match[str], ctx: _Context) -> _Result:
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


def _frequency(m: re.Match[str], ctx: _Context) -> _Result:
    """ "daily", "annually": a set, unless a quantity before makes it a rate ("20% annually")."""
    return None if _RATE_BEFORE.search(ctx.before(m.start())) else _set(m, ctx)


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
    if m["mod"]:
        return TimexType.DATE, f"{anchor.year + _offset(m['mod']):04d}-Q{number}"
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


def _year_quarter(m: re.Match[str], ctx: _Context) -> _Result:
    """ "the 1988 third quarter"; "the 1988 quarter" is the year until :func:`_follow_quarters`
    gives it the number of the quarter the report names."""
    if m["ord"]:
        return TimexType.DATE, f"{int(m['year']):04d}-Q{_ORDINAL[m['ord'].lower()]}"
    return TimexType.DATE, m["year"]


def _half_year(m: re.Match[str], ctx: _Context) -> _Result:
    first = (m["half"] or m["quarters"]).lower() == "first"
    return TimexType.DATE, f"{int(m['year']):04d}-H{1 if first else 2}"


def _part_of_today(m: re.Match[str], ctx: _Context) -> _Result:
    anchor = ctx.at(Precision.DAY)
    part = _PART_OF_DAY[m["part"].lower()]
    return TimexType.TIME, f"{anchor.isoformat()}T{part}" if anchor else None


def _vague_period(m: re.Match[str], ctx: _Context) -> _Result:
    """ "the coming months", "the weeks ahead": some months, weeks (TimeML ``PXM``)."""
    return TimexType.DURATION, f"PX{_UNIT_CODE[m['unit'].lower()]}"


_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip


def _decade_word(m: re.Match[str], ctx: _Context) -> _Result:
    return _recent_decade(_DECADE_WORDS[m["decade"].lower()], ctx)


def _recent_decade(decade: int, ctx: _Context) -> _Result:
    """ "the '90s", "the nineties": the last such decade up to the anchor (the 1990s in 1998)."""
    anchor = ctx.at(Precision.YEAR)
    century = anchor.year // 100 if anchor else 19
    if anchor and decade > anchor.year % 100 // 10:
        century -= 1
    return TimexType.DATE, f"{century}{decade}"


def _decade(m: re.Match[str], ctx: _Context) -> _Result:
    if m["century"]:
        return TimexType.DATE, f"{m['century']}{m['decade']}"
    return _recent_decade(int(m["decade"]), ctx)


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
_HOLIDAY = "|".join(
    re.escape(name).replace(r"s\ ", r"['’]?s['’]?\ ")
    for name in sorted(_HOLIDAYS, key=len, reverse=True)
)


def _holiday(m: re.Match[str], ctx: _Context) -> _Result:
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
        slack = 0 if modifier == "last" else _DAY_SLACK
        day = day_in(_pick_year(lambda y: (day_in(y) - anchor).days, anchor.year, tense, slack))
    return TimexType.DATE, _iso_week(day) if m["week"] else day.isoformat()


# ---------------------------------------------------------------------------------------------
# The rules. Overlapping matches are settled by length (longest wins), then by rule order.

_I = re.IGNORECASE
_YEAR_BACK = _re(
    r"\b(?:(?:a|one|the) year (?:earlier|ago|before)|(?:the )?(?:comparable |corresponding )?"
    r"year-(?:earlier|ago)(?: (?:quarter|period))?|last year's (?:quarter|period)|"
    r"the (?:quarter|period) a year (?:earlier|ago)|"
    r"the (?:corresponding|comparable|same) (?:quarter|period),? (?:of )?"
    r"(?:last year|a year (?:earlier|ago)))\b",
    _I,
)
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_YEAR_QUARTER = _re(
    rf"\bthe (?P<year>{_YEAR}) (?:(?P<ord>{_ORD})[- ])?(?:fiscal )?(?:quarter|period)\b", _I
)
#: "the latest period": the quarter an earnings report is about (the last one it named).
_LATEST_PERIOD = _re(r"\bthe (?P<mod>latest|most recent) (?:fiscal )?period\b", _I)
#: Dates told from the story's own time, not the report's: "the following year", "the next
#: morning", "earlier that day", "that year". They take the date the article named last.
_ANAPHORIC = _re(
    r"\b(?:(?:the )?(?P<dir>following|previous|preceding) (?P<unit>day|morning|evening|night|"
    r"week|month|year)|the (?P<next>next) (?P<day>day|morning|evening|night)|"
    r"(?:(?:earlier|later) )?that (?:same )?(?P<that>day|morning|evening|night|week|month|year)|"
    r"the same (?P<same>day|week|month|year))\b",
    _I,
)
#: The value an anaphoric expression has until :func:`_follow_references` gives it one.
_ANAPHORA_VALUE = "ANAPHORA"
_MOD = r"(?P<mod>last|this|next|past|previous|coming|current|(?:earlier|later|early|late) this)"
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
    # "April 24 and 25": the second day is a date of its own, in the same month.
    _Rule(
        _re(
            rf"\b(?P<month>{_ANY_MONTH}) \d{{1,2}}{_DAY_SUFFIX} (?:and|or|to|through) "
            rf"(?P<x>(?P<day>\d{{1,2}}){_DAY_SUFFIX})(?!\d)(?:,? (?P<year>{_YEAR})\b)?"
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
    _Rule(_re(rf"\b(?:the year )?{_SPOKEN_YEAR}\b", _I), _spoken_year),
    _Rule(
        _re(rf"\b(?:(?:earlier|later|early|late) )?{_MOD} (?:fiscal |calendar )?year\b", _I),
        _relative_year,
    ),
    _Rule(_YEAR_BACK, lambda m, ctx: _relative_year_back(ctx)),
    # Earnings reports: "for the year ended March 31" is a year's length; "for the year," or
    # "a high for the year" is the year of the report.
    _Rule(
        _re(r"\b(?P<x>the (?:fiscal |full |financial )?year) end(?:ed|ing)\b", _I),
        lambda m, ctx: (TimexType.DURATION, "P1Y"),
    ),
    _Rule(
        _re(r"\bfor (?P<x>the (?:full |fiscal )?year)(?P<mod>)(?=[,.;]| as a whole| of \$)", _I),
        _relative_year,
    ),
    _Rule(
        _re(
            r"\b(?:(?:at|by|around|before|until) )?(?:the )?(?:year-end|year end|year's end|"
            r"end of (?:the|this) year)(?P<mod>)\b|\b(?:earlier|later) in the year\b",
            _I,
        ),
        _relative_year,
    ),
    _Rule(_re(r"\b(?:the |in )?coming (?P<unit>day|week|month|year)s\b", _I), _vague_period),
    _Rule(_re(rf"\b(?:mid|post|pre)-(?P<year>{_YEAR})\b"), _year),
    _Rule(_re(r"\bthe full year(?P<mod>)\b", _I), _relative_year),
    # "sales in the latest fiscal year": the last one completed, the year before the report's.
    _Rule(
        _re(r"\bthe (?:latest|most recent) fiscal year\b", _I),
        lambda m, ctx: _relative_year_back(ctx),
    ),
    _Rule(
        _re(r"\b(?:months|quarters?|half|part|rest) of (?P<x>the year)(?P<mod>)\b", _I),
        _relative_year,
    ),
    _Rule(_re(r"\b(?:the )?(?P<unit>day|week|month|year)s ahead\b", _I), _vague_period),
    _Rule(_re(r"\b(?:the (?:near|short) term|a later date)\b", _I), _reference("FUTURE_REF")),
    _Rule(_re(r"\bmid-? ?(?P<part>morning|afternoon)\b", _I), _part_of_today),
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
            rf"(?P<num>{_NUMBER})(?: (?:more|additional|further|trading|business|working))?[- ]"
            rf"(?P<unit>{_UNIT})s?\b(?!-old)",
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
            r"\b(?:every|each|per) (?P<unit>day|night|morning|evening|week|month|quarter|year|"
            r"hour)\b",
            _I,
        ),
        _set,
    ),
    _Rule(
        _re(r"\b(?:once|twice|\w+ times) a (?P<unit>day|week|month|year)\b", _I),
        _set,
    ),
    _Rule(
        _re(r"\b(?P<unit>daily|nightly|weekly|monthly|annually|yearly|hourly)\b", _I), _frequency
    ),
    _Rule(_re(rf"\b(?:every|each) (?P<day>{_WEEKDAY})\b"), _every_weekday),
    _Rule(
        _re(rf"\b(?:every|each) (?P<month>{_FULL_MONTH})\b"),
        lambda m, ctx: (TimexType.SET, f"XXXX-{MONTH_NUMBERS[m['month'].lower()]:02d}"),
    ),
    _Rule(
        _re(r"\b(?:now|currently|current|nowadays|presently|at present|these days)\b", _I),
        _reference("PRESENT_REF"),
    ),
    _Rule(
        _re(r"\b(?:recently|in the past|the past)\b", _I),
        _reference("PAST_REF"),
    ),
    _Rule(_re(r"\brecent (?P<unit>day|week|month|year)s\b", _I), _vague_period),
    _Rule(
        _re(r"\b(?:the (?:near |distant |immediate )?future|in future)\b", _I),
        _reference("FUTURE_REF"),
    ),
    _Rule(
        _re(
            r"\b(?:(?P<mod>last|this|next|early|late|the) )?(?P<season>spring|summer|autumn|fall|"
            rf"winter)\b(?:,? (?:of )?(?P<year>{_YEAR})\b)?(?! of\b(?! nineteen| two thousand))",
            _I,
        ),
        _season,
    ),
    _Rule(
        _re(
            rf"\b(?:(?:the|(?P<mod>this|last|next) year's|fiscal) )?(?:fiscal )?(?P<ord>{_ORD})"
            r"[- ]quarter"
            rf"\b(?:,? (?:of )?(?P<year>{_YEAR})\b)?",
            _I,
        ),
        _quarter,
    ),
    _Rule(
        _re(
            r"\b(?:the|this) (?P<mod>latest|last|recent|most recent|current)? ?(?:fiscal )?"
            r"quarter\b(?!-)",
            _I,
        ),
        _latest_quarter,
    ),
    # "the 1988 second quarter", "the 1988 quarter" (the one the report is about, a year back).
    _Rule(_YEAR_QUARTER, _year_quarter),
    _Rule(
        _re(
            r"\b(?:the )?(?:(?P<half>first|second|last|latter) half|(?P<quarters>first|last) "
            rf"(?:two|2) quarters) of (?P<year>{_YEAR})\b",
            _I,
        ),
        _half_year,
    ),
    # Earnings reports: "in the latest period" is the quarter reported on.
    _Rule(_LATEST_PERIOD, _latest_quarter),
    _Rule(
        _re(r"\b(?:the )?(?:early |late |mid-)?(?:(?P<century>1[89]|20)|')(?P<decade>\d)0'?s\b"),
        _decade,
    ),
    _Rule(_re(r"\b(?:the )?(?P<number>\d{1,2})(?:st|nd|rd|th) century\b", _I), _century),
    _Rule(_re(rf"\bthe (?P<decade>{'|'.join(_DECADE_WORDS)})\b", _I), _decade_word),
    _Rule(
        _re(r"\b(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))? ?(?P<half>[ap])\.?m\b\.?", _I),
        _clock,
    ),
    _Rule(_re(r"\b(?P<name>noon|midday|midnight)\b", _I), _named_time),
    _Rule(_ANAPHORIC, lambda m, ctx: (TimexType.DATE, _ANAPHORA_VALUE)),
    _Rule(
        _re(
            rf"\b(?:(?P<mod>last|next|this) )?(?P<name>{_HOLIDAY})\b(?P<week> week\b)?"
            rf"(?:,? (?P<year>{_YEAR})\b)?",
            _I,
        ),
        _holiday,
        names=True,
    ),
)


_DAY_UNITS = frozenset({"day", "morning", "evening", "night"})
_ISO_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d\d)")
_ISO_YEAR = re.compile(r"^(\d{4})(?!-W)")  # a year, month or day; not a week


def _follow_references(text: str, found: list[Timex], anchor: dt.date | None) -> list[Timex]:
    """Anaphoric expressions resolved against the last date named before them (the report's
    own date when none was): "In 1995 ... the following year" is 1996."""
    result: list[Timex] = []
    last: str | None = anchor.isoformat() if anchor else None
    for timex in found:
        if timex.value == _ANAPHORA_VALUE:
            m = _ANAPHORIC.fullmatch(text[timex.start : timex.end])
            value = _shifted(last, m) if m and last else None
            timex = Timex(timex.start, timex.end, timex.type, value)
        elif timex.type is TimexType.DATE and timex.value and _ISO_YEAR.match(timex.value):
            last = timex.value
        result.append(timex)
    return result


def _shifted(reference: str, m: re.Match[str]) -> str | None:
    """``reference`` (an ISO date, month or year) moved as the expression says, at its unit."""
    unit = (m["unit"] or m["day"] or m["that"] or m["same"]).lower()
    shift = {"following": 1, "next": 1, "previous": -1, "preceding": -1}.get(
        (m["dir"] or m["next"] or "").lower(), 0
    )
    if unit in _DAY_UNITS or unit == "week":
        if not (day := _ISO_DAY.match(reference)):
            return _underspecified(reference, unit) if not shift else None
        date = dt.date(int(day[1]), int(day[2]), int(day[3]))
        if unit == "week":
            return _iso_week(date + dt.timedelta(weeks=shift))
        return (date + dt.timedelta(days=shift)).isoformat()
    if unit == "month":
        if not (month := _ISO_MONTH.match(reference)):
            return _underspecified(reference, unit) if not shift else None
        return _month_value(_shift_months(dt.date(int(month[1]), int(month[2]), 1), shift))
    year = _ISO_YEAR.match(reference)
    return f"{int(year[1]) + shift:04d}" if year else None


def _underspecified(reference: str, unit: str) -> str | None:
    """ "that same day" after "in October 1998": a day of that month, ``1998-10-XX``.

    A week of a month or year has no TimeML value short of a guess.
    """
    if unit == "week":
        return None
    if month := _ISO_MONTH.match(reference):
        return f"{month.group()}-XX" if unit != "month" else None
    year = _ISO_YEAR.match(reference)
    if year is None:
        return None
    return f"{year.group()}-XX" + ("" if unit == "month" else "-XX")


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
        if m.end() > m.start()
        and (rule.names or not _in_a_title(text, *_span(m)))
        and (result := rule.resolve(m, ctx)) is not None
    ]
    found = [Timex(start, end, kind, value) for start, end, (kind, value) in _longest(candidates)]
    return _follow_references(text, _follow_quarters(text, _joined(text, found)), anchor)


#: What may stand between a clock time and its day ("10 p.m. EST, Nov. 6", "noon on Friday").
_TIME_DAY_GAP = re.compile(r"\s*(?:\(?[A-Z]{2,4}\)?|\(\d{4} [A-Z]{2,4}\))?,?\s*(?:on\s+)?")
#: What may stand between a month and a year told in words ("January, nineteen ninety-seven").
_MONTH_YEAR_GAP = re.compile(r",?\s+(?:of\s+)?")
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")
#: "the week of March 6" is that date's week.
_WEEK_OF = re.compile(r"\bthe week of $", re.IGNORECASE)
_MONTH_VALUE = re.compile(r"\d{4}-\d\d")
_SEASON_VALUE = re.compile(r"\d{4}-(?:SP|SU|FA|WI)")
_YEAR_VALUE = re.compile(r"\d{4}")


def _joined(text: str, found: list[Timex]) -> list[Timex]:
    """One expression where two say one time: "10 p.m. Wednesday" is that Wednesday at 22:00,
    not the report's day; "January nineteen ninety-seven" is 1997-01 (and "the winter of
    nineteen ninety-four" 1994-WI); "the week of March 6"
    is that date's week.

    The rules match each part alone (a clock is read against the report's day, a bare month
    against its year), so the pair is joined once both are found.
    """
    result: list[Timex] = []
    for timex in found:
        if _DAY_VALUE.fullmatch(timex.value or "") and (
            week := _WEEK_OF.search(text, max(0, timex.start - 12), timex.start)
        ):
            day = dt.date.fromisoformat(timex.value or "")
            timex = Timex(week.start(), timex.end, TimexType.DATE, _iso_week(day))
        previous = result[-1] if result else None
        joined = _join_pair(text, previous, timex) if previous else None
        if joined is None:
            result.append(timex)
        else:
            result[-1] = joined
    return result


def _join_pair(text: str, first: Timex, second: Timex) -> Timex | None:
    gap = text[first.end : second.start]
    day, clock = second.value or "", first.value or ""
    if (
        first.type is TimexType.TIME
        and "T" in clock
        and _DAY_VALUE.fullmatch(day)
        and _TIME_DAY_GAP.fullmatch(gap)
    ):
        return Timex(first.start, second.end, TimexType.TIME, f"{day}{clock[clock.index('T') :]}")
    if (
        (_MONTH_VALUE.fullmatch(clock) or _SEASON_VALUE.fullmatch(clock))
        and _YEAR_VALUE.fullmatch(day)
        and not text[second.start].isdigit()
        and _MONTH_YEAR_GAP.fullmatch(gap)
    ):
        return Timex(first.start, second.end, TimexType.DATE, f"{day}{clock[4:]}")
    return None


_THE_QUARTER = re.compile(r"(?:the|this) quarter", re.I)
_QUARTER_VALUE = re.compile(r"(?P<year>\d{4})-Q(?P<quarter>\d)")
#: A period other than the quarter, named in the sentence before "a year earlier": "for the
#: nine months, net rose ... from $2 million a year earlier" compares nine months, not quarters.
_OTHER_PERIOD = re.compile(
    r"\b(?:nine|six|three|twelve|\d+) months\b|\b(?:first|second) half\b|\bfull year\b|"
    r"\byear to date\b|\bfiscal year\b",
    re.IGNORECASE,
)


def _follow_quarters(text: str, found: list[Timex]) -> list[Timex]:
    """ "profit rose in the third quarter from a year earlier": the same quarter, a year back.

    Earnings reports compare a quarter with the same quarter of the year before: once an
    article has named a quarter, its "a year earlier" means that quarter a year back, not the
    whole previous year, until another quarter is named or the sentence names another period;
    and its "the latest period" and "the quarter" are the quarter it last named, and "the 1988
    quarter" that quarter of 1988. Following "the quarter" scored 0.8067 → 0.8072 on
    TempEval-3 train; following "the latest quarter" too scored 0.8056 (it is mostly the
    anchor's latest quarter).
    Reaching back over the whole article rather than 250 characters of one paragraph
    scored value F1 0.7685 → 0.7729 on TempEval-3 train (benchmarks/bench_time.py).
    """
    result: list[Timex] = []
    quarter: re.Match[str] | None = None
    for timex in found:
        words = text[timex.start : timex.end]
        if quarter and (_LATEST_PERIOD.fullmatch(words) or _THE_QUARTER.fullmatch(words)):
            timex = Timex(timex.start, timex.end, timex.type, quarter.group())
        elif (stated := _YEAR_QUARTER.fullmatch(words)) is not None:
            if quarter and not stated["ord"]:  # a comparison: it names no quarter of its own
                value = f"{int(stated['year']):04d}-Q{quarter['quarter']}"
                timex = Timex(timex.start, timex.end, timex.type, value)
        elif (m := _QUARTER_VALUE.fullmatch(timex.value or "")) is not None:
            quarter = m
        elif (
            quarter
            and _YEAR_BACK.fullmatch(text[timex.start : timex.end])
            and not _OTHER_PERIOD.search(text, _sentence_start(text, timex.start), timex.start)
        ):
            value = f"{int(quarter['year']) - 1:04d}-Q{quarter['quarter']}"
            timex = Timex(timex.start, timex.end, timex.type, value)
        result.append(timex)
    return result


#: Capitalised words a date may hold anywhere in a sentence.
_CAPITALISED_IN_DATES = frozenset(
    [w.lower() for w in MONTH_NAMES + _WEEKDAYS] + [a.lower() for a in MONTH_ABBREVIATIONS]
)
_OPENING = "\"'`‘“("


def _in_a_title(text: str, start: int, end: int) -> bool:
    """Whether the expression is (part of) a title: "ABC's This Week", "60 Minutes", "High Noon".

    A word capitalised where no sentence begins, that is no month or weekday, is a name's.
    """
    words = text[start:end].split()
    before = text[:start].rstrip().rstrip(_OPENING).rstrip()
    begins_sentence = not before or before[-1] in ".!?:;\n" or not before[-1].isalnum()
    for position, word in enumerate(words):
        bare = word.strip(".,'’")
        if not bare[:1].isupper() or bare.isupper() or bare.lower() in _CAPITALISED_IN_DATES:
            continue
        if position > 0 or not begins_sentence:
            return True
    return False


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` begins (at most ``_SENTENCE_REACH`` before)."""
    reach = max(0, position - _SENTENCE_REACH)
    breaks = list(_SENTENCE_BREAK.finditer(text, reach, position))
    return breaks[-1].end() if breaks else reach


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
    """Provides ``timex``: the time expressions of each body, resolved against its date.

    Where the batch's parse is there (the NLP stage runs first in the pipeline), each
    expression also gets the clause it dates (:func:`event_clause`); without it, none.
    """

    name: ClassVar[str] = "timex"
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"timex"})

    def __call__(self, documents: list[Document]) -> list[Document]:
        for document in documents:
            document.timex = time_refs(document.article, parse=document.parse)
        return documents


def time_refs(
    article: Article,
    published: PubDate | None = None,
    events: Sequence[TimeRef] = (),
    parse: Any = None,
) -> list[TimeRef]:
    """The time expressions of the article's body, resolved against ``published`` (by default
    its own date), with spans in the article's text.

    Each gets the clause it dates from ``parse`` (the spaCy ``Doc`` of the body), or from
    ``events``, earlier refs of the same article (the parse is not kept after annotation).
    """
    if not article.body:
        return []
    published = published or article.published
    anchor = published.date if published else None
    precision = published.precision if published else Precision.DAY
    view = article.body_view
    clause_of = {ref.span: ref.event for ref in events}
    refs = []
    for timex in find_timexes(view.text, anchor, precision):
        span = view.to_source(timex.start, timex.end)
        event = clause_of.get(span)
        if parse is not None and (clause := event_clause(parse, timex.start, timex.end)):
            event = view.to_source(*clause)
        refs.append(TimeRef(span, span.of(article.text), timex.type, timex.value, event))
    return refs


#: Parts of speech that head a clause a time expression can date, and the dependencies of a
#: clause that describes a noun (relative and participle clauses).
_CLAUSE_HEADS = frozenset({"VERB", "AUX"})
_RELATIVE = frozenset({"relcl", "acl"})


def _governing_verb(parse: Any, start: int, end: int) -> Any:
    """The verb (or auxiliary) nearest above the expression at ``[start, end)``, or None."""
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    verb = span.root
    while verb.pos_ not in _CLAUSE_HEADS and verb.head.i != verb.i:
        verb = verb.head
    return verb if verb.pos_ in _CLAUSE_HEADS else None


def event_clause(parse: Any, start: int, end: int) -> tuple[int, int] | None:
    """Character range of the clause the expression at ``[start, end)`` of the parsed text
    dates: the subtree of the nearest verb above it, with the noun a relative clause describes
    ("Hamas, which won the elections on Jan. 25" rather than the whole sentence about Putin).

    Why: a timeline event is what happened on that date, and a sentence often dates one clause
    and says more; merged across outlets by what it says, the whole sentence would keep apart
    two reports of one event (the seeds' election: cosine 0.49 as sentences, 0.67 as clauses).
    """
    verb = _governing_verb(parse, start, end)
    if verb is None:
        return None
    first, last = verb.left_edge, verb.right_edge
    if verb.dep_ in _RELATIVE and verb.head.i < first.i:
        first = verb.head.left_edge
    while last.i > first.i and (last.is_punct or last.is_space):
        last = parse[last.i - 1]
    return first.idx, last.idx + len(last.text)
