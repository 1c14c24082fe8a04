"""TIMEX: time expressions found in an article's body, each with a TimeML value.

Values are resolved against the anchor, the article's publication date, following news
conventions: reports are mostly about the past, so "on Thursday" is the most recent Thursday
and "25 January" after the anchor is last year's, unless the sentence speaks of the future.

The rules are hand-written regular expressions rather than dateparser's search: dateparser
trims spans badly ("on Thursday that" and "March" the verb come back as dates), knows nothing of
news conventions (past-leaning weekdays, ISO weeks, PRESENT_REF) and never produces durations,
sets or TimeML values, so nothing of it would be left to reuse. Dates are computed with the
standard library.

- :mod:`~storyline.annotate.timex.context`: the :class:`Timex` record, the anchor and the
  sentence context a rule may consult.
- :mod:`~storyline.annotate.timex.vocabulary`: the pieces the rules' patterns are made of.
- :mod:`~storyline.annotate.timex.values`: value arithmetic (months, ISO weeks, nearest years).
- :mod:`~storyline.annotate.timex.resolvers`: one resolver per rule, from a match to a value.
- :mod:`~storyline.annotate.timex.rules`: the rules, and the references they follow.
- :mod:`~storyline.annotate.timex.finder`: :func:`find_timexes`, the pure finder, and
  :class:`TimexStage`, which applies it to articles and maps offsets back to the original text."""

from storyline.annotate.timex.context import Timex
from storyline.annotate.timex.finder import TimexStage, event_clause, find_timexes, time_refs

__all__ = ["Timex", "TimexStage", "event_clause", "find_timexes", "time_refs"]
