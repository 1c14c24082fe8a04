"""A story's timeline: each dated event once, with every report of it, and each article's
coming out ("<outlet> reports: <title>") where its headline reports no event of its day."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.annotate.labels import normalise_space
from storyline.records import Article, Document, Ref, TimexType
from storyline.report.articles import outlet_name
from storyline.report.sentences import SentencePool, in_own_words, is_statement
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = ["ISO_DATE", "TimelineEntry", "build_timeline", "publication_event"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event: ``date`` is ISO as precise as known (``2006``, ``2006-01``, ...)."""

    date: str
    precision: str
    text: str
    sources: tuple[Ref, ...]
    #: The date rests only on publication dates inferred from the story, none stated.
    inferred: bool = False
    #: The entry is only an article's coming out ("<outlet> reports: <title>"), no event.
    publication: bool = False

    def shown_date(self) -> str:
        return f"{self.date} (inferred)" if self.inferred else self.date


ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


def build_timeline(
    documents: Sequence[Document],
    pool: SentencePool,
    settings: SummarySettings,
    embedder: Embedder,
) -> list[TimelineEntry]:
    """Events by date, each once with every report of it.

    An event is a statement holding a resolved calendar date. Two with one date are one event
    when the clauses their dates are in say the same thing (``TimeRef.event``; the sentence
    where none was found), or their sentences do: one outlet writes "Hamas defeated Fatah in
    a landslide on 25 January", another dates the same election inside a sentence about Putin.
    An article's publication joins the event of that day its headline reports ("Putin to
    invite Hamas to Moscow" and another outlet's "Putin said on Thursday that he was
    considering inviting ... Hamas to Moscow"), or else stands as "<outlet> reports: <title>".
    """
    dated = _dated_events(documents, pool, settings)
    clauses = embedder.encode([d.clause for d in dated]) if dated else np.zeros((0, 1))
    groups = _merge_dated(dated, clauses, pool, settings.timeline_similarity)
    entries = [
        _entry(date, [dated[m] for m in members], pool, settings.min_words)
        for date, members in groups
    ]
    publications = [(d.article, e) for d in documents if (e := publication_event(d.article))]
    titles = embedder.encode([a.title or "" for a, _ in publications]) if publications else ()
    for (article, event), title in zip(publications, titles, strict=True):
        # the event of its day the headline is closest to, if close enough
        scored = [
            (max(float(clauses[m] @ title) for m in members), n)
            for n, (date, members) in enumerate(groups)
            if article.title and date == event.date
        ]
        score, best = max(scored, default=(-1.0, -1))
        if score >= settings.timeline_similarity:
            entries[best] = _with_report(entries[best], event)
        else:
            entries.append(event)
    return sorted(entries, key=lambda e: (e.date, e.sources[0] if e.sources else e.text))


@dataclass(frozen=True, slots=True)
class _Dated:
    """A statement holding a resolved date: its pool sentence and the clause the date is in."""

    date: str
    sentence: int
    clause: str
    inferred: bool  # resolved against a publication date inferred from the story


def _dated_events(
    documents: Sequence[Document], pool: SentencePool, settings: SummarySettings
) -> list[_Dated]:
    """Each statement holding a resolved calendar date, once per date, in reading order."""
    found: dict[tuple[str, int], _Dated] = {}
    for document in documents:
        text, published = document.article.text, document.article.published
        inferred = published is not None and published.inferred
        for timeref in document.timex or []:
            if timeref.type is not TimexType.DATE or not ISO_DATE.match(timeref.value or ""):
                continue
            index = pool.index_of(document.article.id, timeref.span)
            if index is not None and is_statement(pool.texts[index], settings.min_words):
                clause = normalise_space(timeref.event.of(text)) if timeref.event else ""
                key = (str(timeref.value), index)
                dated = _Dated(key[0], index, clause or pool.texts[index], inferred)
                found.setdefault(key, dated)
    return sorted(found.values(), key=lambda d: (d.date, pool.order[d.sentence], d.sentence))


def _merge_dated(
    dated: list[_Dated], clauses: np.ndarray, pool: SentencePool, threshold: float
) -> list[tuple[str, list[int]]]:
    """Groups of ``dated`` (indices) with one date whose clauses or sentences say one thing.

    A group takes one statement per article: an article's two statements of one day are two
    things it reports (Putin's offer and, "later on Thursday", his envoy's words), and what
    merging is for is one event told by several outlets.
    """
    groups: list[tuple[str, list[int]]] = []
    for n, event in enumerate(dated):
        article = pool.refs[event.sentence].article
        home = next(
            (
                g
                for g in groups
                if g[0] == event.date
                and all(pool.refs[dated[m].sentence].article != article for m in g[1])
                and (
                    float(clauses[g[1][0]] @ clauses[n]) >= threshold
                    or _cosine(pool, dated[g[1][0]].sentence, event.sentence) >= threshold
                )
            ),
            None,
        )
        if home is None:
            groups.append((event.date, [n]))
        else:
            home[1].append(n)
    return groups


def _entry(date: str, members: list[_Dated], pool: SentencePool, min_words: int) -> TimelineEntry:
    """One event; told by its shortest report in the reporter's own words, which says least
    besides it (a quote only when every report is one: a whole quotation is often the
    longest way to tell what happened, and the shortest is then a speaker's words alone)."""
    precision = _PRECISION_BY_LENGTH[len(date)]
    sources = tuple(dict.fromkeys(pool.refs[m.sentence] for m in members))
    text = min(
        (pool.texts[m.sentence] for m in members),
        key=lambda t: (not in_own_words(t, min_words), len(t)),
    )
    return TimelineEntry(date, precision, text, sources, all(m.inferred for m in members))


def _with_report(entry: TimelineEntry, publication: TimelineEntry) -> TimelineEntry:
    """``entry`` with the headline of an article that reports it on its day."""
    sources = tuple(dict.fromkeys([*entry.sources, *publication.sources]))
    return replace(entry, sources=sources, inferred=entry.inferred and publication.inferred)


def publication_event(article: Article) -> TimelineEntry | None:
    """'<outlet> reports: <title>' on the day the article came out, if that day and its title
    are known (an untitled article's coming out has nothing to show and no span to cite)."""
    title = normalise_space(article.title or "")
    if article.published is None or not title:
        return None
    inferred = " (date inferred)" if article.published.inferred else ""
    text = f"{outlet_name(article)} reports: {title}{inferred}"
    source = _title_ref(article)
    return TimelineEntry(
        article.published.iso(),
        article.published.precision.value,
        text,
        (source,) if source else (),
        article.published.inferred,
        publication=True,
    )


def _title_ref(article: Article) -> Ref | None:
    """Where the title stands in the text, else the first paragraph of the body."""
    title = (article.title or "").strip()
    at = article.text.find(title) if title else -1
    if at >= 0:
        return Ref(article.id, at, at + len(title))
    first = next((s for s in article.body if len(s) > 0), None)
    return Ref(article.id, first.start, first.end) if first else None


def _cosine(pool: SentencePool, a: int, b: int) -> float:
    return float(pool.vectors[a] @ pool.vectors[b])
