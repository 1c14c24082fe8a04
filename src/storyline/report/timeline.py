"""A story's timeline: each event once, dated by what its statements report, with every
report of it, and each article's coming out ("<outlet> reports: <title>") where its headline
reports no event of its day; and apart from it, the background: what the statements say of
times a year or more before the story."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.annotate.labels import normalise_space
from storyline.records import Article, Document, Ref
from storyline.report.articles import outlet_name
from storyline.report.event_dates import (
    ISO_DATE,
    DatedSentence,
    dated_sentences,
    is_background,
    story_start,
)
from storyline.report.sentences import SentencePool, in_own_words
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "BACKGROUND_HEADING",
    "ISO_DATE",
    "TimelineEntry",
    "build_background",
    "build_timeline",
    "publication_event",
]


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


#: What every view calls the background: the dates it shows are those the statements
#: mention, not when they were made.
BACKGROUND_HEADING = "Background (earlier times the articles mention)"
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


def build_timeline(
    documents: Sequence[Document],
    pool: SentencePool,
    settings: SummarySettings,
    embedder: Embedder,
    dated: Sequence[DatedSentence] | None = None,
) -> list[TimelineEntry]:
    """The story's events by date, each once with every report of it.

    An event is a statement dated by what it reports (:mod:`~storyline.report.event_dates`:
    its main clause holds the date, and the date is not background). Two with one date are
    one event when the clauses their dates are in say the same thing (``TimeRef.event``; the
    sentence where none was found), or their sentences do. A statement that only mentions
    the date of an event ("Putin rejected claims ... declaring Hamas, which won the elections
    on Jan. 25, a terrorist organization") is cited as a report of it (another outlet's
    "Hamas defeated Fatah in a landslide on 25 January"), never shown as an event of that
    day. An article's publication joins the event of that day its headline reports ("Putin
    to invite Hamas to Moscow" and another outlet's "Putin said on Thursday that he was
    considering inviting ... Hamas to Moscow"), or else stands as "<outlet> reports:
    <title>". ``dated`` is :func:`dated_sentences` of the pool, when already made.
    """
    if dated is None:
        dated = dated_sentences(documents, pool, settings.min_words)
    start = story_start(documents)
    events = [d for d in dated if d.main and not is_background(d.date, start)]
    mentions = [d for d in dated if not d.main and not is_background(d.date, start)]
    entries, groups, clauses = _grouped(events, mentions, pool, settings, embedder)
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
    return _in_order(entries)


def build_background(
    documents: Sequence[Document],
    pool: SentencePool,
    settings: SummarySettings,
    embedder: Embedder,
    dated: Sequence[DatedSentence] | None = None,
) -> list[TimelineEntry]:
    """What the story's statements say of earlier times, by the date they mention: one a
    year or more before the story's first article ("the territories occupied since 1967", "a
    ceasefire agreed last year"), in whatever clause. Kept apart from the timeline, whose
    events (and chart) span the story; a statement on the timeline is not repeated here."""
    if dated is None:
        dated = dated_sentences(documents, pool, settings.min_words)
    start = story_start(documents)
    on_timeline = {d.sentence for d in dated if d.main and not is_background(d.date, start)}
    earlier = [d for d in dated if is_background(d.date, start) and d.sentence not in on_timeline]
    return _in_order(_grouped(earlier, [], pool, settings, embedder)[0])


def _in_order(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda e: (e.date, e.sources[0] if e.sources else e.text))


def _grouped(
    told: list[DatedSentence],
    mentions: list[DatedSentence],
    pool: SentencePool,
    settings: SummarySettings,
    embedder: Embedder,
) -> tuple[list[TimelineEntry], list[tuple[str, list[int]]], np.ndarray]:
    """An entry per event of ``told``, citing the ``mentions`` that tell one of them; with
    the groups (indices into ``told``) and the embedded clauses of ``told``."""
    clauses = embedder.encode([d.clause for d in told]) if told else np.zeros((0, 1))
    groups = _merge_dated(told, clauses, pool, settings.timeline_similarity)
    support: dict[int, list[DatedSentence]] = {}
    if mentions and groups:
        vectors = embedder.encode([d.clause for d in mentions])
        for mention, vector in zip(mentions, vectors, strict=True):
            home = _home(told, groups, clauses, mention, vector, pool, settings)
            if home is not None:
                support.setdefault(home, []).append(mention)
    entries = [
        _entry(date, [told[m] for m in members], support.get(n, []), pool, settings.min_words)
        for n, (date, members) in enumerate(groups)
    ]
    return entries, groups, clauses


def _home(
    told: list[DatedSentence],
    groups: list[tuple[str, list[int]]],
    clauses: np.ndarray,
    mention: DatedSentence,
    vector: np.ndarray,
    pool: SentencePool,
    settings: SummarySettings,
) -> int | None:
    """The group of the mention's date whose event it tells (by clause or by sentence), if
    any, among those no statement of the mention's article is in."""
    article = pool.refs[mention.sentence].article
    for n, (date, members) in enumerate(groups):
        if date != mention.date or any(
            pool.refs[told[m].sentence].article == article for m in members
        ):
            continue
        first = members[0]
        if (
            float(clauses[first] @ vector) >= settings.timeline_similarity
            or _cosine(pool, told[first].sentence, mention.sentence) >= settings.timeline_similarity
        ):
            return n
    return None


def _merge_dated(
    dated: list[DatedSentence], clauses: np.ndarray, pool: SentencePool, threshold: float
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


def _entry(
    date: str,
    members: list[DatedSentence],
    mentions: list[DatedSentence],
    pool: SentencePool,
    min_words: int,
) -> TimelineEntry:
    """One event; told by its shortest report in the reporter's own words, which says least
    besides it (a quote only when every report is one: a whole quotation is often the
    longest way to tell what happened, and the shortest is then a speaker's words alone).
    The statements that only mention its date are cited, never shown."""
    precision = _PRECISION_BY_LENGTH[len(date)]
    sources = tuple(dict.fromkeys(pool.refs[m.sentence] for m in [*members, *mentions]))
    text = min(
        (pool.texts[m.sentence] for m in members),
        key=lambda t: (not in_own_words(t, min_words), len(t)),
    )
    inferred = all(m.inferred for m in [*members, *mentions])
    return TimelineEntry(date, precision, text, sources, inferred)


def _with_report(entry: TimelineEntry, publication: TimelineEntry) -> TimelineEntry:
    """``entry`` with the headline of an article that reports it on its day (cited once: an
    article the entry cites already is not cited again for its title)."""
    cited = {r.article for r in entry.sources}
    sources = (*entry.sources, *(r for r in publication.sources if r.article not in cited))
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
