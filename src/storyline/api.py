"""The HTTP API: the library's stories, articles, entities and outlets as JSON (FastAPI),
and the web UI's pages (``web.py``) on the same app.

A thin shell, like the CLI: every answer is built by the library (``present.build_report``,
``export.story_row``, ``export.article_row``) from one store. The store is read once and read
again when its file changes (another ``analyze``, or ``POST /api/articles``); story reports
are kept until then, and their sentence vectors live in the store (``embed.CachedEmbedder``).

Errors have one shape, ``{"error": {"status", "code", "message"}}``, for storyline's own
errors (``NotFound`` → 404, input errors → 422), validation and size limits alike.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from starlette.exceptions import HTTPException

from storyline.errors import InputError, NotFound, StorylineError
from storyline.records import Corpus, Story
from storyline.settings import Settings, default_settings

__all__ = [
    "API_LIMITS",
    "ArticleIn",
    "StoreReader",
    "create_app",
    "entity_row",
    "filtered_stories",
    "find_document",
    "find_story",
    "story_item",
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


@dataclass
class _Cache:
    """The store as last read, and the reports built from it."""

    stamp: tuple[int, ...] = ()
    corpus: Corpus | None = None
    reports: dict[str, Any] = field(default_factory=dict)


class StoreReader:
    """Reads the store once per change of its files; builds and keeps story reports."""

    def __init__(self, db: Path, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._cache = _Cache()
        self._lock = threading.Lock()
        # SQLite's data_version changes when another connection commits: the one cheap,
        # exact sign that the store changed (file times move with every open and checkpoint).
        self._watch = sqlite3.connect(str(db), check_same_thread=False)

    def _stamp(self) -> tuple[int, ...]:
        return (int(self._watch.execute("PRAGMA data_version").fetchone()[0]),)

    def corpus(self) -> Corpus:
        from storyline.store import Store

        with self._lock:
            stamp = self._stamp()
            if self._cache.corpus is None or stamp != self._cache.stamp:
                with Store(self.db) as store:
                    self._cache = _Cache(stamp, store.load_corpus())
            assert self._cache.corpus is not None
            return self._cache.corpus

    def report(self, story: Story) -> Any:
        from storyline.embed import remembering_embedder
        from storyline.present import build_report
        from storyline.store import Store

        corpus = self.corpus()
        cached = self._cache.reports.get(story.id)
        if cached is None:
            with Store(self.db) as store:
                embedder = remembering_embedder(store)
                cached = build_report(corpus, story, self.settings.summary, embedder)
            self._cache.reports[story.id] = cached
        return cached

    def search(self, query: str) -> list[str]:
        from storyline.store import Store

        with Store(self.db) as store:
            return store.search(query)


def create_app(db: str | Path, settings: Settings | None = None) -> FastAPI:
    """The API over the store at ``db`` (OpenAPI docs at ``/docs``)."""
    from storyline import __version__
    from storyline.web import add_pages

    reader = StoreReader(Path(db), settings or default_settings())
    app = FastAPI(title="storyline", version=__version__, description=__doc__)
    _add_error_handlers(app)
    _add_size_limit(app)
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
        corpus = reader.corpus()
        found = filtered_stories(corpus, reader, q, since, until, outlet, entity)
        page = found[offset : offset + limit]
        return {
            "items": [story_item(corpus, s) for s in page],
            "total": len(found),
            "offset": offset,
            "limit": limit,
        }

    @app.get("/api/stories/{story_id}", summary="One story: everything its report holds")
    def story(story_id: str) -> dict[str, Any]:
        from storyline.export import story_row

        corpus = reader.corpus()
        chosen = find_story(corpus, story_id)
        row = story_row(reader.report(chosen))
        row["article_items"] = [_article_item(corpus, a) for a in chosen.articles]
        return row

    @app.get("/api/articles/{article_id}", summary="One article with its annotations")
    def article(article_id: str, dropped: bool = False) -> dict[str, Any]:
        from storyline.export import article_row

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
        return entity_row(reader.corpus(), entity_id)

    @app.get("/api/outlets", summary="Outlets with their numbers of articles and stories")
    def outlets() -> list[dict[str, Any]]:
        corpus = reader.corpus()
        counts: dict[str, tuple[set[str], set[str]]] = {}
        story_of = {a: s.id for s in corpus.stories or [] for a in s.articles}
        for document in corpus.documents:
            name = document.article.outlet or "unknown"
            articles, stories = counts.setdefault(name, (set(), set()))
            articles.add(document.article.id)
            if document.article.id in story_of:
                stories.add(story_of[document.article.id])
        return [
            {"outlet": name, "articles": len(a), "stories": len(s)}
            for name, (a, s) in sorted(counts.items())
        ]


def entity_row(corpus: Corpus, entity_id: str) -> dict[str, Any]:
    """One entity: its name, type and aliases, the stories it is in, the quotes it speaks."""
    found = next((e for e in corpus.entities or [] if e.id == entity_id), None)
    if found is None:
        raise NotFound(f"{entity_id!r} is not an entity id")
    articles = {r.article for r in found.mentions}
    return {
        "id": found.id,
        "name": found.name,
        "type": found.type,
        "aliases": list(found.aliases),
        "stories": [s.id for s in corpus.stories or [] if articles & set(s.articles)],
        "quote_groups": [
            {"group": g.id, "quotes": [_ref(r) for r in g.quotes]}
            for g in corpus.quote_groups or []
            if g.speaker_entity == found.id
        ],
    }


def filtered_stories(
    corpus: Corpus,
    reader: StoreReader,
    q: str | None,
    since: str | None,
    until: str | None,
    outlet: str | None,
    entity: str | None,
) -> list[Story]:
    stories = list(corpus.stories or [])
    if q:
        hits = set(reader.search(q))
        stories = [s for s in stories if hits & set(s.articles)]
    if since or until:
        stories = [s for s in stories if _within(s, since, until)]
    if outlet:
        outlets = {d.article.id: d.article.outlet for d in corpus.documents}
        stories = [s for s in stories if any(outlets.get(a) == outlet for a in s.articles)]
    if entity:
        found = next((e for e in corpus.entities or [] if e.id == entity), None)
        articles = {r.article for r in found.mentions} if found else set()
        stories = [s for s in stories if articles & set(s.articles)]
    # Newest first; undated stories last.
    return sorted(
        stories, key=lambda s: (s.end is None, -(s.end.toordinal() if s.end else 0), s.id)
    )


def _within(story: Story, since: str | None, until: str | None) -> bool:
    start, end = story.iso_range()
    if since and (end is None or end[: len(since)] < since[: len(end)]):
        return False
    return not (until and (start is None or start[: len(until)] > until[: len(start)]))


def story_item(corpus: Corpus, story: Story) -> dict[str, Any]:
    outlets = sorted({corpus.document(a).article.outlet or "unknown" for a in story.articles})
    start, end = story.iso_range()
    return {
        "id": story.id,
        "title": story.title,
        "description": story.description,
        "start": start,
        "end": end,
        "articles": len(story.articles),
        "outlets": outlets,
        "thread": thread.id if (thread := corpus.thread_of(story.id)) else None,
    }


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
    found = next((s for s in corpus.stories or [] if s.id == story_id), None)
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
        from storyline.pipeline import analyze

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "posted.jsonl"
            lines = (
                json.dumps(a.model_dump(exclude_none=True), ensure_ascii=False) for a in articles
            )
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            result = analyze([path], db=reader.db, settings=reader.settings)
        story_of = {a: s.id for s in result.stories for a in s.articles}
        return {
            "added": result.added,
            "already_stored": result.already_stored,
            "skipped": [{"source": f.source, "reason": f.reason} for f in result.failures],
            "stories": sorted({story_of[a] for a in result.added if a in story_of}),
        }


# --------------------------------------------------------------------------- errors and limits


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}}, status_code=status
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

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))


def _add_size_limit(app: FastAPI) -> None:
    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > API_LIMITS.body_bytes
        ):
            return _error(
                413, "too_large", f"request bodies are limited to {API_LIMITS.body_bytes} bytes"
            )
        return await call_next(request)
