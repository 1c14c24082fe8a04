"""The web UI: server-rendered pages over the same reader as the API (Jinja2, autoescaped).

Pages: the story list (newest first, with search), a story (timeline chart, cited summary
whose sentences light up their sources, quote groups side by side, the outlet comparison,
the cast), an article (its entities, quotes and dates marked in the text) and an entity.
No CDN, no build step: the CSS and the few lines of JavaScript ship in the templates.

Article text is untrusted: it reaches a page only through Jinja2's autoescaping, as text
segments (:func:`segments`), never as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from storyline.records import Corpus, Document, Ref, Span

if TYPE_CHECKING:
    from storyline.api import StoreReader

__all__ = ["Segment", "add_pages", "segments"]


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
    cuts = {within.start, within.end}
    for span, _, _ in marks:
        cuts.update(c for c in (span.start, span.end) if within.start < c < within.end)
    edges = sorted(cuts)
    pieces = []
    for start, end in pairwise(edges):
        covering = [(k, t) for s, k, t in marks if s.start <= start and end <= s.end]
        kinds = tuple(sorted({k for k, _ in covering}))
        title = "; ".join(dict.fromkeys(t for _, t in covering if t))
        pieces.append(Segment(start, end, text[start:end], kinds, title))
    return pieces


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("storyline", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def add_pages(app: FastAPI, reader: StoreReader) -> None:
    """The UI's pages, on the API's app (one process serves both)."""
    templates = _environment()

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(q: str | None = Query(default=None, max_length=500)) -> HTMLResponse:
        from storyline.api import filtered_stories, story_item

        corpus = reader.corpus()
        stories = filtered_stories(corpus, reader, q, None, None, None, None)
        items = [story_item(corpus, s) for s in stories]
        return page("stories.html", items=items, q=q or "")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        from storyline.api import find_story
        from storyline.present import citation_markers

        corpus = reader.corpus()
        report = reader.report(find_story(corpus, story_id))
        markers = citation_markers(report.articles)
        return page(
            "story.html",
            report=report,
            markers=markers,
            names=_names(corpus),
            chart=timeline_chart(report.timeline),
            sources=_source_panes(corpus, report, markers),
            refs=_ref_attr,
            span_text=lambda r: _span_text(corpus, r),
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        from storyline.api import find_document

        corpus = reader.corpus()
        document = find_document(corpus, article_id)
        return page(
            "article.html",
            article=document.article,
            body=[
                segments(document.article.text, _marks(corpus, document), p)
                for p in document.article.body
            ],
            story=next((s for s in corpus.stories or [] if article_id in s.articles), None),
        )

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        from storyline.api import entity_row

        corpus = reader.corpus()
        row = entity_row(corpus, entity_id)
        stories = {s.id: s for s in corpus.stories or []}
        quotes = [
            (r, _span_text(corpus, r)) for g in row["quote_groups"] for r in _refs(g["quotes"])
        ]
        return page(
            "entity.html",
            entity=row,
            stories=[stories[s] for s in row["stories"] if s in stories],
            quotes=quotes,
            markers={d.article.id: d.article.outlet or "unknown" for d in corpus.documents},
        )


# --------------------------------------------------------------------------- pieces


def _names(corpus: Corpus) -> dict[str, str]:
    return {e.id: e.name for e in corpus.entities or []}


def _ref_attr(refs: Iterable[Ref]) -> str:
    """Sources as a data attribute: ``article:start:end`` separated by spaces."""
    return " ".join(f"{r.article}:{r.start}:{r.end}" for r in refs)


def _refs(rows: Iterable[dict[str, Any]]) -> list[Ref]:
    return [Ref(r["article"], r["start"], r["end"]) for r in rows]


def _span_text(corpus: Corpus, ref: Ref) -> str:
    return " ".join(corpus.document(ref.article).article.text[ref.start : ref.end].split())


def _source_panes(corpus: Corpus, report: Any, markers: dict[str, str]) -> list[dict[str, Any]]:
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
    """Entities (by name), quotes (by speaker) and dates (by value) of one article."""
    marks = [
        (Span(r.start, r.end), "entity", entity.name)
        for r, entity in corpus.mentions_in(document.article.id)
    ]
    for quote in document.quotes or []:
        marks.append((quote.content, "quote", f"quote: {quote.speaker_name or 'speaker unknown'}"))
    for timex in document.timex or []:
        marks.append((timex.span, "date", f"date: {timex.value or 'unresolved'}"))
    return marks


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


def timeline_chart(entries: Sequence[Any]) -> dict[str, Any]:
    """Points for an SVG timeline: one per dated entry, placed by its day on a time axis.

    Entries of one day stack upwards; a year or month is placed at its first day.
    """
    dated = [(e, d) for e in entries if (d := _first_day(e.date)) is not None]
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


def _first_day(value: str) -> dt.date | None:
    try:
        parts = [int(p) for p in value.split("-")]
        return dt.date(
            parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        )
    except (ValueError, IndexError):
        return None
