"""Dates and numbers as news writes them: month names, number words, the days a publication
date stands for, and dates as inputs give them.

This is shared vocabulary below the stages: reading parses given dates, cleaning finds dates in
page text, annotation resolves time expressions, grouping compares date ranges, reports
compare counted figures, and every message that counts says "1 article", "2 articles". Each
takes what it needs from here rather than from another stage.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from storyline.records import Precision, PubDate

# ---------------------------------------------------------------------------------------------
# Months

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
MONTH_ABBREVIATIONS = {"Sept": 9} | {
    name[:3]: number for number, name in enumerate(MONTH_NAMES, 1) if name != "May"
}
#: Every lower-case month name and abbreviation ("january", "jan", "sept") → month number.
MONTH_NUMBERS = {n.lower(): i for i, n in enumerate(MONTH_NAMES, 1)} | {
    a.lower(): i for a, i in MONTH_ABBREVIATIONS.items()
}


# ---------------------------------------------------------------------------------------------
# Numbers in words

SMALL_NUMBERS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_VALUE = {w: i for i, w in enumerate(SMALL_NUMBERS, 1)} | {
    w: 10 * i for i, w in enumerate(TENS, 2)
}
#: Numbers in words, one to ninety ("forty-two" is two of them).
CARDINAL_WORDS = (*SMALL_NUMBERS, *TENS)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with its noun, agreeing with it: "1 article", "2 articles", "1,261 stories"
    (``plural`` where adding an "s" is wrong). Every message that counts says it this way."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def number_value(word: str) -> int | float | None:
    """The number a numeral stands for; None when vague ("several")."""
    word = word.lower().replace("-", " ")
    if word in ("a", "an"):
        return 1
    if word.startswith(("a couple", "couple")):  # "a couple of years": two, as TimeML reads it
        return 2
    if word == "a hundred":
        return 100
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word) if "." in word else int(word)
    if re.fullmatch(r"\d+ 1/2", word):  # "2 1/2 years", as news style writes halves
        return int(word.split()[0]) + 0.5
    parts = word.split()
    if all(p in NUMBER_VALUE for p in parts):
        return sum(NUMBER_VALUE[p] for p in parts)
    return None


# ---------------------------------------------------------------------------------------------
# Dates as inputs give them


def parse_given_date(value: str) -> tuple[dt.date, Precision] | None:
    """A date as inputs give one: ``2006``, ``2006-02``, ``2006-02-09`` or a full ISO
    timestamp, or an RFC 2822 date (``Thu, 09 Feb 2006 10:00:00 GMT``, as feeds and the APIs
    built on them write it), with its precision; None for anything else."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1), Precision.YEAR
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date(int(value[:4]), int(value[5:]), 1), Precision.MONTH
        return dt.datetime.fromisoformat(value).date(), Precision.DAY
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date(), Precision.DAY
    except (TypeError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------------------------------------
# The days a date stands for


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days a publication date may stand for (a month-precise date covers the month)."""

    first: dt.date
    last: dt.date

    def days_to(self, other: DateRange) -> int:
        """Days between the closest ends of two ranges; 0 when they overlap."""
        return max(0, (other.first - self.last).days, (self.first - other.last).days)

    def cover(self, other: DateRange) -> DateRange:
        return DateRange(min(self.first, other.first), max(self.last, other.last))

    @classmethod
    def of(cls, published: PubDate) -> DateRange:
        """The days a date stands for: one day, a whole month, or a whole year."""
        day = published.date
        if published.precision is Precision.YEAR:
            return cls.year(day.year)
        if published.precision is Precision.MONTH:
            return cls.month(day.year, day.month)
        return cls(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> DateRange:
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last))

    @classmethod
    def year(cls, year: int) -> DateRange:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


def date_range(published: PubDate | None) -> DateRange | None:
    return None if published is None else DateRange.of(published)


def most_precise(published: Iterable[PubDate | None]) -> list[PubDate]:
    """The dates known most precisely: day-precise ones if any, else month-, else year-."""
    dated = [p for p in published if p is not None]
    finest = max((p.precision.fineness for p in dated), default=None)
    return [p for p in dated if p.precision.fineness == finest]
