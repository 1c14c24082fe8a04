"""The orchestrator: read → clean → annotate → store → group → resolve → date → store.

Each step is one stage module; this file only puts them in order, checks the chain before
anything runs, batches the per-article work (handing it to :mod:`storyline.pipeline.workers` for
workers), and keeps one bad article from stopping the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.errors import InputError
from storyline.pipeline.annotate import ProgressCallback, article_stages
from storyline.pipeline.reembed import reembed
from storyline.pipeline.workers import annotated_batches
from storyline.records import (
    Article,
    Corpus,
    PassedOver,
    RawDocument,
    ReadFailure,
    Story,
)
from storyline.settings import Settings, load_settings
from storyline.stage import CorpusStage, check_chain, check_provided
from storyline.store.backend import DEFAULT_PATH
from storyline.store.store import Store

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder
    from storyline.group.window import NewArticle
    from storyline.read.inputs import Input


@dataclass
class AnalyzeResult:
    """What one ``analyze`` run did. ``passed_over`` are inputs read as they should be that
    hold no article to analyse (a WARC's images and error pages): no failure."""

    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    failures: list[ReadFailure] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)
    #: The stories regrouped by this run: all of them, or (``windowed``) those that hold a new
    #: article.
    stories: list[Story] = field(default_factory=list)
    #: How many stories the store holds after the run.
    story_count: int = 0
    #: Whether only the new articles' neighbourhood was regrouped (a large store).
    windowed: bool = False
    #: How many stored articles were embedded again, first: another model had embedded them
    #: (:mod:`storyline.pipeline.reembed`).
    reembedded: int = 0


def corpus_stages(
    settings: Settings, embedder: Embedder | None = None, around: Store | None = None
) -> list[CorpusStage]:
    """Cross-article work, in order: copies, entities, quote groups, stories, threads, and
    the dates stories give undated articles (last: no grouping rests on an inferred date).
    ``embedder`` embeds the quotes (default: the packaged model, nothing kept). With
    ``around``, the corpus is a neighbourhood of that store (:mod:`storyline.group.window`):
    entities take the ids of the stored ones they are, and threads are rebuilt where its
    stories join or leave them.

    Quote groups come before stories: two articles rendering one utterance is evidence that
    they report one event.
    """
    from storyline.group.dating import DatingStage
    from storyline.group.dedup import DedupStage
    from storyline.group.stories import StoryStage
    from storyline.group.threads import ThreadStage
    from storyline.resolve.entities import ResolveStage
    from storyline.resolve.quote_groups import QuoteGroupStage

    return [
        DedupStage(settings.dedup),
        ResolveStage(settings.resolve, around.entities_with_keys if around else None),
        QuoteGroupStage(settings.quote_groups, embedder),
        StoryStage(settings.stories, settings.annotate.languages),
        ThreadStage(settings.threads, around),
        DatingStage(settings.annotate.languages),
    ]


def analyze(
    inputs: Iterable[Input],
    db: str | Path | Store = DEFAULT_PATH,
    settings: Settings | None = None,
    progress: ProgressCallback | None = None,
    full: bool = False,
    reembedding: ProgressCallback | None = None,
) -> AnalyzeResult:
    """Read, clean and annotate new articles, store them, then regroup what they change.

    ``inputs`` are paths (``-`` for JSONL on standard input) or documents already read (a
    crawl's pages, :mod:`storyline.read.feeds`); they are read as they are consumed, a batch at a
    time, so a long stream is never held in memory. Articles already in the store are
    skipped, so running twice on the same input is a no-op. Inputs that cannot be used are
    reported in the result (and kept in the store's failure log); the rest of the batch goes
    on.

    New articles are regrouped every ``pipeline.regroup_every`` articles and at the end: a
    store that held fewer than ``pipeline.full_regroup_below`` articles before is regrouped
    whole, a larger one only around the new articles (:mod:`storyline.group.window`), so that what
    a new article costs, in time and memory, does not grow with the store or the input.
    ``full=True`` regroups the whole store each time.

    Each batch is stored in one transaction, and each regrouping is written in one, so a run
    stopped at any point (even killed) leaves no half-written article or story; the articles
    it stored but did not regroup are in the store's ingest log (``Store.ungrouped``), and
    the next run regroups them with its own.

    Stored articles another model embedded (a store written by an earlier storyline) are
    embedded again first, before new ones are stored beside them (``reembedding`` is called
    with each one's source), and the store is then regrouped whole.
    """
    from storyline.group.window import NewArticle

    settings = settings or load_settings()
    per_article = article_stages(settings)
    with _opened(db) as store:
        check_chain([*per_article, *corpus_stages(settings)])
        result = AnalyzeResult(reembedded=reembed(store, settings, reembedding))
        # What an earlier run stored but was stopped before regrouping is regrouped with
        # this run's articles (the store's ingest log). Counted with them, it ends its round
        # where the stopped run would have, so a resumed run regroups as one never stopped.
        pending = {aid: NewArticle(day, vector) for aid, day, vector in store.ungrouped()}
        rounds = 0

        def regroup_if_full() -> None:
            nonlocal pending, rounds
            # A long input is regrouped as it goes: what one regrouping holds stays bounded.
            if len(pending) >= settings.pipeline.regroup_every:
                _regroup_round(store, pending, settings, full, result)
                pending, rounds = {}, rounds + 1

        regroup_if_full()
        batches = _batches(_new_articles(inputs, store, settings, result, progress), settings)
        for documents in annotated_batches(batches, settings, result.failures, progress):
            store.save_documents(documents)
            result.added.extend(d.article.id for d in documents)
            pending.update(
                (d.article.id, NewArticle(d.article.published, d.embedding)) for d in documents
            )
            regroup_if_full()
        if pending or not rounds:
            _regroup_round(store, pending, settings, full, result)
        if result.windowed:
            result.stories = store.stories_holding(result.added)
        store.record_failures(result.failures)
        result.story_count = store.story_count()
    return result


def _regroup_round(
    store: Store,
    new: Mapping[str, NewArticle],
    settings: Settings,
    full: bool,
    result: AnalyzeResult,
) -> None:
    """Regroup after ``new`` were stored: the whole store while it is small (or ``full``, or
    its stories' profiles are stale: embeddings were replaced), else around them. With
    nothing new, a large store has nothing to regroup."""
    stored_before = store.article_count() - len(new)
    small = stored_before < settings.pipeline.full_regroup_below
    if full or small or not store.profiled():
        result.stories = regroup_store(store, settings)
        result.windowed = False
    elif new:
        regroup_around(store, new, settings)
        result.windowed = True


def regroup_store(store: Store, settings: Settings) -> list[Story]:
    """Run the cross-article stages over everything stored and keep their results; returns
    every story. Articles another model embedded are embedded again first."""
    from storyline.annotate.embed import remembering_embedder

    reembed(store, settings)
    # Quote vectors are kept in the store: a later run embeds only the new quotes.
    corpus = regroup(
        store.load_corpus(inferred=False), corpus_stages(settings, remembering_embedder(store))
    )
    store.save_corpus(corpus)
    return corpus.stories or []


def regroup_around(store: Store, new: Mapping[str, NewArticle], settings: Settings) -> list[Story]:
    """Run the cross-article stages over the new articles' neighbourhood and keep their
    results (:mod:`storyline.group.window`); returns the neighbourhood's stories."""
    from storyline.annotate.embed import remembering_embedder
    from storyline.group.window import joined_groups, neighbourhood

    stages = corpus_stages(settings, remembering_embedder(store), around=store)
    while True:  # again if another writer changed the store meanwhile (two `analyze` at once)
        generation = store.generation()
        window = neighbourhood(store, new, settings)
        corpus = regroup(store.load_window(window), stages)
        stored = store.quote_groups_touching(window)
        corpus.quote_groups = joined_groups(corpus.quote_groups or [], stored, window)
        if store.save_window(corpus, window, generation):
            return corpus.stories or []


@contextmanager
def _opened(db: str | Path | Store) -> Iterator[Store]:
    """Use a given store as it is, or open (and later close) one at a path."""
    if isinstance(db, Store):
        yield db
        return
    with Store(db) as store:
        yield store


def _new_articles(
    inputs: Iterable[Input],
    store: Store,
    settings: Settings,
    result: AnalyzeResult,
    progress: ProgressCallback | None,
) -> Iterator[Article]:
    """Read and clean every input not yet stored; failures go to ``result.failures``.

    The store is asked which ids it holds a chunk of inputs at a time (``pipeline.batch_size``),
    not once per input; an id this run already took is known too, wherever the batches fall.
    """
    from storyline.clean.cleaner import clean
    from storyline.read.inputs import read_inputs

    taken: set[str] = set()
    items = read_inputs(inputs, settings.read)
    while chunk := list(islice(items, settings.pipeline.batch_size)):
        # An id is a hash of the whole text: made once per input.
        ids = [item.article_id if isinstance(item, RawDocument) else "" for item in chunk]
        asked = set(filter(None, ids)) - taken
        stored = store.known_ids(asked) if asked else set()
        for item, aid in zip(chunk, ids, strict=True):
            if isinstance(item, ReadFailure):
                result.failures.append(item)
            elif isinstance(item, PassedOver):
                result.passed_over.append(item)
            elif aid in stored or aid in taken:
                result.already_stored.append(aid)
            else:
                try:
                    article = clean(item, settings.clean)
                except InputError as exc:
                    result.failures.append(ReadFailure(exc.source, exc.reason))
                else:
                    taken.add(aid)
                    yield article
                    continue
            if progress:
                progress(item.source)


def _batches(articles: Iterator[Article], settings: Settings) -> Iterator[list[Article]]:
    while batch := list(islice(articles, settings.pipeline.batch_size)):
        yield batch


def regroup(corpus: Corpus, stages: Sequence[CorpusStage]) -> Corpus:
    """Run the cross-article stages over everything stored."""
    for stage in stages:
        corpus = stage(corpus)
        check_provided(stage, [corpus])
    return corpus


def load(db: str | Path = DEFAULT_PATH) -> Corpus:
    """Everything a store holds, as records."""
    with Store(db) as store:
        return store.load_corpus()


def load_stories(db: str | Path, story_ids: Iterable[str]) -> Corpus:
    """The stories ``story_ids`` with their articles and their threads, without the rest."""
    with Store(db) as store:
        return store.load_window(store.articles_of(story_ids))
