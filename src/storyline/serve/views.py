"""What the API's routes and the web UI's pages look up, read from the store per request
(:class:`StoreReader`), and the view records both shells show (a listed story, an entity
with its stories and quotes).

Nothing of the store is held between requests but a few open connections, the outlets'
counts and the last few stories read (``serve.kept_stories``), each only while the store is
unchanged: each answer reads what it shows through the store's indexed queries
(:mod:`storyline.store.views`), so a server starts at once, holds the same memory over a
store of a thousand articles or a year of news, and sees what ``analyze``, ``watch`` or a
POST wrote on its next request. Story reports are kept in the store
(:mod:`storyline.pipeline.reports`).

The API turns these into JSON with :mod:`storyline.report.render.rows`; the pages hand them
to their templates as they are.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import AmbiguousId, NotFound, StoreError
from storyline.pipeline.reports import StoryView, story_view
from storyline.records import Corpus, Entity, QuoteGroup, Ref, Story, Thread
from storyline.report.articles import UNKNOWN_OUTLET
from storyline.report.topic_timeline import TopicTimeline
from storyline.settings import Settings
from storyline.store.store import Store
from storyline.store.views import OutletTally, StoryFilter

__all__ = [
    "ID_KINDS",
    "EntityView",
    "OutletTally",
    "StoreReader",
    "StoryFilter",
    "StoryItem",
]


#: Each kind of id by its table in the store, as a message names it.
ID_KINDS = {"stories": "story", "articles": "article", "entities": "entity", "threads": "thread"}


@dataclass(frozen=True, slots=True)
class StoryItem:
    """A story as a list shows it: with its outlets and the thread it is in (its id and
    title; without its stories)."""

    story: Story
    outlets: tuple[str, ...]
    thread: Thread | None


@dataclass(frozen=True, slots=True)
class EntityView:
    """An entity (without its mentions) with the stories it is in (newest first, without
    their articles) and the quote groups it speaks."""

    entity: Entity
    stories: list[Story]
    quote_groups: list[QuoteGroup]


@dataclass(slots=True)
class _Kept:
    """A story view kept between requests, with the generation of the store it was read at
    and its renderings so far (by kind)."""

    generation: int
    view: StoryView
    pages: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DatedQuote:
    """A rendering of what an entity said, with its words, its article's date and outlet."""

    ref: Ref
    text: str
    date: str
    outlet: str


class StoreReader:
    """Answers each request from the store as it is now.

    Connections are opened as requests need them and kept for the next (one request uses one
    at a time; SQLite and PostgreSQL connections are not shared between threads at once).
    """

    def __init__(self, db: str | Path, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._idle: list[Store] = []
        self._lock = threading.Lock()
        self._outlets: tuple[int, list[OutletTally]] | None = None
        # Story id → its kept view, least recently read first.
        self._views: OrderedDict[str, _Kept] = OrderedDict()

    # -- connections -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the store once (bringing an older schema up to date), so that a server that
        cannot read its store says so before it accepts requests."""
        with self.store():
            pass

    @contextmanager
    def store(self) -> Iterator[Store]:
        """An open store for this request alone; kept for the next one afterwards."""
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = Store(self.db)
        broken: tuple[type[BaseException], ...] = (StoreError, *store.errors)
        try:
            yield store
        except broken:
            store.close()  # a failed connection is not handed to the next request
            raise
        except BaseException:
            self._put_back(store)  # an id not found, a bad request: the connection is fine
            raise
        self._put_back(store)

    def _put_back(self, store: Store) -> None:
        with self._lock:
            self._idle.append(store)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()

    # -- what the views read -----------------------------------------------------------------

    def stories(self, chosen: StoryFilter, offset: int, limit: int) -> tuple[list[StoryItem], int]:
        """A page of the stories ``chosen`` keeps, newest first, and how many it keeps."""
        with self.store() as store:
            stories, total = store.newest_stories(chosen, offset, limit)
            ids = [s.id for s in stories]
            outlets = store.outlets_of_stories(ids)
            threads = store.threads_of_stories(ids, whole=False)  # a list names them only
        items = [StoryItem(s, outlets.get(s.id, ()), threads.get(s.id)) for s in stories]
        return items, total

    def story(self, story_id: str) -> StoryView | None:
        """One story's report with the slice of the store it shows (None: no such story).

        The last ``serve.kept_stories`` stories read are kept while the store's generation
        stays the one they were read at: any write another process or a POST makes moves it,
        and the next request reads the story again (and its kept report, unless it changed).
        """
        with self.store() as store:
            generation = store.generation()
            with self._lock:
                kept = self._views.get(story_id)
                if kept is not None and kept.generation == generation:
                    self._views.move_to_end(story_id)
                    return dataclasses.replace(kept.view, built=False)
            view = story_view(store, story_id, self.settings)
        if view is not None and self.settings.serve.kept_stories:
            with self._lock:
                self._views[story_id] = _Kept(generation, view)
                self._views.move_to_end(story_id)
                while len(self._views) > self.settings.serve.kept_stories:
                    self._views.popitem(last=False)
        return view

    def rendered(
        self, story_id: str, kind: str, view: StoryView, render: Callable[[], bytes]
    ) -> bytes:
        """``render()`` of ``view`` (``kind``: which rendering), kept with the story's kept
        view for the requests that read it while the store is unchanged: a story in a long
        thread renders its page in 15 ms (800 thread steps at 100,000 articles), more than
        reading it costs."""
        with self._lock:
            kept = self._views.get(story_id)
            if kept is not None and kept.view.report is view.report and kind in kept.pages:
                return kept.pages[kind]
        body = render()
        with self._lock:
            kept = self._views.get(story_id)
            if kept is not None and kept.view.report is view.report:
                kept.pages[kind] = body
        return body

    def article(self, article_id: str) -> Corpus | None:
        """One article with its story, thread, entities and quote groups (None: not stored)."""
        with self.store() as store:
            return store.article_slice(article_id)

    def entity(self, entity_id: str) -> EntityView | None:
        """One entity, its stories (newest first) and the quote groups it speaks."""
        with self.store() as store:
            # Neither shows an entity's mentions nor its stories' articles: not read.
            found = store.entity_with_id(entity_id, mentions=False)
            if found is None:
                return None
            return EntityView(
                found,
                store.stories_naming(entity_id, members=False),
                store.quote_groups_of(entity_id),
            )

    def dated_quotes(self, groups: list[QuoteGroup], shown: int) -> list[DatedQuote]:
        """The first ``shown`` renderings of ``groups``, oldest article first and in text
        order within one: what someone said, as it was reported over time. Only the articles
        of those shown are read."""
        from storyline.report.cast import utterance_text

        refs = [r for g in groups for r in g.quotes]
        with self.store() as store:
            dates = store.article_dates(r.article for r in refs)
            first = sorted(
                refs,
                key=lambda r: (_day(dates.get(r.article)), r.article, r.start),
            )[:shown]
            documents = store.documents_as_read({r.article for r in first})
        corpus = Corpus(documents=documents)
        return [
            DatedQuote(
                r,
                utterance_text(corpus, r),
                published.iso()
                if (published := corpus.document(r.article).article.published)
                else "date unknown",
                corpus.document(r.article).article.outlet or UNKNOWN_OUTLET,
            )
            for r in first
        ]

    def outlet_counts(self) -> list[OutletTally]:
        """Every outlet with its numbers of articles and stories, counted again only when the
        store has changed since (counting reads every article's outlet)."""
        with self.store() as store:
            generation = store.generation()
            kept = self._outlets
            if kept is not None and kept[0] == generation:
                return kept[1]
            counted = store.outlet_tallies()
        self._outlets = (generation, counted)
        return counted

    def label(self, table: str, found: str) -> str:
        """A story's, thread's or article's title, an entity's name ("" if unknown)."""
        with self.store() as store:
            return store.label_of(table, found, "")

    def find_id(self, table: str, prefix: str) -> str:
        """The one id of ``table`` that begins with ``prefix``, as the CLI finds it
        (``Store.find_id``), looked up in the store as it is now.

        Raises :class:`NotFound`, or :class:`AmbiguousId` with the first few ids when several
        begin with ``prefix``; their messages do not name the store, which a web reader
        has no use for.
        """
        kind = ID_KINDS[table]
        with self.store() as store:
            try:
                return store.find_id(table, prefix)
            except AmbiguousId as exc:
                message = f"{prefix!r} begins several {kind} ids; give more of the id"
                raise AmbiguousId(message, table, prefix, exc.matches) from None
            except NotFound:
                raise NotFound(f"no {kind} id begins with {prefix!r}") from None

    def timeline(self, **asked: Any) -> TopicTimeline:
        """``storyline.pipeline.timeline.timeline`` over the store as it is now (it reads
        only the articles it needs)."""
        from storyline.pipeline.timeline import timeline

        with self.store() as store:
            return timeline(store, settings=self.settings, **asked)


def _day(published: Any) -> str:
    """A sort key of a publication date: undated last."""
    return published.date.isoformat() if published is not None else "9999"
