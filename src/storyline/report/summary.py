"""A story's (or a thread's) summary: central, non-redundant sentences, each citing every
outlet that wrote a near-identical one; and the user's summariser, held to those sources."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from storyline.errors import ConfigError
from storyline.records import Corpus, Document, Ref, Thread
from storyline.report.articles import embedder_or_default, story_documents, thread_stories
from storyline.report.sentences import SentencePool, is_summary_candidate
from storyline.report.timeline import ISO_DATE
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
    pool: SentencePool, settings: SummarySettings, documents: Sequence[Document] = ()
) -> list[SummarySentence]:
    """Central, non-redundant sentences (MMR), each citing the outlets that say the same,
    in the order of the dates they tell of (``documents`` give their time expressions)."""
    candidates = [
        i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)
    ]
    if not candidates:
        return []
    chosen = _select_mmr(pool, candidates, settings)
    dates = sentence_dates(documents, pool)
    chosen.sort(key=lambda i: (dates.get(i, ""), pool.order[i], pool.refs[i]))
    return [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]


def build_thread_summary(
    corpus: Corpus,
    thread: Thread,
    settings: SummarySettings,
    embedder: Embedder | None = None,
) -> list[SummarySentence]:
    """A thread's summary: each story's most central sentence first, then the most central of
    the rest (MMR over all the thread's articles), in the order of the dates they tell of."""
    stories = thread_stories(corpus, thread)
    documents = [
        d
        for story in stories
        for d in story_documents(corpus, story)
        if d.article.id not in corpus.duplicate_of
    ]
    pool = SentencePool.build(documents, embedder_or_default(embedder))
    candidates = [
        i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)
    ]
    if not candidates:
        return []
    story_of = {a: n for n, story in enumerate(stories) for a in story.articles}
    leads = [
        _most_central(pool, [i for i in candidates if story_of[pool.refs[i].article] == n])
        for n in range(len(stories))
    ]
    seeded = [i for i in leads if i is not None][: settings.max_sentences]
    chosen = _select_mmr(pool, candidates, settings, seeded)
    dates = sentence_dates(documents, pool)
    chosen.sort(key=lambda i: (dates.get(i, ""), pool.order[i], pool.refs[i]))
    summary = [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]
    return apply_summary_hook(settings.hook, thread.title, summary)


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


def sentence_dates(documents: Sequence[Document], pool: SentencePool) -> dict[int, str]:
    """Pool sentence → the date it tells of: its earliest calendar date, else its article's."""
    published = {d.article.id: d.article.published for d in documents}
    told = pool.time_values(documents)
    dates: dict[int, str] = {}
    for i, ref in enumerate(pool.refs):
        if ref.article not in published:
            continue
        calendar = [v for v in told.get(i, []) if ISO_DATE.match(v)]
        own = published[ref.article]
        dates[i] = min(calendar) if calendar else own.iso() if own else ""
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
