"""What the API's routes and the web UI's pages look up: the store as last read
(:class:`StoreReader`, :class:`Browse`), the stories that pass a list's filters, and the view
records both shells show (a listed story, an entity with its stories and quotes).

The API turns these into JSON with :mod:`storyline.report.render.rows`; the pages hand them
to their templates as they are.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from storyline.errors import AmbiguousId, NotFound
from storyline.group.membership import MembershipBasis
from storyline.records import Corpus, Document, Entity, QuoteGroup, Story, Thread
from storyline.report.articles import UNKNOWN_OUTLET
from storyline.report.story import StoryReport, build_report, membership_basis
from storyline.report.topic_timeline import TopicTimeline
from storyline.settings import Settings
from storyline.store.store import Store, StoreWatch

__all__ = [
    "ID_KINDS",
    "Browse",
    "EntityView",
    "OutletCount",
    "StoreReader",
    "StoryItem",
    "entity_view",
    "filtered_stories",
    "find_document",
    "find_story",
    "story_item",
]


#: Each kind of id by its table in the store, as a message names it.
ID_KINDS = {"stories": "story", "articles": "article", "entities": "entity", "threads": "thread"}


@dataclass(frozen=True, slots=True)
class OutletCount:
    """An outlet with its numbers of articles and stories."""

    outlet: str
    articles: int
    stories: int


@dataclass(frozen=True, slots=True)
class StoryItem:
    """A story as a list shows it: with its outlets and the thread it is in."""

    story: Story
    outlets: tuple[str, ...]
    thread: Thread | None


@dataclass(frozen=True, slots=True)
class EntityView:
    """An entity with the stories it is in (newest first) and the quote groups it speaks."""

    entity: Entity
    stories: list[Story]
    quote_groups: list[QuoteGroup]


class Browse:
    """What the routes look up on every request, over one read of the store, each built once
    on first use: per-request work then grows with the answer, not with the store."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.reports: dict[str, StoryReport] = {}  # story id → its report over this corpus
        self._basis: MembershipBasis | None = None

    def membership_basis(self, settings: Settings) -> MembershipBasis:
        """What explaining story membership needs, counted over this read of the store once
        (two requests at once may both count it; either answer is the same)."""
        if self._basis is None:
            self._basis = membership_basis(self.corpus, settings)
        return self._basis

    @cached_property
    def newest_first(self) -> list[Story]:
        """Stories by their last day, newest first; undated ones last."""
        return sorted(
            self.corpus.stories or [],
            key=lambda s: (s.end is None, -(s.end.toordinal() if s.end else 0), s.id),
        )

    @cached_property
    def outlet_of(self) -> dict[str, str]:
        """Article id → its outlet's name ("unknown" when the article names none)."""
        return {d.article.id: d.article.outlet or UNKNOWN_OUTLET for d in self.corpus.documents}

    @cached_property
    def outlet_counts(self) -> list[OutletCount]:
        """Every outlet, by name, with its numbers of articles and stories."""
        articles: Counter[str] = Counter(self.outlet_of.values())
        stories = Counter(
            outlet
            for story in self.corpus.stories or []
            for outlet in {self.outlet_of[a] for a in story.articles}
        )
        return [OutletCount(name, articles[name], stories[name]) for name in sorted(articles)]

    @cached_property
    def groups_by_speaker(self) -> dict[str, list[QuoteGroup]]:
        found: dict[str, list[QuoteGroup]] = {}
        for group in self.corpus.quote_groups or []:
            if group.speaker_entity:
                found.setdefault(group.speaker_entity, []).append(group)
        return found

    def stories_with(self, articles: Iterable[str]) -> set[str]:
        """Ids of the stories holding any of ``articles``."""
        return {s.id for a in articles if (s := self.corpus.story_of(a)) is not None}


@dataclass(frozen=True)
class _Cache:
    """The store as last read, with the stamp it had then."""

    stamp: int = -1
    browse: Browse | None = None


class StoreReader:
    """Reads the store, and reads it again when it changes; builds and keeps story reports.

    Reading a store of 10,000 articles takes seconds (``benchmarks/RESULTS.md``), so after a
    change made elsewhere (an ``analyze`` run) requests go on being answered from the last
    read while the new one is made in a background thread; a write made through the API
    waits for it (``refresh``), so its writer reads what it wrote.
    """

    def __init__(self, db: str | Path, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._cache = _Cache()
        self._lock = threading.Lock()  # one read of the store at a time
        self._reloading: threading.Thread | None = None
        self._reloading_lock = threading.Lock()
        # The store's generation moves with the writes readers see, and not with the vectors
        # a report caches as it is built (SQLite's data_version moves with both).
        self._watch = StoreWatch(db)

    def _stamp(self) -> int:
        return self._watch.generation()

    def close(self) -> None:
        self._watch.close()

    def browse(self) -> Browse:
        """The store as last read; when it has changed since, a new read starts behind."""
        cache = self._cache
        if cache.browse is None:
            return self.refresh()
        if self._stamp() != cache.stamp:
            self._reload_behind()
        return cache.browse

    def refresh(self) -> Browse:
        """Read the store now, unless it has not changed since the last read."""
        with self._lock:
            stamp = self._stamp()
            if self._cache.browse is None or stamp != self._cache.stamp:
                with Store(self.db) as store:
                    # The stamp read before the read: a commit during it brings another.
                    self._cache = _Cache(stamp, Browse(store.load_corpus()))
            assert self._cache.browse is not None
            return self._cache.browse

    def _reload_behind(self) -> None:
        with self._reloading_lock:
            if self._reloading is not None and self._reloading.is_alive():
                return
            self._reloading = threading.Thread(target=self.refresh, daemon=True)
            self._reloading.start()

    def corpus(self) -> Corpus:
        return self.browse().corpus

    def report(self, browse: Browse, story: Story) -> StoryReport:
        """The story's report over that read of the store, built on first asking."""
        from storyline.annotate.embed import remembering_report_embedder

        cached = browse.reports.get(story.id)
        if cached is None:
            with Store(self.db) as store:
                embedder = remembering_report_embedder(store)
                basis = browse.membership_basis(self.settings)
                cached = build_report(browse.corpus, story, self.settings.summary, embedder, basis)
            browse.reports[story.id] = cached
        return cached

    def find_id(self, table: str, prefix: str) -> str:
        """The one id of ``table`` that begins with ``prefix``, as the CLI finds it
        (``Store.find_id``), looked up in the store as it is now.

        Raises :class:`NotFound`, or :class:`AmbiguousId` with the first few ids when several
        begin with ``prefix``; their messages do not name the store, which a web reader
        has no use for.
        """
        kind = ID_KINDS[table]
        with Store(self.db) as store:
            try:
                return store.find_id(table, prefix)
            except AmbiguousId as exc:
                message = f"{prefix!r} begins several {kind} ids; give more of the id"
                raise AmbiguousId(message, table, prefix, exc.matches) from None
            except NotFound:
                raise NotFound(f"no {kind} id begins with {prefix!r}") from None

    def search(self, query: str) -> list[str]:
        with Store(self.db) as store:
            return store.search(query)

    def timeline(self, **asked: Any) -> TopicTimeline:
        """``storyline.pipeline.timeline.timeline`` over the store, read as it is now (it
        reads only the articles it needs, so nothing is kept)."""
        from storyline.pipeline.timeline import timeline

        with Store(self.db) as store:
            return timeline(store, settings=self.settings, **asked)


def filtered_stories(
    browse: Browse,
    reader: StoreReader,
    q: str | None,
    since: str | None,
    until: str | None,
    outlet: str | None,
    entity: str | None,
) -> list[Story]:
    """The stories that pass every filter given, newest first."""
    stories = browse.newest_first
    if q:
        hits = browse.stories_with(reader.search(q))
        stories = [s for s in stories if s.id in hits]
    if since or until:
        stories = [s for s in stories if _within(s, since, until)]
    if outlet:
        outlet_of = browse.outlet_of
        stories = [s for s in stories if any(outlet_of[a] == outlet for a in s.articles)]
    if entity:
        found = browse.corpus.entity(entity)
        having = browse.stories_with(r.article for r in found.mentions) if found else set()
        stories = [s for s in stories if s.id in having]
    return stories


def _within(story: Story, since: str | None, until: str | None) -> bool:
    start, end = story.iso_range()
    if since and (end is None or end[: len(since)] < since[: len(end)]):
        return False
    return not (until and (start is None or start[: len(until)] > until[: len(start)]))


def story_item(browse: Browse, story: Story) -> StoryItem:
    outlets = tuple(sorted({browse.outlet_of[a] for a in story.articles}))
    return StoryItem(story, outlets, browse.corpus.thread_of(story.id))


def entity_view(browse: Browse, entity_id: str) -> EntityView:
    """One entity: the stories it is in (newest first), the quotes it speaks."""
    found = browse.corpus.entity(entity_id)
    if found is None:
        raise NotFound(f"{entity_id!r} is not an entity id")
    stories = browse.stories_with(r.article for r in found.mentions)
    return EntityView(
        found,
        [s for s in browse.newest_first if s.id in stories],
        browse.groups_by_speaker.get(found.id, []),
    )


def find_story(corpus: Corpus, story_id: str) -> Story:
    found = corpus.story(story_id)
    if found is None:
        raise NotFound(f"{story_id!r} is not a story id")
    return found


def find_document(corpus: Corpus, article_id: str) -> Document:
    try:
        return corpus.document(article_id)
    except KeyError:
        raise NotFound(f"{article_id!r} is not an article id") from None
