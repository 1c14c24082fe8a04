"""The HTTP API: the library's stories, articles, entities and outlets as JSON (FastAPI),
and the web UI's pages (``web.py``) on the same app.

A thin shell, like the CLI: every answer is built by the library (``present.build_report``,
``export.story_row``, ``export.article_row``) from one store. The store is read once and read
again when its file changes (another ``analyze``, or ``POST /api/articles``); story reports
are kept until then, and their sentence vectors live in the store (``embed.CachedEmbedder``).

Errors have one shape, ``{"error": {"status", "code", "message"}}``, for storyline's own
errors (``NotFound`` → 404, input errors → 422), validation, size and rate limits and the
write token alike.

Guards, outermost first (pure ASGI, so they hold for every route, pages and docs included):
a per-client rate limit (``serve`` settings; 429 with ``Retry-After``), a body size limit
that counts the bytes received, not the ones declared (413), and, when the app has a write
token, ``Authorization: Bearer <token>`` on every request that writes (401, 403).
"""

from __future__ import annotations

import ipaddress
import json
import math
import secrets
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from storyline.errors import InputError, NotFound, StorylineError
from storyline.records import Corpus, QuoteGroup, Story, Thread
from storyline.settings import ServeSettings, Settings, default_settings
from storyline.store.store import StoreWatch

__all__ = [
    "API_LIMITS",
    "TOKEN_ENV_VAR",
    "ArticleIn",
    "Browse",
    "StoreReader",
    "create_app",
    "entity_row",
    "filtered_stories",
    "find_document",
    "find_story",
    "is_loopback",
    "story_item",
    "write_token_for",
]


@dataclass(frozen=True)
class Limits:
    """What one request may ask for or send."""

    page: int = 100  # stories per page, at most
    articles: int = 100  # articles per POST
    body_bytes: int = 10_000_000  # a request body, in bytes


API_LIMITS = Limits()


class ArticleIn(BaseModel):
    """One article to add, as DESIGN §3's input JSONL has it (unknown fields are ignored)."""

    id: str | None = Field(default=None, max_length=200)
    text: str | None = None
    html: str | None = None
    title: str | None = Field(default=None, max_length=2000)
    published: str | None = Field(default=None, max_length=40)
    outlet: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _has_content(self) -> ArticleIn:
        if not (self.text or self.html):
            raise ValueError("an article needs `text` or `html`")
        return self


class Browse:
    """What the routes look up on every request, over one read of the store, each built once
    on first use: per-request work then grows with the answer, not with the store."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.reports: dict[str, Any] = {}  # story id → its report over this corpus

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
        return {d.article.id: d.article.outlet or "unknown" for d in self.corpus.documents}

    @cached_property
    def outlets(self) -> list[dict[str, Any]]:
        articles: Counter[str] = Counter(self.outlet_of.values())
        stories = Counter(
            outlet
            for story in self.corpus.stories or []
            for outlet in {self.outlet_of[a] for a in story.articles}
        )
        return [
            {"outlet": name, "articles": articles[name], "stories": stories[name]}
            for name in sorted(articles)
        ]

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
        from storyline.store.store import Store

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

    def report(self, browse: Browse, story: Story) -> Any:
        """The story's report over that read of the store, built on first asking."""
        from storyline.annotate.embed import remembering_embedder
        from storyline.report.story import build_report
        from storyline.store.store import Store

        cached = browse.reports.get(story.id)
        if cached is None:
            with Store(self.db) as store:
                embedder = remembering_embedder(store)
                cached = build_report(browse.corpus, story, self.settings.summary, embedder)
            browse.reports[story.id] = cached
        return cached

    def search(self, query: str) -> list[str]:
        from storyline.store.store import Store

        with Store(self.db) as store:
            return store.search(query)


def create_app(
    db: str | Path, settings: Settings | None = None, write_token: str | None = None
) -> FastAPI:
    """The API over the store at ``db`` (OpenAPI docs at ``/docs``).

    With ``write_token``, requests that write (``POST /api/articles``) must carry
    ``Authorization: Bearer <write_token>``; reading stays open. The token is an argument,
    not a setting: settings files are shared and committed, a secret must not be.
    """
    from storyline.serve.pages import add_pages
    from storyline.version import __version__

    settings = settings or default_settings()
    reader = StoreReader(db, settings)

    @asynccontextmanager
    async def read_first(app: FastAPI) -> AsyncIterator[None]:
        # A server accepts requests once it has read the store, not during the first one.
        await run_in_threadpool(reader.refresh)
        yield
        reader.close()

    app = FastAPI(title="storyline", version=__version__, description=__doc__, lifespan=read_first)
    _add_error_handlers(app)
    # add_middleware puts each one outside those added before: the rate limit is outermost,
    # so a client over it costs no reading of its body.
    if write_token:
        app.add_middleware(WriteToken, token=write_token)
    app.add_middleware(SizeLimit, limit=API_LIMITS.body_bytes)
    app.add_middleware(RateLimit, limits=settings.serve)
    _add_reading_routes(app, reader)
    _add_writing_routes(app, reader)
    add_pages(app, reader)
    return app


# --------------------------------------------------------------------------- reading


def _add_reading_routes(app: FastAPI, reader: StoreReader) -> None:
    @app.get("/api/stories", summary="Stories, newest first, filtered and paged")
    def stories(
        q: Annotated[
            str | None, Query(max_length=500, description="words in titles or bodies")
        ] = None,
        since: Annotated[
            str | None, Query(description="ISO date: stories ending on or after")
        ] = None,
        until: Annotated[
            str | None, Query(description="ISO date: stories starting on or before")
        ] = None,
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        entity: Annotated[str | None, Query(max_length=100, description="an entity id")] = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=API_LIMITS.page)] = 20,
    ) -> dict[str, Any]:
        browse = reader.browse()
        found = filtered_stories(browse, reader, q, since, until, outlet, entity)
        page = found[offset : offset + limit]
        return {
            "items": [story_item(browse, s) for s in page],
            "total": len(found),
            "offset": offset,
            "limit": limit,
        }

    @app.get("/api/stories/{story_id}", summary="One story: everything its report holds")
    def story(story_id: str) -> dict[str, Any]:
        from storyline.report.export import story_row

        browse = reader.browse()
        corpus = browse.corpus
        chosen = find_story(corpus, story_id)
        report = reader.report(browse, chosen)
        row = story_row(report)
        row["article_items"] = [_article_item(corpus, a) for a in chosen.articles]
        row["thread_items"] = thread_items(corpus, report.thread)
        return row

    @app.get("/api/articles/{article_id}", summary="One article with its annotations")
    def article(article_id: str, dropped: bool = False) -> dict[str, Any]:
        from storyline.report.export import article_row

        corpus = reader.corpus()
        document = find_document(corpus, article_id)
        row = article_row(corpus, document)
        if dropped:
            row["dropped"] = [
                {"start": d.span.start, "end": d.span.end, "reason": d.reason}
                for d in document.article.dropped
            ]
        return row

    @app.get("/api/entities/{entity_id}", summary="One entity: its names, stories and quotes")
    def entity(entity_id: str) -> dict[str, Any]:
        return entity_row(reader.browse(), entity_id)

    @app.get("/api/outlets", summary="Outlets with their numbers of articles and stories")
    def outlets() -> list[dict[str, Any]]:
        return reader.browse().outlets


def entity_row(browse: Browse, entity_id: str) -> dict[str, Any]:
    """One entity: its name, type and aliases, the stories it is in (newest first), the
    quotes it speaks."""
    found = browse.corpus.entity(entity_id)
    if found is None:
        raise NotFound(f"{entity_id!r} is not an entity id")
    stories = browse.stories_with(r.article for r in found.mentions)
    return {
        "id": found.id,
        "name": found.name,
        "type": found.type,
        "aliases": list(found.aliases),
        "stories": [s.id for s in browse.newest_first if s.id in stories],
        "quote_groups": [
            {"group": g.id, "quotes": [_ref(r) for r in g.quotes]}
            for g in browse.groups_by_speaker.get(found.id, [])
        ],
    }


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


def story_item(browse: Browse, story: Story) -> dict[str, Any]:
    outlets = sorted({browse.outlet_of[a] for a in story.articles})
    start, end = story.iso_range()
    return {
        "id": story.id,
        "title": story.title,
        "description": story.description,
        "start": start,
        "end": end,
        "articles": len(story.articles),
        "outlets": outlets,
        "thread": thread.id if (thread := browse.corpus.thread_of(story.id)) else None,
    }


def thread_items(corpus: Corpus, thread: Thread | None) -> list[dict[str, Any]]:
    """The stories of a thread in time order, each with why it continues the one before."""
    from storyline.report.story import thread_stories

    if thread is None:
        return []
    why = {link.later: link.reason for link in thread.links}
    return [
        {
            "id": story.id,
            "title": story.title,
            "dates": story.date_label(),
            "continues_because": why.get(story.id),
        }
        for story in thread_stories(corpus, thread)
    ]


def _article_item(corpus: Corpus, article_id: str) -> dict[str, Any]:
    article = corpus.document(article_id).article
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published.iso() if article.published else None,
        "duplicate_of": corpus.duplicate_of.get(article.id),
    }


def _ref(ref: Any) -> dict[str, Any]:
    return {"article": ref.article, "start": ref.start, "end": ref.end}


def find_story(corpus: Corpus, story_id: str) -> Story:
    found = corpus.story(story_id)
    if found is None:
        raise NotFound(f"{story_id!r} is not a story id")
    return found


def find_document(corpus: Corpus, article_id: str) -> Any:
    try:
        return corpus.document(article_id)
    except KeyError:
        raise NotFound(f"{article_id!r} is not an article id") from None


# --------------------------------------------------------------------------- writing


def _add_writing_routes(app: FastAPI, reader: StoreReader) -> None:
    @app.post("/api/articles", summary="Add articles: analysed and joined to stories")
    def add_articles(
        articles: Annotated[list[ArticleIn], Body(max_length=API_LIMITS.articles)],
    ) -> dict[str, Any]:
        from storyline.pipeline.analyze import analyze

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "posted.jsonl"
            # ASCII escapes: a posted lone surrogate ("\\ud800") cannot be written as UTF-8,
            # and reading the line back makes it storable like any input's.
            lines = (json.dumps(a.model_dump(exclude_none=True)) for a in articles)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            result = analyze([path], db=reader.db, settings=reader.settings)
        reader.refresh()  # the writer reads what it wrote
        story_of = {a: s.id for s in result.stories for a in s.articles}
        return {
            "added": result.added,
            "already_stored": result.already_stored,
            "skipped": [{"source": f.source, "reason": f.reason} for f in result.failures],
            "stories": sorted({story_of[a] for a in result.added if a in story_of}),
        }


# --------------------------------------------------------------------------- errors and limits


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one shape of every refusal; also an ASGI app, so the guards below send it too."""
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status_code=status,
        headers=headers,
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return _error(404, "not_found", str(exc))

    @app.exception_handler(InputError)
    def bad_input(request: Request, exc: InputError) -> JSONResponse:
        return _error(422, "bad_input", str(exc))

    @app.exception_handler(StorylineError)
    def failed(request: Request, exc: StorylineError) -> JSONResponse:
        return _error(500, "storyline_error", str(exc))

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(BodyTooLarge)
    def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return _error(413, "too_large", str(exc.detail))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))


# --------------------------------------------------------------------------- guards (ASGI)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where ``storyline serve`` takes the write token from.
TOKEN_ENV_VAR = "STORYLINE_TOKEN"

#: Methods that change the store; every other one only reads.
_WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class BodyTooLarge(HTTPException):
    """A request body passed the size limit while it was being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class SizeLimit:
    """Refuses request bodies over ``limit`` bytes with 413: at once when Content-Length says
    so, and, since a chunked body declares no length (and a declared one may lie), as soon as
    the bytes received pass the limit: what is read into memory stays bounded either way."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request bodies are limited to {self.limit} bytes"
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _error(413, "too_large", message)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            got = await receive()
            if got["type"] == "http.request":
                received += len(got.get("body", b""))
                if received > self.limit:
                    # An HTTPException: FastAPI passes it on from reading the body (any other
                    # exception becomes a 400), and the app's handlers answer it in the shape.
                    raise BodyTooLarge(self.limit)
            return got

        async def watched(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # Read outside a route (no handler saw it): answered here, if nothing was yet.
            if started:
                raise
            await _error(413, "too_large", message)(scope, receive, send)


class RateLimit:
    """At most ``requests_per_minute`` requests, and ``writes_per_minute`` writing ones, from
    one client address in any 60 seconds (a moving window, ``limits``' in-memory storage);
    past either, 429 with ``Retry-After``: the seconds until the window lets one more in."""

    def __init__(self, app: ASGIApp, limits: ServeSettings) -> None:
        from limits import RateLimitItemPerMinute
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app = app
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.requests = (
            RateLimitItemPerMinute(limits.requests_per_minute, namespace="requests")
            if limits.requests_per_minute
            else None
        )
        self.writes = (
            RateLimitItemPerMinute(limits.writes_per_minute, namespace="writes")
            if limits.writes_per_minute
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else "unknown"
        items = [self.requests]
        if scope.get("method", "GET") in _WRITING_METHODS:
            items.append(self.writes)
        for item in items:
            if item is not None and not self.limiter.hit(item, key):
                reset = self.limiter.get_window_stats(item, key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                await _error(
                    429,
                    "too_many_requests",
                    f"at most {item.amount} {item.namespace} a minute from one client; "
                    f"try again in {wait} s",
                    {"Retry-After": str(wait)},
                )(scope, receive, send)
                return
        await self.app(scope, receive, send)


class WriteToken:
    """Requests that write need ``Authorization: Bearer <token>``: 401 (with
    ``WWW-Authenticate: Bearer``) without one, 403 with a wrong one. Compared in constant
    time, so the answer's timing tells nothing of how much of a guess was right."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") not in _WRITING_METHODS:
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"authorization")
        scheme, _, credentials = (given or "").partition(" ")
        if given is None or scheme.lower() != "bearer" or not credentials.strip():
            await _error(
                401,
                "unauthorized",
                "writing needs a token: send `Authorization: Bearer <token>`",
                {"WWW-Authenticate": "Bearer"},
            )(scope, receive, send)
            return
        if not secrets.compare_digest(credentials.strip().encode(), self.token):
            await _error(403, "forbidden", "the token is not this server's")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def is_loopback(host: str) -> bool:
    """Whether ``host`` answers this machine only: ``localhost``, 127.0.0.0/8 or ::1."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a name other than localhost: it may resolve to anything
        return False


def write_token_for(host: str, given: str | None) -> tuple[str | None, bool]:
    """The token writes need on a server bound to ``host``, and whether it was made here.

    A token given (``$STORYLINE_TOKEN``) is used on any host, loopback included. Without one,
    a server on loopback needs none (only this machine reaches it); anywhere else one is made
    (``secrets.token_urlsafe(32)``): a server others can reach never takes writes from
    anyone who finds it.
    """
    if given:
        return given, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(32), True
