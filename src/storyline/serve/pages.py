"""The web UI: server-rendered pages over the same views as the API (Jinja2, autoescaped).

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

from storyline.annotate.languages import annotated
from storyline.records import UNATTRIBUTED, Corpus, Document, Ref, Span
from storyline.report.cast import quotes_by_speaker, utterance_text
from storyline.report.event_dates import first_day
from storyline.report.render.lists import QUOTE_GROUPS_SHOWN, shortened, shown_facts
from storyline.report.render.text import citation_markers
from storyline.report.render.timeline import day_note, heading
from storyline.report.story import StoryReport, membership_lines, thread_steps
from storyline.report.timeline import TimelineEntry
from storyline.report.topic_timeline import TopicTimeline
from storyline.serve.views import (
    entity_view,
    filtered_stories,
    find_document,
    find_story,
    story_item,
)

if TYPE_CHECKING:
    from storyline.serve.views import StoreReader

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


def add_pages(app: FastAPI, reader: StoreReader) -> None:
    """The UI's pages, on the API's app (one process serves both)."""
    templates = _environment()

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(
        q: str | None = Query(default=None, max_length=500),
        page_number: int = Query(default=1, ge=1, alias="page"),
    ) -> HTMLResponse:
        browse = reader.browse()
        stories = filtered_stories(browse, reader, q, None, None, None, None)
        first = (page_number - 1) * STORIES_PER_PAGE
        shown = stories[first : first + STORIES_PER_PAGE]
        return page(
            "stories.html",
            items=[story_item(browse, s) for s in shown],
            q=q or "",
            total=len(stories),
            first=first,
            page_number=page_number,
            more=first + STORIES_PER_PAGE < len(stories),
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        browse = reader.browse()
        corpus = browse.corpus
        report = reader.report(browse, find_story(corpus, story_id))
        markers = citation_markers(report.articles)
        groups = shortened(report.quote_groups, QUOTE_GROUPS_SHOWN)
        return page(
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

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        corpus = reader.corpus()
        document = find_document(corpus, article_id)
        marks = _marks(corpus, document)
        return page(
            "article.html",
            article=document.article,
            body=[segments(document.article.text, marks, p) for p in document.article.body],
            story=corpus.story_of(article_id),
            panel=article_panel(corpus, document),
            annotated=annotated(document.article, reader.settings.annotate.languages),
            languages=reader.settings.annotate.languages,
        )

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        browse = reader.browse()
        view = entity_view(browse, entity_id)
        quotes = [
            (r, utterance_text(browse.corpus, r)) for g in view.quote_groups for r in g.quotes
        ]
        return page(
            "entity.html",
            entity=view.entity,
            stories=view.stories,
            quotes=quotes,
            markers=browse.outlet_of,
            shown=ENTITY_ITEMS_SHOWN,
        )

    @app.get("/threads/{thread_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def thread_timeline(
        thread_id: str, since: str | None = None, until: str | None = None
    ) -> HTMLResponse:
        return timeline_page(reader.timeline(thread=thread_id, since=since, until=until))

    @app.get("/entities/{entity_id}/timeline", response_class=HTMLResponse, include_in_schema=False)
    def entity_timeline(
        entity_id: str, since: str | None = None, until: str | None = None
    ) -> HTMLResponse:
        return timeline_page(reader.timeline(entity=entity_id, since=since, until=until))

    def timeline_page(found: TopicTimeline) -> HTMLResponse:
        markers = citation_markers(list(found.cited))
        return page(
            "timeline.html", timeline=found, heading=heading(found), note=day_note, markers=markers
        )


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
    """Entities (by name), quotes (by speaker) and dates (by value) of one article."""
    marks = [
        (Span(r.start, r.end), "entity", entity.name)
        for r, entity in corpus.mentions_in(document.article.id)
    ]
    for quote in document.quotes or []:
        marks.append((quote.content, "quote", f"quote: {quote.speaker_name or UNATTRIBUTED}"))
    for timex in document.timex or []:
        marks.append((timex.span, "date", f"date: {timex.value or 'unresolved'}"))
    return marks


def article_panel(corpus: Corpus, document: Document) -> dict[str, list[Any]]:
    """The side panel of an article: who is in it (most mentioned first), who says what, and
    the dates it gives with their values."""
    text = document.article.text
    counts: dict[str, int] = {}
    entities = {}
    for _, entity in corpus.mentions_in(document.article.id):
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
