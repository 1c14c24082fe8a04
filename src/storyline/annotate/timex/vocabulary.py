"""The pieces the rules' patterns are made of: month, weekday, number, unit and season patterns
(month names and number words themselves are :mod:`storyline.dates`')."""

from __future__ import annotations

import re

from storyline.dates import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    SMALL_NUMBERS,
    TENS,
)


def _title_or_upper(words: list[str]) -> str:
    return "|".join(sorted({w for word in words for w in (word, word.upper())}, key=len)[::-1])


FULL_MONTH = rf"(?:{_title_or_upper(MONTH_NAMES)})"
#: Months as written before or after a day number: "Feb. 9", "9 Feb 2006", "Sept. 30".
ANY_MONTH = rf"(?:{FULL_MONTH}|(?:{_title_or_upper(list(MONTH_ABBREVIATIONS))})\.?)"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY = rf"(?:{_title_or_upper(WEEKDAYS)})"
YEAR_RX = r"(?:1[89]\d\d|20\d\d)"

DIGIT_WORDS = "|".join(SMALL_NUMBERS[:9])  # one to nine
_VAGUE = r"a few|few|several|many|some|a couple of|a couple|couple of|dozens of|hundreds of"
NUMBER = (
    rf"(?:\d+ 1/2|\d+(?:\.\d+)?|(?:{'|'.join(TENS)})(?:[- ](?:{DIGIT_WORDS}))?|"
    rf"{'|'.join(SMALL_NUMBERS)}|a hundred|{_VAGUE}|an|a)"
)
UNIT = r"(?:second|minute|hour|day|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "centurie": "CE",
}  # fmt: skip
SEASON_CODE = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
ORDINAL |= {"4th": 4}


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)
