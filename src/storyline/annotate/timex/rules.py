"""The rules. Overlapping matches are settled by length (longest wins), then by rule order; and
the references that take their value from a date the article named before."""

from __future__ import annotations

import datetime as dt
import re

from storyline.annotate.timex.context import Context, Result, Rule, Timex
from storyline.annotate.timex.resolvers import (
    DECADE_WORDS,
    HOLIDAY,
    SPOKEN_YEAR,
    ago,
    century_of,
    clock_time,
    decade_of,
    decade_word,
    duration,
    every_weekday,
    frequency,
    full_date,
    half_year,
    holiday,
    iso_date,
    latest_quarter,
    month_of,
    month_year,
    named_time,
    part_of_today,
    past_period,
    quarter_of,
    reference_of,
    relative_day,
    relative_month,
    relative_week,
    relative_year,
    season,
    set_of,
    spoken_year,
    this_part_of_day,
    vague_duration,
    vague_period,
    weekday_of,
    year_of,
    year_quarter,
)
from storyline.annotate.timex.values import iso_week, month_value, shift_months
from storyline.annotate.timex.vocabulary import (
    ANY_MONTH,
    FULL_MONTH,
    NUMBER,
    UNIT,
    WEEKDAY,
    YEAR_RX,
    rx,
)
from storyline.dates import (
    MONTH_NUMBERS,
)
from storyline.records import Precision, TimexType

_I = re.IGNORECASE
YEAR_BACK = rx(
    r"\b(?:(?:a|one|the) year (?:earlier|ago|before)|(?:the )?(?:comparable |corresponding )?"
    r"year-(?:earlier|ago)(?: (?:quarter|period))?|last year's (?:quarter|period)|"
    r"the (?:quarter|period) a year (?:earlier|ago)|"
    r"the (?:corresponding|comparable|same) (?:quarter|period),? (?:of )?"
    r"(?:last year|a year (?:earlier|ago)))\b",
    _I,
)
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
YEAR_QUARTER = rx(
    rf"\bthe (?P<year>{YEAR_RX}) (?:(?P<ord>{_ORD})[- ])?(?:fiscal )?(?:quarter|period)\b", _I
)
#: "the latest period": the quarter an earnings report is about (the last one it named).
LATEST_PERIOD = rx(r"\bthe (?P<mod>latest|most recent) (?:fiscal )?period\b", _I)
#: Dates told from the story's own time, not the report's: "the following year", "the next
#: morning", "earlier that day", "that year". They take the date the article named last.
_ANAPHORIC = rx(
    r"\b(?:(?:the )?(?P<dir>following|previous|preceding) (?P<unit>day|morning|evening|night|"
    r"week|month|year)|the (?P<next>next) (?P<day>day|morning|evening|night)|"
    r"(?:(?:earlier|later) )?that (?:same )?(?P<that>day|morning|evening|night|week|month|year)|"
    r"the same (?P<same>day|week|month|year))\b",
    _I,
)
#: The value an anaphoric expression has until :func:`follow_references` gives it one.
_ANAPHORA_VALUE = "ANAPHORA"
_MOD = r"(?P<mod>last|this|next|past|previous|coming|current|(?:earlier|later|early|late) this)"
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"

RULES: tuple[Rule, ...] = (
    Rule(rx(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"), iso_date),
    Rule(
        rx(
            rf"\b(?:{WEEKDAY},? )?(?P<day>\d{{1,2}}){_DAY_SUFFIX}(?: of)? (?P<month>{ANY_MONTH})"
            rf"(?:,? (?P<year>{YEAR_RX})\b)?(?![\w-])"
        ),
        full_date,
    ),
    Rule(
        rx(
            rf"\b(?:{WEEKDAY},? )?(?P<month>{ANY_MONTH}) (?P<day>\d{{1,2}}){_DAY_SUFFIX}(?!\d)"
            rf"(?:,? (?P<year>{YEAR_RX})\b)?(?![\w-])"
        ),
        full_date,
    ),
    # "April 24 and 25": the second day is a date of its own, in the same month.
    Rule(
        rx(
            rf"\b(?P<month>{ANY_MONTH}) \d{{1,2}}{_DAY_SUFFIX} (?:and|or|to|through) "
            rf"(?P<x>(?P<day>\d{{1,2}}){_DAY_SUFFIX})(?!\d)(?:,? (?P<year>{YEAR_RX})\b)?"
        ),
        full_date,
    ),
    Rule(rx(rf"\b(?P<month>{ANY_MONTH}),? (?:of )?(?P<year>{YEAR_RX})\b"), month_year),
    Rule(
        rx(
            rf"\b(?:(?P<mod>(?i:last|next|this|early|late|mid)) ?-?)?(?P<month>{FULL_MONTH})"
            r"\b(?!-)"
        ),
        month_of,
    ),
    Rule(rx(rf"(?<![\d,.$£€-])\b(?P<year>{YEAR_RX})\b(?![,.]?\d)"), year_of),
    Rule(rx(rf"\b(?:the year )?{SPOKEN_YEAR}\b", _I), spoken_year),
    Rule(
        rx(rf"\b(?:(?:earlier|later|early|late) )?{_MOD} (?:fiscal |calendar )?year\b", _I),
        relative_year,
    ),
    Rule(YEAR_BACK, lambda m, ctx: _relative_year_back(ctx)),
    # Earnings reports: "for the year ended March 31" is a year's length; "for the year," or
    # "a high for the year" is the year of the report.
    Rule(
        rx(r"\b(?P<x>the (?:fiscal |full |financial )?year) end(?:ed|ing)\b", _I),
        lambda m, ctx: (TimexType.DURATION, "P1Y"),
    ),
    Rule(
        rx(r"\bfor (?P<x>the (?:full |fiscal )?year)(?P<mod>)(?=[,.;]| as a whole| of \$)", _I),
        relative_year,
    ),
    Rule(
        rx(
            r"\b(?:(?:at|by|around|before|until) )?(?:the )?(?:year-end|year end|year's end|"
            r"end of (?:the|this) year)(?P<mod>)\b|\b(?:earlier|later) in the year\b",
            _I,
        ),
        relative_year,
    ),
    Rule(rx(r"\b(?:the |in )?coming (?P<unit>day|week|month|year)s\b", _I), vague_period),
    Rule(rx(rf"\b(?:mid|post|pre)-(?P<year>{YEAR_RX})\b"), year_of),
    Rule(rx(r"\bthe full year(?P<mod>)\b", _I), relative_year),
    # "sales in the latest fiscal year": the last one completed, the year before the report's.
    Rule(
        rx(r"\bthe (?:latest|most recent) fiscal year\b", _I),
        lambda m, ctx: _relative_year_back(ctx),
    ),
    Rule(
        rx(r"\b(?:months|quarters?|half|part|rest) of (?P<x>the year)(?P<mod>)\b", _I),
        relative_year,
    ),
    Rule(rx(r"\b(?:the )?(?P<unit>day|week|month|year)s ahead\b", _I), vague_period),
    Rule(rx(r"\b(?:the (?:near|short) term|a later date)\b", _I), reference_of("FUTURE_REF")),
    Rule(rx(r"\bmid-? ?(?P<part>morning|afternoon)\b", _I), part_of_today),
    Rule(rx(rf"\b{_MOD} month\b", _I), relative_month),
    Rule(rx(rf"\b{_MOD} (?P<unit>week|weekend)\b", _I), relative_week),
    Rule(rx(r"\b(?:the|this) (?P<mod>)(?P<unit>weekend)\b", _I), relative_week),
    Rule(
        rx(
            r"\b(?:(?:early|late|earlier|later) )?"
            r"(?P<day>today|yesterday|tomorrow|tonight)\b",
            _I,
        ),
        relative_day,
    ),
    Rule(
        rx(r"\b(?P<mod>this|last) (?P<part>morning|afternoon|evening|night)\b", _I),
        this_part_of_day,
    ),
    Rule(
        rx(
            rf"\b(?:(?P<mod>(?i:last|next|this|early|late|coming)) )?(?P<day>{WEEKDAY})"
            r"(?P<plural>s)?\b(?: (?P<part>(?i:morning|afternoon|evening|night)))?\b"
        ),
        weekday_of,
    ),
    Rule(rx(rf"\b(?P<num>{NUMBER}) (?P<unit>{UNIT})s? (?:ago|earlier)\b", _I), ago),
    Rule(
        rx(
            rf"\b(?:(?:the )?(?:past|last|next|first|previous|coming|following|final) )?"
            rf"(?P<num>{NUMBER})(?: (?:more|additional|further|trading|business|working))?[- ]"
            rf"(?P<unit>{UNIT})s?\b(?!-old)",
            _I,
        ),
        duration,
    ),
    Rule(
        rx(rf"\b(?:for|in|over|within|after) (?P<x>(?P<unit>{UNIT})s)\b", _I),
        vague_duration,
    ),
    Rule(rx(r"\bthe (?:past|last|previous) (?P<unit>week|month|year|decade)\b", _I), past_period),
    Rule(
        rx(
            r"\b(?:every|each|per) (?P<unit>day|night|morning|evening|week|month|quarter|year|"
            r"hour)\b",
            _I,
        ),
        set_of,
    ),
    Rule(
        rx(r"\b(?:once|twice|\w+ times) a (?P<unit>day|week|month|year)\b", _I),
        set_of,
    ),
    Rule(rx(r"\b(?P<unit>daily|nightly|weekly|monthly|annually|yearly|hourly)\b", _I), frequency),
    Rule(rx(rf"\b(?:every|each) (?P<day>{WEEKDAY})\b"), every_weekday),
    Rule(
        rx(rf"\b(?:every|each) (?P<month>{FULL_MONTH})\b"),
        lambda m, ctx: (TimexType.SET, f"XXXX-{MONTH_NUMBERS[m['month'].lower()]:02d}"),
    ),
    Rule(
        rx(r"\b(?:now|currently|current|nowadays|presently|at present|these days)\b", _I),
        reference_of("PRESENT_REF"),
    ),
    Rule(
        rx(r"\b(?:recently|in the past|the past)\b", _I),
        reference_of("PAST_REF"),
    ),
    Rule(rx(r"\brecent (?P<unit>day|week|month|year)s\b", _I), vague_period),
    Rule(
        rx(r"\b(?:the (?:near |distant |immediate )?future|in future)\b", _I),
        reference_of("FUTURE_REF"),
    ),
    Rule(
        rx(
            r"\b(?:(?P<mod>last|this|next|early|late|the) )?(?P<season>spring|summer|autumn|fall|"
            rf"winter)\b(?:,? (?:of )?(?P<year>{YEAR_RX})\b)?(?! of\b(?! nineteen| two thousand))",
            _I,
        ),
        season,
    ),
    Rule(
        rx(
            rf"\b(?:(?:the|(?P<mod>this|last|next) year's|fiscal) )?(?:fiscal )?(?P<ord>{_ORD})"
            r"[- ]quarter"
            rf"\b(?:,? (?:of )?(?P<year>{YEAR_RX})\b)?",
            _I,
        ),
        quarter_of,
    ),
    Rule(
        rx(
            r"\b(?:the|this) (?P<mod>latest|last|recent|most recent|current)? ?(?:fiscal )?"
            r"quarter\b(?!-)",
            _I,
        ),
        latest_quarter,
    ),
    # "the 1988 second quarter", "the 1988 quarter" (the one the report is about, a year back).
    Rule(YEAR_QUARTER, year_quarter),
    Rule(
        rx(
            r"\b(?:the )?(?:(?P<half>first|second|last|latter) half|(?P<quarters>first|last) "
            rf"(?:two|2) quarters) of (?P<year>{YEAR_RX})\b",
            _I,
        ),
        half_year,
    ),
    # Earnings reports: "in the latest period" is the quarter reported on.
    Rule(LATEST_PERIOD, latest_quarter),
    Rule(
        rx(r"\b(?:the )?(?:early |late |mid-)?(?:(?P<century>1[89]|20)|')(?P<decade>\d)0'?s\b"),
        decade_of,
    ),
    Rule(rx(r"\b(?:the )?(?P<number>\d{1,2})(?:st|nd|rd|th) century\b", _I), century_of),
    Rule(rx(rf"\bthe (?P<decade>{'|'.join(DECADE_WORDS)})\b", _I), decade_word),
    Rule(
        rx(r"\b(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))? ?(?P<half>[ap])\.?m\b\.?", _I),
        clock_time,
    ),
    Rule(rx(r"\b(?P<name>noon|midday|midnight)\b", _I), named_time),
    Rule(_ANAPHORIC, lambda m, ctx: (TimexType.DATE, _ANAPHORA_VALUE)),
    Rule(
        rx(
            rf"\b(?:(?P<mod>last|next|this) )?(?P<name>{HOLIDAY})\b(?P<week> week\b)?"
            rf"(?:,? (?P<year>{YEAR_RX})\b)?",
            _I,
        ),
        holiday,
        names=True,
    ),
)


_DAY_UNITS = frozenset({"day", "morning", "evening", "night"})
_ISO_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d\d)")
_ISO_YEAR = re.compile(r"^(\d{4})(?!-W)")  # a year, month or day; not a week


def follow_references(text: str, found: list[Timex], anchor: dt.date | None) -> list[Timex]:
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
            return iso_week(date + dt.timedelta(weeks=shift))
        return (date + dt.timedelta(days=shift)).isoformat()
    if unit == "month":
        if not (month := _ISO_MONTH.match(reference)):
            return _underspecified(reference, unit) if not shift else None
        return month_value(shift_months(dt.date(int(month[1]), int(month[2]), 1), shift))
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


def _relative_year_back(ctx: Context) -> Result:
    anchor = ctx.at(Precision.YEAR)
    return TimexType.DATE, f"{anchor.year - 1:04d}" if anchor else None
