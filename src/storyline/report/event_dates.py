"""The dates a story's statements tell, and which of them date what a statement reports.

A sentence is dated by the event it reports, its main clause: "Hamas defeated Fatah ... on 25
January" is an event of 25 January. A date the sentence only mentions does not date it: one
in a clause that describes a noun ("Putin ... had earlier said he would invite Hamas leaders
..., the movement, which won a landslide victory in legislative polls last month"; "a
ceasefire agreed last year"), in an appositive, or one that only bounds another time ("since
1967", "after it won the elections last year"). And a date a year or more before the story's
first article is background, not one of the story's events, whatever clause it is in.

Which clause a date is in is judged from the dependency parse at annotation
(:func:`storyline.annotate.timex.finder.dates_its_sentence`, kept as ``TimeRef.reports``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.annotate.labels import normalise_space
from storyline.records import Document, TimexType
from storyline.report.sentences import SentencePool, is_statement

__all__ = [
    "ISO_DATE",
    "DatedSentence",
    "dated_sentences",
    "first_day",
    "is_background",
    "story_start",
]

ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class DatedSentence:
    """A resolved calendar date in a statement of the pool."""

    date: str  # ISO, as precise as known: 2006, 2006-01, 2006-01-25
    sentence: int  # its pool sentence
    clause: str  # the clause the date is in (TimeRef.event), else the sentence
    inferred: bool  # resolved against a publication date inferred from the story
    #: The date is that of what the sentence reports: it stands in the main clause (or in a
    #: clause of the same time, "when he announced in January"), not in a clause describing a
    #: noun, an appositive, or a phrase that bounds another time ("since 1967").
    main: bool


def dated_sentences(
    documents: Sequence[Document], pool: SentencePool, min_words: int = 0
) -> list[DatedSentence]:
    """Each statement's resolved calendar dates, once per date and sentence, by date and then
    reading order (a statement: :func:`is_statement` with ``min_words``). Whether a date is
    its sentence's own was judged from the parse at annotation (``TimeRef.reports``); where
    it was not (a store analysed before), the date is taken as the sentence's."""
    found: dict[tuple[str, int], DatedSentence] = {}
    for document in documents:
        text, published = document.article.text, document.article.published
        inferred = published is not None and published.inferred
        for timeref in document.timex or []:
            if timeref.type is not TimexType.DATE or not ISO_DATE.match(timeref.value or ""):
                continue
            index = pool.index_of(document.article.id, timeref.span)
            if index is None or not is_statement(pool.texts[index], min_words):
                continue
            clause = normalise_space(timeref.event.of(text)) if timeref.event else ""
            key = (str(timeref.value), index)
            main = timeref.reports is not False
            found.setdefault(
                key, DatedSentence(key[0], index, clause or pool.texts[index], inferred, main)
            )
    return sorted(found.values(), key=lambda d: (d.date, pool.order[d.sentence], d.sentence))


def story_start(documents: Sequence[Document]) -> dt.date | None:
    """The first day of the story's first article (a date inferred from the story counts)."""
    days = [d.article.published.date for d in documents if d.article.published is not None]
    return min(days, default=None)


def is_background(date: str, start: dt.date | None) -> bool:
    """Whether ``date`` begins a year or more before the story starts ("since 1967", "last
    year" in an article of March 2006): background, not one of the story's events."""
    day = first_day(date)
    if day is None or start is None:
        return False
    try:
        year_before = start.replace(year=start.year - 1)
    except ValueError:  # 29 February
        year_before = start.replace(year=start.year - 1, day=28)
    return day <= year_before


def first_day(value: str) -> dt.date | None:
    """The first day of an ISO date of any precision (``2006`` → 2006-01-01), or None."""
    if not ISO_DATE.match(value):
        return None
    parts = [int(p) for p in value.split("-")]
    month, day = [*parts[1:], 1, 1][:2]
    try:
        return dt.date(parts[0], month, day)
    except ValueError:
        return None
