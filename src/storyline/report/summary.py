"""A story's (or a thread's) summary: central, non-redundant sentences, each citing every
outlet that wrote a near-identical one; and the user's summariser, held to those sources."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from storyline.errors import ConfigError
from storyline.records import Corpus, Document, Ref, Thread
from storyline.report.articles import (
    embedder_or_default,
    in_language,
    main_language,
    story_documents,
    thread_stories,
)
from storyline.report.event_dates import (
    DatedSentence,
    dated_sentences,
    is_background,
    story_start,
)
from storyline.report.sentences import SentencePool, is_summary_candidate
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "SummarySentence",
    "apply_summary_hook",
    "build_summary",
    "build_thread_summary",
    "sentence_dates",
]

_LOG = logging.getLogger("storyline")


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence of the summary; ``sources[0]`` is the sentence itself, then agreeing ones."""

    sentence: str
    sources: tuple[Ref, ...]


def build_summary(
    pool: SentencePool,
    settings: SummarySettings,
    documents: Sequence[Document] = (),
    dated: Sequence[DatedSentence] | None = None,
) -> list[SummarySentence]:
    """Central, non-redundant sentences (MMR), each citing the outlets that say the same,
    in the order of the dates they tell of (``documents`` give their time expressions;
    ``dated`` is :func:`dated_sentences` of the pool, when already made)."""
    candidates = in_main_language(
        pool,
        documents,
        [i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)],
    )
    if not candidates:
        return []
    chosen = _select_mmr(pool, candidates, settings)
    dates = sentence_dates(documents, pool, dated)
    chosen.sort(key=lambda i: (dates.get(i, ""), pool.order[i], pool.refs[i]))
    return [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]


def in_main_language(
    pool: SentencePool, documents: Sequence[Document], rows: list[int]
) -> list[int]:
    """The ``rows`` a summary in the documents' main language reads (:func:`main_language`):
    an article in another language is cited in the story's article list, not its summary."""
    language = main_language(documents)
    readable = {d.article.id for d in documents if in_language(d, language)}
    return [i for i in rows if pool.refs[i].article in readable]


def build_thread_summary(
    corpus: Corpus,
    thread: Thread,
    settings: SummarySettings,
    embedder: Embedder | None = None,
) -> list[SummarySentence]:
    """A thread's summary: how each of its stories went, story by story in the thread's
    order, the latest included.

    Each story gives its lead: the statement closest to its title, which says what happened
    ("Russia downgrades ties with Hamas"; the most central statement of an untitled story).
    MMR over all the thread's statements adds the rest. A statement that tells only of times a
    year or more before its own story (the 2007 story's "Russia established high-level
    contacts with Hamas after it won Palestinian elections last year") is left out: it is
    background, told by the stories it happened in. Each story's sentences read in the order
    of the dates they tell of.
    """
    stories = thread_stories(corpus, thread)
    by_story = [
        [d for d in story_documents(corpus, story) if d.article.id not in corpus.duplicate_of]
        for story in stories
    ]
    documents = [d for story_docs in by_story for d in story_docs]
    embedder = embedder_or_default(embedder)
    pool = SentencePool.build(documents, embedder)
    dated = dated_sentences(documents, pool, settings.min_words)
    story_of = {d.article.id: n for n, story_docs in enumerate(by_story) for d in story_docs}
    first_days = [story_start(story_docs) for story_docs in by_story]
    starts = {article: first_days[n] for article, n in story_of.items()}
    told = _told_dates(documents, pool, dated, starts)
    earlier = _background_only(pool, dated, starts)
    candidates = in_main_language(
        pool,
        documents,
        [
            i
            for i, text in enumerate(pool.texts)
            if i not in earlier and is_summary_candidate(text, settings.min_words)
        ],
    )
    if not candidates:
        return []
    titles = embedder.encode([story.title or "" for story in stories])
    leads = [
        _lead(
            pool,
            [i for i in candidates if story_of[pool.refs[i].article] == n],
            titles[n] if story.title else None,
        )
        for n, story in enumerate(stories)
    ]
    seeded = _spread([i for i in leads if i is not None], settings.max_sentences)
    chosen = _select_mmr(pool, candidates, settings, seeded)
    chosen.sort(
        key=lambda i: (story_of[pool.refs[i].article], told.get(i, ""), pool.order[i], pool.refs[i])
    )
    summary = [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]
    return apply_summary_hook(settings.hook, thread.title, summary)


def _lead(pool: SentencePool, rows: list[int], title: np.ndarray | None) -> int | None:
    """The statement closest to the story's title, else (untitled) the most central one."""
    if not rows:
        return None
    if title is None:
        return _most_central(pool, rows)
    return rows[int(np.argmax(pool.vectors[rows] @ title))]


def _spread(leads: list[int], limit: int) -> list[int]:
    """At most ``limit`` of the stories' leads, the first and the latest among them, the rest
    evenly between: a long thread's summary still ends with where it stands."""
    if len(leads) <= limit:
        return leads
    picks = np.linspace(0, len(leads) - 1, max(limit, 1)).round().astype(int)
    return [leads[k] for k in dict.fromkeys(int(p) for p in picks)]


def _background_only(
    pool: SentencePool, dated: Sequence[DatedSentence], starts: Mapping[str, dt.date | None]
) -> set[int]:
    """The statements whose dates all lie a year or more before their own story."""
    dates: dict[int, list[str]] = {}
    for d in dated:
        dates.setdefault(d.sentence, []).append(d.date)
    return {
        i
        for i, values in dates.items()
        if all(is_background(v, starts.get(pool.refs[i].article)) for v in values)
    }


def _most_central(pool: SentencePool, rows: list[int]) -> int | None:
    if not rows:
        return None
    vectors = pool.vectors[rows]
    centroid = vectors.mean(axis=0)
    return rows[int(np.argmax(vectors @ centroid))]


def apply_summary_hook(
    hook: str, title: str, summary: list[SummarySentence]
) -> list[SummarySentence]:
    """The user's summariser (``summary.hook``), held to the extractive summary's sources.

    Every sentence it returns must cite at least one source, all of them among the sources of
    ``summary``: a summary sentence a reader cannot check is never shown. When it breaks that
    rule (or fails), the extractive summary stands and a warning says why.
    """
    if not hook or not summary:
        return summary
    allowed = {ref for sentence in summary for ref in sentence.sources}
    try:
        rewritten = list(_load_hook(hook)(title, list(summary)))
    except Exception as error:  # the user's code: any failure falls back, with the reason
        _LOG.warning("summary hook %s failed (%s); the extractive summary is kept", hook, error)
        return summary
    uncited = [s for s in rewritten if not s.sources or not set(s.sources) <= allowed]
    if not rewritten or uncited:
        _LOG.warning(
            "summary hook %s returned %s; the extractive summary is kept",
            hook,
            "nothing"
            if not rewritten
            else f"a sentence without valid sources: {uncited[0].sentence!r}",
        )
        return summary
    return rewritten


def _load_hook(hook: str) -> Callable[[str, list[SummarySentence]], Iterable[SummarySentence]]:
    module, _, name = hook.partition(":")
    if not module or not name:
        raise ConfigError(f"summary.hook must be 'package.module:function', not {hook!r}")
    function = getattr(importlib.import_module(module), name, None)
    if not callable(function):
        raise ConfigError(f"summary.hook {hook!r}: {name} is not a function of {module}")
    return function


def sentence_dates(
    documents: Sequence[Document],
    pool: SentencePool,
    dated: Sequence[DatedSentence] | None = None,
) -> dict[int, str]:
    """Pool sentence → the date it tells of: the earliest that dates what it reports
    (:mod:`~storyline.report.event_dates`), else its article's; a statement telling only of
    times a year or more before the story, by the earliest of those."""
    start = story_start(documents)
    return _told_dates(documents, pool, dated, {d.article.id: start for d in documents})


def _told_dates(
    documents: Sequence[Document],
    pool: SentencePool,
    dated: Sequence[DatedSentence] | None,
    starts: Mapping[str, dt.date | None],
) -> dict[int, str]:
    if dated is None:
        dated = dated_sentences(documents, pool)
    published = {d.article.id: d.article.published for d in documents}
    events: dict[int, str] = {}
    earlier: dict[int, str] = {}
    for d in dated:  # in date order: the first kept is the earliest
        if is_background(d.date, starts.get(pool.refs[d.sentence].article)):
            earlier.setdefault(d.sentence, d.date)
        elif d.main:
            events.setdefault(d.sentence, d.date)
    dates: dict[int, str] = {}
    for i, ref in enumerate(pool.refs):
        if ref.article not in published:
            continue
        own = published[ref.article]
        dates[i] = events.get(i) or (own.iso() if own else "")
        if i in earlier and i not in events:
            dates[i] = earlier[i]
    return dates


def _select_mmr(
    pool: SentencePool,
    candidates: list[int],
    settings: SummarySettings,
    seeded: Sequence[int] = (),
) -> list[int]:
    """Maximal marginal relevance: centrality to the story, plus support from other outlets,
    minus likeness to what is chosen.

    A candidate nearly identical to a chosen sentence (another outlet's rendering) is never
    chosen again: it becomes a citation of that sentence instead. Support is the share of the
    story's other articles with a sentence that says the same, so that among equally central
    sentences the summary prefers what several outlets agree on.
    """
    vectors = pool.vectors[candidates]
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    support = _support(pool, candidates, settings.agree_similarity)
    chosen = [candidates.index(i) for i in seeded]
    open_ = [k for k in range(len(candidates)) if k not in chosen]
    while open_ and len(chosen) < settings.max_sentences:
        overlap = _max_similarity(vectors, open_, chosen)
        open_ = [k for k, o in zip(open_, overlap, strict=True) if o < settings.agree_similarity]
        if not open_:
            break
        overlap = _max_similarity(vectors, open_, chosen)
        weight = settings.relevance_weight
        scores = [
            weight * centrality[k] + settings.support_weight * support[k] - (1 - weight) * o
            for k, o in zip(open_, overlap, strict=True)
        ]
        best = open_[int(np.argmax(scores))]
        chosen.append(best)
        open_.remove(best)
    return [candidates[k] for k in chosen]


def _support(pool: SentencePool, candidates: list[int], threshold: float) -> np.ndarray:
    """Per candidate: the share of the other articles with a sentence at ``threshold``."""
    articles = sorted({r.article for r in pool.refs})
    if len(articles) < 2:
        return np.zeros(len(candidates))
    column = {a: n for n, a in enumerate(articles)}
    owner = np.array([column[r.article] for r in pool.refs])
    agree = (pool.vectors[candidates] @ pool.vectors.T) >= threshold
    shares = np.zeros(len(candidates))
    for k, row in enumerate(agree):
        others = set(owner[row]) - {column[pool.refs[candidates[k]].article]}
        shares[k] = len(others) / (len(articles) - 1)
    return shares


def _max_similarity(vectors: np.ndarray, rows: list[int], chosen: list[int]) -> list[float]:
    if not chosen:
        return [0.0] * len(rows)
    return [float(v) for v in (vectors[rows] @ vectors[chosen].T).max(axis=1)]


def _citations(pool: SentencePool, index: int, settings: SummarySettings) -> tuple[Ref, ...]:
    """The sentence itself, then the closest sentence of each other article that agrees."""
    similarity = pool.vectors @ pool.vectors[index]
    best: dict[str, int] = {}
    for other, score in enumerate(similarity):
        article = pool.refs[other].article
        if article == pool.refs[index].article or score < settings.agree_similarity:
            continue
        if article not in best or score > similarity[best[article]]:
            best[article] = other
    others = sorted(best.values(), key=lambda i: (pool.order[i], pool.refs[i]))
    return (pool.refs[index], *(pool.refs[i] for i in others))
