"""Value arithmetic: months shifted, ISO weeks, the nearest year or month a date falls in."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from storyline.annotate.timex.context import Context
from storyline.records import Precision


def shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_value(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


#: How far after the anchor a date in a past-tense sentence may still lie (deadlines, schedules
#: and effective dates are told in the past tense: "said it will be paid Dec. 7"). 7 days, as
#: a strict past reading would have it, scored 0.751 value F1 on TempEval-3 train; 90 scored 0.764.
DAY_SLACK = 90
#: The same for a bare month, in months ("the plan announced will start in January"): 0 scored
#: 0.764, 3 scored 0.769 on TempEval-3 train.
_MONTH_SLACK = 3
#: How far before the anchor a date in a future sentence may still lie, in days: a deadline
#: just passed when the report is dated ("ordered to repatriate the child by Jan. 14", dated
#: Jan. 15) is this year's, not a year ahead; a writer means next year's with "next January".
#: 0 scored 0.8216 value F1 on TempEval-3 train, 7 (and up to 60) 0.8221 (bench_time.py).
_DAY_BACK = 7


#: Words right before a date that make it a deadline or a start ("by February", "effective
#: Feb. 1", "until June 30"): those lie ahead of the report whatever its tense.
_AHEAD_BEFORE = re.compile(r"\b(?:by|effective|until|till|starting|beginning)\s+(?:on\s+)?$", re.I)


def _tense_of_date(ctx: Context, start: int, end: int) -> bool | None:
    return True if _AHEAD_BEFORE.search(ctx.before(start)) else ctx.tense(start, end)


def nearest_year(month: int, day: int, ctx: Context, start: int, end: int) -> str | None:
    """Year for a month-day without one: this year's, unless news convention says otherwise.

    See :func:`pick_year`: in a past-tense sentence a date well after the anchor is last
    year's (reports look back); in a sentence about the future, one before it is next year's.
    """
    anchor = ctx.at(Precision.YEAR)
    if anchor is None:
        return None
    year = anchor.year
    if ctx.at(Precision.DAY) is not None:
        year = pick_year(
            lambda y: ((valid_date(y, month, day) or dt.date(y, month, 28)) - anchor).days,
            anchor.year,
            _tense_of_date(ctx, start, end),
            DAY_SLACK,
            back=_DAY_BACK,
        )
    date = valid_date(year, month, day)
    return date.isoformat() if date else None


def nearest_month(month: int, ctx: Context, start: int, end: int) -> str | None:
    anchor = ctx.at(Precision.MONTH)
    if anchor is None:
        return None
    months_after = lambda y: (y - anchor.year) * 12 + month - anchor.month  # noqa: E731
    year = pick_year(months_after, anchor.year, _tense_of_date(ctx, start, end), _MONTH_SLACK)
    return f"{year:04d}-{month:02d}"


def pick_year(
    after: Callable[[int], int], year: int, future: bool | None, slack: int, back: int = 0
) -> int:
    """The year (this, last or next) that puts a date where its sentence's tense says.

    ``after(y)`` is how far the date lies after the anchor in year ``y``. In a past-tense
    sentence the date is at most ``slack`` after the anchor; in a future one it is at most
    ``back`` before the anchor; without a tense marker it is the nearest, a tie going to the
    past (news reports look back).
    """
    years = (year - 1, year, year + 1)
    if future is False:
        return max(y for y in years if after(y) <= slack)
    if future is True:
        return min(y for y in years if after(y) >= -back)
    return min(years, key=lambda y: (abs(after(y)), after(y) > 0))
