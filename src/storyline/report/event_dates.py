"""The dates a story's statements tell, and which of them date what a statement reports.

A sentence is dated by the event it reports, its main clause: "Hamas defeated Fatah ... on 25
January" is an event of 25 January. A date the sentence only mentions does not date it: one
in a clause that describes a noun ("Putin ... had earlier said he would invite Hamas leaders
..., the movement, which won a landslide victory in legislative polls last month"; "a
ceasefire agreed last year"), in an appositive, or one that only bounds another time ("since
1967", "after it won the elections last year"). And a date a year or more before the story's
first article is background, not one of the story's events, whatever clause it is in.

Which clause a date is in is read from a dependency parse of the statement (the annotation's
parse is not stored; :class:`~storyline.records.TimeRef` keeps only the clause's span).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
    documents: Sequence[Document],
    pool: SentencePool,
    min_words: int = 0,
    parser: Any = None,
) -> list[DatedSentence]:
    """Each statement's resolved calendar dates, once per date and sentence, by date and then
    reading order (a statement: :func:`is_statement` with ``min_words``). ``parser`` is a
    spaCy pipeline (the packaged English one by default)."""
    found: dict[tuple[str, int], tuple[DatedSentence, int, int]] = {}
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
            told = DatedSentence(key[0], index, clause or pool.texts[index], inferred, True)
            start = pool.refs[index].start
            found.setdefault(key, (told, timeref.span.start - start, timeref.span.end - start))
    if not found:
        return []
    main = _in_main_clause(pool, documents, list(found.values()), parser)
    dated = [
        DatedSentence(d.date, d.sentence, d.clause, d.inferred, is_main)
        for (d, _, _), is_main in zip(found.values(), main, strict=True)
    ]
    return sorted(dated, key=lambda d: (d.date, pool.order[d.sentence], d.sentence))


#: Dependencies of a phrase that describes a noun rather than reports an event: relative and
#: participle clauses ("which won ... last month", "agreed last year") and appositives.
_DESCRIBING = frozenset({"relcl", "acl", "appos"})
#: Prepositions and conjunctions that make a date the bound of another time, not its day.
_BOUNDS = frozenset({"since", "until", "till", "after", "before", "by"})
#: Conjunctions that put an adverbial clause at the main event's own time.
_SAME_TIME = frozenset({"when", "as", "while"})
_DATE_ENTITIES = frozenset({"DATE", "TIME"})


def _in_main_clause(
    pool: SentencePool,
    documents: Sequence[Document],
    found: list[tuple[DatedSentence, int, int]],
    parser: Any,
) -> list[bool]:
    """Per found date (and its offsets in its sentence): whether it is in the main clause."""
    if parser is None:
        from storyline.annotate.models import spacy_pipeline

        parser = spacy_pipeline()
    texts = {d.article.id: d.article.text for d in documents}
    sentences = sorted({d.sentence for d, _, _ in found})
    raw = [texts[pool.refs[i].article][pool.refs[i].start : pool.refs[i].end] for i in sentences]
    parses = dict(zip(sentences, parser.pipe(raw), strict=True))
    return [_dates_its_sentence(parses[d.sentence], start, end) for d, start, end in found]


def _dates_its_sentence(parse: Any, start: int, end: int) -> bool:
    """Whether the expression at ``[start, end)`` of the parsed sentence dates what it reports.

    The path from the expression up to the root of its sentence (a quoted sentence's own root
    counts: "Today we must recognize ..." is the speaker's statement of that day) must not
    pass through a phrase that describes a noun, an adverbial clause of another time ("after
    it won"), or a preposition that bounds ("since 1967").
    """
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return True  # no tokens to judge by: the clause the annotation found stands
    node = span.root
    if node.dep_ == "pobj" and node.head.lower_ in _BOUNDS:
        return False
    while node.head.i != node.i:
        if node.dep_ in _DESCRIBING and not (
            node.dep_ == "appos" and node.head.ent_type_ in _DATE_ENTITIES
        ):
            return False
        if node.dep_ == "advcl" and not _at_same_time(node):
            return False
        if node.dep_ == "pcomp" and node.head.lower_ in _BOUNDS:
            return False
        node = node.head
    return True


def _at_same_time(verb: Any) -> bool:
    """Whether an adverbial clause happens at its main clause's time: one with no conjunction
    ("Speaking at a news conference tonight, Mish'al said") or a "when"/"as"/"while" one."""
    marker = next(
        (
            c.lower_
            for c in verb.children
            if c.i < verb.i and (c.dep_ == "mark" or (c.dep_ == "advmod" and c.tag_ == "WRB"))
        ),
        None,
    )
    return marker is None or marker in _SAME_TIME


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
