"""The HTTP API: the library's stories, articles, entities and outlets as JSON (FastAPI),
and the web UI's pages (:mod:`storyline.serve.pages`) on the same app.

A thin shell, like the CLI: every answer is built by the library (``report.story``'s
``build_report``, shaped by ``report.render.rows``) from one store, read through
:mod:`storyline.serve.views`: each request reads what it shows, by indexed queries, so what
another ``analyze`` or a ``POST /api/articles`` wrote is seen on the next request. Story
reports are kept in the store and built again only for a story that changed
(:mod:`storyline.pipeline.reports`); their sentence vectors live in the store too
(``embed.CachedEmbedder``).

Errors of the API have one shape, ``{"error": {"status", "code", "message"}}``, for
storyline's own errors (``NotFound`` → 404, input errors → 422), validation, size and rate
limits and the write token alike; the same errors of a web page are a page
(:func:`storyline.serve.pages.error_page`). The guards (content policy, rate limit, body
size, write token) are :mod:`storyline.serve.guards`.

The API's docs (``/docs``, ``/redoc``) load Swagger UI and ReDoc from files the
``fastapi-offline`` package ships, served here: nothing comes from a CDN, so they work
offline.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from storyline.errors import AmbiguousId, InputError, NotFound, StorylineError
from storyline.read.jsonl import document_from_object
from storyline.records import RawDocument, ReadFailure
from storyline.report.render.rows import (
    article_row,
    dropped_rows,
    entity_row,
    outlet_count_row,
    posted_row,
    story_item_row,
    story_page_row,
)
from storyline.report.render.timeline import timeline_row
from storyline.report.story import thread_steps
from storyline.serve.guards import (
    API_LIMITS,
    BodyTooLarge,
    RateLimit,
    SameOriginOnly,
    SizeLimit,
    WriteToken,
    error_response,
)
from storyline.serve.pages import add_pages, error_page
from storyline.serve.views import StoreReader, StoryFilter
from storyline.settings import Settings, default_settings

__all__ = ["DOCS_ASSETS", "ArticleIn", "create_app", "is_api", "posted_documents"]

#: The media type of the API's answers.
JSON = "application/json"
#: Where Swagger UI's and ReDoc's files are served from (``fastapi-offline``'s copies).
DOCS_ASSETS = "/static/docs"


class ArticleIn(BaseModel):
    """One article to add, as a line of input JSONL has it (unknown fields are ignored)."""

    id: str | None = Field(default=None, max_length=200)
    text: str | None = None
    html: str | None = None
    title: str | None = Field(default=None, max_length=2000)
    published: str | None = Field(default=None, max_length=40)
    outlet: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=4000)
    language: str | None = Field(default=None, max_length=35)

    @model_validator(mode="after")
    def _has_content(self) -> ArticleIn:
        if not (self.text or self.html):
            raise ValueError("an article needs `text` or `html`")
        return self


def create_app(
    db: str | Path, settings: Settings | None = None, write_token: str | None = None
) -> FastAPI:
    """The API over the store at ``db`` (OpenAPI docs at ``/docs``).

    With ``write_token``, requests that write (``POST /api/articles``) must carry
    ``Authorization: Bearer <write_token>``; reading stays open. The token is an argument,
    not a setting: settings files are shared and committed, a secret must not be.
    """
    from storyline.version import __version__

    settings = settings or default_settings()
    reader = StoreReader(db, settings)

    @asynccontextmanager
    async def read_first(app: FastAPI) -> AsyncIterator[None]:
        # A store that cannot be opened (or is written by a newer storyline) stops the server
        # before it accepts requests; nothing else is read ahead.
        await run_in_threadpool(reader.open)
        yield
        reader.close()

    app = FastAPIOffline(
        title="storyline",
        version=__version__,
        description=__doc__,
        lifespan=read_first,
        static_url=DOCS_ASSETS,
        favicon_url="/favicon.svg",
    )
    _add_error_handlers(app, reader)
    # add_middleware puts each one outside those added before: the content policy is outermost,
    # so every answer carries it, refusals too; then the rate limit, so a client over it costs
    # no reading of its body.
    if write_token:
        app.add_middleware(WriteToken, token=write_token)
    app.add_middleware(SizeLimit, limit=API_LIMITS.body_bytes)
    app.add_middleware(RateLimit, limits=settings.serve)
    app.add_middleware(SameOriginOnly)
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
        chosen = StoryFilter(q or None, since, until, outlet, entity)
        items, total = reader.stories(chosen, offset, limit)
        return {
            "items": [
                story_item_row(i.story, i.outlets, i.thread.id if i.thread else None) for i in items
            ],
            "total": total,
            "offset": offset,
            "limit": limit,
        }

    @app.get(
        "/api/stories/{story_id}",
        summary="One story: everything its report holds",
        response_model=dict[str, Any],
    )
    def story(story_id: str) -> Response:
        view = reader.story(story_id)
        if view is None:
            raise NotFound(f"{story_id!r} is not a story id")

        def row() -> bytes:
            corpus, report = view.corpus, view.report
            articles = [corpus.document(a).article for a in report.story.articles]
            steps = thread_steps(corpus, report.thread)
            shown = story_page_row(report, articles, corpus.duplicate_of, steps)
            return bytes(JSONResponse(shown).body)

        # Kept with the story's kept view: a story in a long thread is 200 KB of JSON.
        return Response(reader.rendered(story_id, "json", view, row), media_type=JSON)

    @app.get("/api/articles/{article_id}", summary="One article with its annotations")
    def article(article_id: str, dropped: bool = False) -> dict[str, Any]:
        corpus = reader.article(article_id)
        if corpus is None:
            raise NotFound(f"{article_id!r} is not an article id")
        document = corpus.document(article_id)
        row = article_row(corpus, document)
        if dropped:
            row["dropped"] = dropped_rows(document.article)
        return row

    @app.get("/api/entities/{entity_id}", summary="One entity: its names, stories and quotes")
    def entity(entity_id: str) -> dict[str, Any]:
        view = reader.entity(entity_id)
        if view is None:
            raise NotFound(f"{entity_id!r} is not an entity id")
        return entity_row(view.entity, view.stories, view.quote_groups)

    @app.get("/api/timeline", summary="The dates that matter most, and what happened on each")
    def timeline(
        q: Annotated[
            str | None, Query(max_length=500, description="only articles holding these words")
        ] = None,
        thread: Annotated[
            str | None, Query(max_length=100, description="only this thread's articles")
        ] = None,
        entity: Annotated[
            str | None, Query(max_length=100, description="only articles naming this entity")
        ] = None,
        since: Annotated[str | None, Query(description="first day, YYYY-MM-DD")] = None,
        until: Annotated[str | None, Query(description="last day, YYYY-MM-DD")] = None,
        dates: Annotated[int | None, Query(ge=1, le=API_LIMITS.page)] = None,
        sentences: Annotated[int | None, Query(ge=1, le=20)] = None,
    ) -> dict[str, Any]:
        found = reader.timeline(
            query=q,
            thread=thread,
            entity=entity,
            since=since,
            until=until,
            dates=dates,
            sentences=sentences,
        )
        return timeline_row(found)

    @app.get("/api/outlets", summary="Outlets with their numbers of articles and stories")
    def outlets() -> list[dict[str, Any]]:
        return [outlet_count_row(c.outlet, c.articles, c.stories) for c in reader.outlet_counts()]


# --------------------------------------------------------------------------- writing


def _add_writing_routes(app: FastAPI, reader: StoreReader) -> None:
    @app.post("/api/articles", summary="Add articles: analysed and joined to stories")
    def add_articles(
        articles: Annotated[list[ArticleIn], Body(max_length=API_LIMITS.articles)],
    ) -> dict[str, Any]:
        from storyline.pipeline.analyze import analyze

        documents = posted_documents(articles, reader.settings.read.max_file_bytes)
        # Read on the next request as every request reads: the writer reads what it wrote.
        result = analyze(documents, db=reader.db, settings=reader.settings)
        story_of = {a: s.id for s in result.stories for a in s.articles}
        stories = sorted({story_of[a] for a in result.added if a in story_of})
        return posted_row(result.added, result.already_stored, result.failures, stories)


def posted_documents(articles: Sequence[ArticleIn], limit: int) -> list[RawDocument | ReadFailure]:
    """Posted articles as the documents ``analyze`` reads, each checked as a line of an input
    JSONL file is (``limit``: ``read.max_file_bytes``, on the line's ASCII-escaped JSON).

    They are named as when they were written to a temporary file, ``<temporary
    folder>/posted.jsonl:<n>``: an id made from the content is hashed with the file name
    (``posted.jsonl``) whatever the folder, and the folder, new with each request, keeps one
    request's failures in the store's log (one a source) from replacing another's.
    """
    name = Path(tempfile.gettempdir()) / f"tmp{secrets.token_hex(4)}" / "posted.jsonl"
    documents = []
    for line, article in enumerate(articles, start=1):
        fields = article.model_dump(exclude_none=True)
        size = len(json.dumps(fields)) + 1  # ASCII escapes and the line break
        documents.append(document_from_object(f"{name}:{line}", fields, size, limit))
    return documents


# --------------------------------------------------------------------------- errors


def is_api(path: str) -> bool:
    """Whether a request for ``path`` is the API's (answered in JSON, errors too) rather than
    a page's: everything under ``/api/`` and the OpenAPI description."""
    return path.startswith("/api/") or path in {"/api", "/openapi.json"}


def _add_error_handlers(app: FastAPI, reader: StoreReader) -> None:
    def refusal(
        request: Request,
        status: int,
        code: str,
        message: str,
        exc: Exception | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """The API's error shape for the API, a page for a page (a person reads it)."""
        if is_api(request.url.path):
            return error_response(status, code, message, headers)
        if isinstance(exc, AmbiguousId):
            return error_page(409, message, headers, exc, reader.label)
        return error_page(status, message, headers)

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return refusal(request, 404, "not_found", str(exc), exc)

    @app.exception_handler(InputError)
    def bad_input(request: Request, exc: InputError) -> Response:
        return refusal(request, 422, "bad_input", str(exc))

    @app.exception_handler(StorylineError)
    def failed(request: Request, exc: StorylineError) -> Response:
        return refusal(request, 500, "storyline_error", str(exc))

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return refusal(
            request, 422, "invalid_request", f"{where}: {first.get('msg', 'invalid request')}"
        )

    @app.exception_handler(BodyTooLarge)
    def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return refusal(request, 413, "too_large", str(exc.detail))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and not is_api(request.url.path):
            message = f"There is no page at {request.url.path}."
        headers = dict(exc.headers) if exc.headers else None
        return refusal(request, exc.status_code, "http_error", message, headers=headers)

    @app.exception_handler(Exception)
    def crashed(request: Request, exc: Exception) -> Response:
        # Anything else is a bug: its details go to the server's log (uvicorn logs the
        # exception after this answer), not to whoever asked.
        return refusal(request, 500, "internal_error", "the server failed on this request")
