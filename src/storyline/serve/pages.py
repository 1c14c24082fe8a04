"""The web UI: server-rendered pages over the same views as the API (Jinja2, autoescaped).

Pages: the story list (newest first, with search), a story (timeline chart, cited summary
whose sentences light up their sources, quote groups side by side, the outlet comparison,
the cast), an article (its entities, quotes and dates marked in the text, a link to the
original) and an entity. Each takes a unique beginning of an id, as the CLI does, and
redirects to the full id. No CDN, no build step: the CSS and the few lines of JavaScript ship
in the templates, the icon in ``static/``. Refusals of pages are pages too
(:func:`error_page`; the API's stay JSON).

Article text is untrusted: it reaches a page only through Jinja2's autoescaping, as text
segments (:func:`segments`), never as markup; an article's URL becomes a link only when it
is http or https (:func:`linkable_url`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from importlib.resources import files
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as quote_url
from urllib.parse import urlsplit, urlunsplit

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storyline.annotate.languages import annotated
from storyline.annotate.nlp import PRONOUN
from storyline.errors import AmbiguousId, NotFound
from storyline.records import UNATTRIBUTED, Corpus, Document, Ref, Span
from storyline.report.cast import is_actor, quotes_by_speaker
from storyline.report.event_dates import first_day
from storyline.report.render.lists import QUOTE_GROUPS_SHOWN, shortened, shown_facts
from storyline.report.render.text import citation_markers
from storyline.report.render.timeline import day_note, heading
from storyline.report.story import StoryReport, membership_lines, thread_steps
from storyline.report.timeline import TimelineEntry
from storyline.report.topic_timeline import TopicTimeline
from storyline.resolve.actors import outlet_keys
from storyline.serve.views import StoryFilter

if TYPE_CHECKING:
    from storyline.pipeline.reports import StoryView
    from storyline.serve.views import StoreReader

__all__ = ["PAGE_OF", "Segment", "add_pages", "error_page", "linkable_url", "segments"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of an article's text and the marks on it (``kinds``: entity, quote, date)."""

    start: int
    end: int
    text: str
    kinds: tuple[str, ...] = ()
    title: str = ""


def segments(text: str, marks: Sequence[tuple[Span, str, str]], within: Span) -> list[Segment]:
    """``text[within]`` cut at every mark's edges, each piece with the marks covering it.

    ``marks`` are (span, kind, title). The pieces tile ``within`` exactly, so offsets stay
    the article's own and a page can light up any source span by them.
    """
    inside = [m for m in marks if m[0].start < within.end and m[0].end > within.start]
    cuts = {within.start, within.end}
    for span, _, _ in inside:
        cuts.update(c for c in (span.start, span.end) if within.start < c < within.end)
    edges = sorted(cuts)
    pieces = []
    for start, end in pairwise(edges):
        covering = [(k, t) for s, k, t in inside if s.start <= start and end <= s.end]
        kinds = tuple(sorted({k for k, _ in covering}))
        title = "; ".join(dict.fromkeys(t for _, t in covering if t))
        pieces.append(Segment(start, end, text[start:end], kinds, title))
    return pieces


@functools.cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("storyline.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


#: Stories on one page of the list.
STORIES_PER_PAGE = 50
#: Stories and quotes an entity page lists (the API gives them all).
ENTITY_ITEMS_SHOWN = 100
#: The page of each kind of id, by its table in the store (a thread's page is its timeline).
PAGE_OF = {
    "stories": "/stories/{}",
    "articles": "/articles/{}",
    "entities": "/entities/{}",
    "threads": "/threads/{}/timeline",
}


def _render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code)


def add_pages(app: FastAPI, reader: StoreReader) -> None:
    """The UI's pages, on the API's app (one process serves both)."""
    page = _render
    icon = files("storyline.serve").joinpath("static", "favicon.svg").read_bytes()

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    @app.api_route("/favicon.svg", methods=["GET", "HEAD"], include_in_schema=False)
    def favicon() -> Response:
        # Pages name the SVG; /favicon.ico is what a browser asks for on a page that names
        # none (the JSON answers, the OpenAPI description), and browsers take an SVG there.
        return Response(
            icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(
        q: str | None = Query(default=None, max_length=500),
        page_number: int = Query(default=1, ge=1, alias="page"),
    ) -> HTMLResponse:
        first = (page_number - 1) * STORIES_PER_PAGE
        items, total = reader.stories(StoryFilter(words=q or None), first, STORIES_PER_PAGE)
        return page(
            "stories.html",
            items=items,
            q=q or "",
            total=total,
            first=first,
            page_number=page_number,
            more=first + STORIES_PER_PAGE < total,
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> Response:
        view = reader.story(story_id)
        if view is None:
            return _to_full_id(reader, "stories", story_id)
        body = reader.rendered(story_id, "page", view, lambda: story_html(view))
        return HTMLResponse(body)

    def story_html(view: StoryView) -> bytes:
        corpus, report = view.corpus, view.report
        markers = citation_markers(report.articles)
        groups = shortened(report.quote_groups, QUOTE_GROUPS_SHOWN)
        rendered = page(
            "story.html",
            report=report,
            facts=shown_facts(report),
            quote_groups=groups,
            markers=markers,
            names=EntityNames(corpus),
            chart=timeline_chart(report.timeline),
            thread=thread_steps(corpus, report.thread),
            sources=_source_panes(corpus, report, markers),
            refs=_ref_attr,
            span_text=lambda r: report.quote_texts.get(r) or _span_text(corpus, r),
            quote_speakers=quotes_by_speaker(groups.shown, report.names),
            membership=membership_lines(report, markers),
        )
        return bytes(rendered.body)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> Response:
        corpus = reader.article(article_id)
        if corpus is None:
            return _to_full_id(reader, "articles", article_id)
        document = corpus.document(article_id)
        marks = _marks(corpus, document)
        return page(
            "article.html",
            article=document.article,
            original=linkable_url(document.article.url),
            body=[segments(document.article.text, marks, p) for p in document.article.body],
            story=corpus.story_of(article_id),
            panel=article_panel(corpus, document),
            annotated=annotated(document.article, reader.settings.annotate.languages),
            languages=reader.settings.annotate.languages,
        )

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> Response:
        view = reader.entity(entity_id)
        if view is None:
            return _to_full_id(reader, "entities", entity_id)
        return page(
            "entity.html",
            entity=view.entity,
            stories=view.stories,
            quotes=reader.dated_quotes(view.quote_groups, ENTITY_ITEMS_SHOWN),
            quote_count=sum(len(g.quotes) for g in view.quote_groups),
            shown=ENTITY_ITEMS_SHOWN,
        )

    @app.get("/threads/{thread_id}", include_in_schema=False)
    def thread_page(thread_id: str) -> RedirectResponse:
        return _redirect("threads", reader.find_id("threads", thread_id))

    @app.get("/threads/{thread_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def thread_timeline(
        request: Request, thread_id: str, since: str | None = None, until: str | None = None
    ) -> Response:
        found = reader.find_id("threads", thread_id)
        if found != thread_id:
            return _redirect("threads", found, request.url.query)
        return timeline_page(reader.timeline(thread=found, since=since, until=until))

    @app.get("/entities/{entity_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def entity_timeline(
        request: Request, entity_id: str, since: str | None = None, until: str | None = None
    ) -> Response:
        found = reader.find_id("entities", entity_id)
        if found != entity_id:
            return _redirect("entities", found, request.url.query, "/timeline")
        return timeline_page(reader.timeline(entity=found, since=since, until=until))

    def timeline_page(found: TopicTimeline) -> HTMLResponse:
        markers = citation_markers(list(found.cited))
        return page(
            "timeline.html", timeline=found, heading=heading(found), note=day_note, markers=markers
        )


def _redirect(table: str, found: str, query: str = "", tail: str = "") -> RedirectResponse:
    """To the page of the full id ``found`` (``tail`` after it, ``query`` kept)."""
    url = PAGE_OF[table].format(quote_url(found, safe="")) + tail
    return RedirectResponse(url + (f"?{query}" if query else ""), status_code=302)


def _to_full_id(reader: StoreReader, table: str, given: str) -> RedirectResponse:
    """The page of the one id beginning with ``given``, which is no full id the page's read
    of the store holds (:class:`NotFound` or :class:`AmbiguousId` when there is none or
    several)."""
    found = reader.find_id(table, given)
    if found == given:
        # Replaced between the two reads (a regrouping gave its story a new id).
        raise NotFound(f"{given!r} changed a moment ago; reload the page")
    return _redirect(table, found)


def linkable_url(url: str | None) -> str | None:
    """``url`` as a link may carry it, or None when it must not become a link: only
    http(s) URLs with a host are linked, so an article's ``javascript:`` or ``data:`` URL
    (article data is untrusted) is shown as text at most.

    The URL is parsed as a browser parses an href (leading spaces and controls dropped, tabs
    and line breaks removed), and the link carries that parse, so what was checked is what
    the browser follows.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed host ("http://[::1")
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return urlunsplit(parts)


def error_page(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    ambiguous: AmbiguousId | None = None,
    label: Callable[[str, str], str] | None = None,
) -> HTMLResponse:
    """A refusal as a page: its status, what went wrong, a way back to the stories and, for
    an ambiguous beginning of an id, the ids it begins (linked, each labelled by ``label``
    (table, id): its title or name)."""
    candidates = []
    if ambiguous is not None:
        for found in ambiguous.matches:
            label_text = label(ambiguous.table, found) if label is not None else ""
            url = PAGE_OF[ambiguous.table].format(quote_url(found, safe=""))
            candidates.append((url, found, label_text))
    response = _render(
        "error.html",
        status,
        status=status,
        phrase="Which one?" if candidates else _phrase(status),
        message=message,
        candidates=candidates,
    )
    response.headers.update(headers or {})
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# --------------------------------------------------------------------------- pieces


class EntityNames:
    """Entity names by id for a template (``names.get(id, default)``), looked up one by one:
    a page names a few dozen of the store's entities."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    def get(self, entity_id: str, default: str = "") -> str:
        found = self._corpus.entity(entity_id)
        return found.name if found else default


def _ref_attr(refs: Iterable[Ref]) -> str:
    """Sources as a data attribute: ``article:start:end`` separated by spaces."""
    return " ".join(f"{r.article}:{r.start}:{r.end}" for r in refs)


def _span_text(corpus: Corpus, ref: Ref) -> str:
    return " ".join(corpus.document(ref.article).article.text[ref.start : ref.end].split())


def _source_panes(
    corpus: Corpus, report: StoryReport, markers: dict[str, str]
) -> list[dict[str, Any]]:
    """Each primary article's body, cut at the edges of every span the summary cites."""
    cited = [(Span(r.start, r.end), r.article) for s in report.summary for r in s.sources]
    panes = []
    for article in report.articles:
        if article.id in corpus.duplicate_of:
            continue
        marks = [(span, "cited", "") for span, owner in cited if owner == article.id]
        body = [segments(article.text, marks, part) for part in article.body]
        panes.append({"article": article, "marker": markers[article.id], "body": body})
    return panes


def _marks(corpus: Corpus, document: Document) -> list[tuple[Span, str, str]]:
    """Entities (by name), quotes (by speaker) and dates (by value) of one article.

    A pronoun ("he", "it", "which") names no one: it is not marked as an entity, and shows
    whom it was resolved to only on hover (a "refers" mark, which the page does not draw).
    """
    pronouns = {m.span for m in document.mentions or [] if m.type == PRONOUN}
    marks = []
    for r, entity in corpus.mentions_in(document.article.id):
        span = Span(r.start, r.end)
        if span in pronouns:
            marks.append((span, "refers", f"refers to {entity.name}"))
        else:
            marks.append((span, "entity", entity.name))
    for quote in document.quotes or []:
        marks.append((quote.content, "quote", f"quote: {quote.speaker_name or UNATTRIBUTED}"))
    for timex in document.timex or []:
        marks.append((timex.span, "date", f"date: {timex.value or 'unresolved'}"))
    return marks


def article_panel(corpus: Corpus, document: Document) -> dict[str, list[Any]]:
    """The side panel of an article: who is in it (its actors, as a story's cast has them,
    most mentioned first), who says what, and the dates it gives with their values."""
    text = document.article.text
    counts: dict[str, int] = {}
    entities = {}
    outlets = outlet_keys([document])
    for _, entity in corpus.mentions_in(document.article.id):
        if not is_actor(entity, outlets):
            continue
        counts[entity.id] = counts.get(entity.id, 0) + 1
        entities[entity.id] = entity
    cast = sorted(entities.values(), key=lambda e: (-counts[e.id], e.name))
    quotes = [
        (q.speaker_name or UNATTRIBUTED, _snippet(q.words(text))) for q in document.quotes or []
    ]
    dates = [(t.text, t.value or "unresolved") for t in document.timex or []]
    return {
        "cast": [(e, counts[e.id]) for e in cast],
        "quotes": quotes,
        "dates": list(dict.fromkeys(dates)),
    }


def _snippet(text: str, words: int = 14) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    date: str
    text: str
    outlets: int
    inferred: bool


#: The timeline chart's drawing area, in SVG units.
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 900, 140, 40


def timeline_chart(entries: Sequence[TimelineEntry]) -> dict[str, Any]:
    """Points for an SVG timeline: one per dated entry, placed by its day on a time axis.

    Entries of one day stack upwards; a year or month is placed at its first day.
    """
    dated = [(e, d) for e in entries if (d := first_day(e.date)) is not None]
    if not dated:
        return {"points": [], "ticks": []}
    first = min(d for _, d in dated)
    last = max(d for _, d in dated)
    span = max(1, (last - first).days)
    width = CHART_WIDTH - 2 * CHART_MARGIN
    stacked: dict[dt.date, int] = {}
    points = []
    for entry, day in dated:
        level = stacked.get(day, 0)
        stacked[day] = level + 1
        points.append(
            ChartPoint(
                x=CHART_MARGIN + width * (day - first).days / span,
                y=CHART_HEIGHT - 30 - 14 * min(level, 6),
                date=entry.shown_date(),
                text=entry.text,
                outlets=len({r.article for r in entry.sources}),
                inferred=entry.inferred,
            )
        )
    ticks = [
        {"x": CHART_MARGIN + width * (d - first).days / span, "label": d.isoformat()}
        for d in sorted({first, last})
    ]
    return {"points": points, "ticks": ticks, "width": CHART_WIDTH, "height": CHART_HEIGHT}
