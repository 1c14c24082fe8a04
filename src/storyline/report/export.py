"""Exports: JSONL of articles and of stories (DESIGN §3, a contract), Markdown and HTML reports.

The JSONL field names are relied on by other tools: change them only with DESIGN.md.
Reports are for people: per thread and story, the summary with citations, timeline, cast,
quote groups side by side and an outlet comparison. Article text is untrusted: every piece
of it is escaped, in HTML with :func:`html.escape` and in Markdown by :func:`md_escape`.
Rendering is plain string building (no template engine) so the escaping stays visible and
reviewable in one place.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from storyline.errors import ConfigError
from storyline.records import (
    Article,
    Corpus,
    Document,
    QuoteGroup,
    Ref,
    Story,
    Thread,
    stories_span,
)
from storyline.report.compare import Conflict, Fact, OutletView
from storyline.report.story import (
    CastMember,
    StoryReport,
    SummarySentence,
    TimelineEntry,
    build_report,
    build_thread_summary,
    citation_markers,
    thread_link_lines,
    thread_stories,
    thread_summary,
)
from storyline.settings import Settings, SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "FORMATS",
    "article_rows",
    "export_text",
    "html_report",
    "markdown_report",
    "md_escape",
    "story_reports",
    "story_rows",
    "thread_rows",
    "write_jsonl",
]


#: What ``storyline export --format`` accepts.
FORMATS = ("jsonl", "stories", "threads", "md", "html")


def export_text(
    corpus: Corpus, format: str, settings: Settings, embedder: Embedder | None = None
) -> str:
    """The whole export in one format, as the CLI writes it."""
    if format == "jsonl":
        return _jsonl_text(article_rows(corpus))
    if format == "stories":
        return _jsonl_text(story_rows(corpus, settings.summary, embedder))
    if format == "threads":
        return _jsonl_text(thread_rows(corpus, settings.summary, embedder))
    if format == "md":
        return markdown_report(corpus, settings.summary, embedder)
    if format == "html":
        return html_report(corpus, settings.summary, embedder)
    raise ConfigError(f"unknown export format {format!r} (known: {', '.join(FORMATS)})")


def _jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    stream = io.StringIO()
    write_jsonl(rows, stream)
    return stream.getvalue()


# --------------------------------------------------------------------------- JSONL


def write_jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """One JSON object a line (UTF-8 kept readable); returns the number of rows."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


def article_rows(corpus: Corpus) -> Iterator[dict[str, Any]]:
    """One row per article, by id, with the DESIGN §3 fields; offsets index ``text``."""
    for document in sorted(corpus.documents, key=lambda d: d.article.id):
        yield article_row(corpus, document)


def article_row(corpus: Corpus, document: Document) -> dict[str, Any]:
    article = document.article
    story = corpus.story_of(article.id)
    thread = corpus.thread_of(story.id) if story else None
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published.iso() if article.published else None,
        # A date the article's story gave it, not one it states (README, `analyze`).
        "published_inferred": bool(article.published and article.published.inferred),
        "text": article.text,
        "body": article.body_text,
        "duplicate_of": corpus.duplicate_of.get(article.id),
        "story": story.id if story else None,
        "thread": thread.id if thread else None,
        "entities": _entity_rows(corpus, document),
        "quotes": _quote_rows(corpus, document),
        "timex": _timex_rows(document),
    }


def _entity_rows(corpus: Corpus, document: Document) -> list[dict[str, Any]]:
    rows = []
    for mention in document.mentions or []:
        entity = corpus.entity_at(document.article.id, mention.span)
        rows.append(
            {
                "start": mention.span.start,
                "end": mention.span.end,
                "text": mention.text,
                "type": mention.type,
                "entity": entity.id if entity else None,
                "name": entity.name if entity else None,
            }
        )
    return rows


def _quote_rows(corpus: Corpus, document: Document) -> list[dict[str, Any]]:
    article = document.article
    rows = []
    for quote in document.quotes or []:
        speaker = corpus.entity_at(article.id, quote.speaker) if quote.speaker else None
        group = corpus.group_of(article.id, quote.content)
        rows.append(
            {
                "content": {"start": quote.content.start, "end": quote.content.end},
                "cue": quote.cue.of(article.text) if quote.cue else None,
                "speaker": (
                    {"start": quote.speaker.start, "end": quote.speaker.end}
                    if quote.speaker
                    else None
                ),
                "speaker_name": quote.speaker_name,
                "speaker_entity": speaker.id if speaker else None,
                "direct": quote.direct,
                "group": group.id if group else None,
            }
        )
    return rows


def _timex_rows(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "start": t.span.start,
            "end": t.span.end,
            "text": t.text,
            "value": t.value,
            "event": {"start": t.event.start, "end": t.event.end} if t.event else None,
        }
        for t in document.timex or []
    ]


def story_reports(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> list[StoryReport]:
    """A report per story, oldest story first (undated last), ties by id."""
    stories = sorted(corpus.stories or [], key=_story_key)
    return [build_report(corpus, story, settings, embedder) for story in stories]


def _story_key(story: Story) -> tuple[str, str]:
    return (story.start.isoformat() if story.start else "9999", story.id)


def story_rows(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> Iterator[dict[str, Any]]:
    """One row per story with the DESIGN §3 ``stories`` fields."""
    for report in story_reports(corpus, settings, embedder):
        yield story_row(report)


def story_row(report: StoryReport) -> dict[str, Any]:
    story = report.story
    return {
        "id": story.id,
        "thread": report.thread.id if report.thread else None,
        "title": story.title,
        "description": story.description,
        "articles": list(story.articles),
        "start": story.iso_range()[0],
        "end": story.iso_range()[1],
        "timeline": [_timeline_row(e) for e in report.timeline],
        "cast": [_cast_row(m) for m in report.cast],
        "quote_groups": [_group_row(g) for g in report.quote_groups],
        "outlets": [_outlet_row(o) for o in report.outlets],
        "sides": list(report.sides),
        "coverage": [_fact_row(f) for f in report.coverage],
        "conflicts": [_conflict_row(c) for c in report.conflicts],
        "summary": _summary_rows(report.summary),
    }


def _summary_rows(summary: Iterable[SummarySentence]) -> list[dict[str, Any]]:
    return [{"sentence": s.sentence, "sources": _refs(s.sources)} for s in summary]


def _fact_row(fact: Fact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "text": fact.text,
        "date": fact.date,
        "outlets": list(fact.outlets),
        "missing": list(fact.missing),
        "sources": _refs(fact.sources),
    }


def _conflict_row(conflict: Conflict) -> dict[str, Any]:
    return {
        "kind": conflict.kind,
        "about": conflict.about,
        "claims": [
            {"outlet": c.outlet, "value": c.value, "source": _refs([c.source])[0]}
            for c in conflict.claims
        ],
    }


def thread_rows(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> Iterator[dict[str, Any]]:
    """One row per thread: its stories in time order, each link with its reason, and the
    thread's cited summary."""
    for thread in sorted(corpus.threads or [], key=lambda t: t.id):
        start, end = stories_span(thread_stories(corpus, thread)) or (None, None)
        yield {
            "id": thread.id,
            "title": thread.title,
            "description": thread.description,
            "stories": list(thread.stories),
            "start": start,
            "end": end,
            "links": [
                {"earlier": k.earlier, "later": k.later, "reason": k.reason} for k in thread.links
            ],
            "summary": _summary_rows(build_thread_summary(corpus, thread, settings, embedder)),
        }


def _refs(refs: Iterable[Ref]) -> list[dict[str, Any]]:
    return [{"article": r.article, "start": r.start, "end": r.end} for r in refs]


def _timeline_row(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "date": entry.date,
        "precision": entry.precision,
        "inferred": entry.inferred,
        "text": entry.text,
        "sources": _refs(entry.sources),
    }


def _cast_row(member: CastMember) -> dict[str, Any]:
    return {
        "entity": member.entity,
        "name": member.name,
        "aliases": list(member.aliases),
        "articles": list(member.articles),
    }


def _group_row(group: QuoteGroup) -> dict[str, Any]:
    return {
        "group": group.id,
        "speaker_entity": group.speaker_entity,
        "speaker_name": group.speaker_name,
        "quotes": _refs(group.quotes),
    }


def _outlet_row(view: OutletView) -> dict[str, Any]:
    return {
        "outlet": view.outlet,
        "articles": list(view.articles),
        "labels": {entity: list(phrases) for entity, phrases in view.labels.items()},
        "voices": list(view.voices),
        "voice_details": [
            {"entity": v.entity, "quotes": v.quotes, "words": v.words, "side": v.side}
            for v in view.voice_details
        ],
        "sides_heard": list(view.sides_heard),
        "sides_missing": list(view.sides_missing),
    }


# --------------------------------------------------------------------------- shared view


class _Context:
    """What both renderers need for one story: citation markers and names by id."""

    def __init__(self, corpus: Corpus, report: StoryReport) -> None:
        self.corpus = corpus
        self.report = report
        self.markers = citation_markers(report.articles)
        self.names = {m.entity: m.name for m in report.cast}

    def marker(self, ref: Ref) -> str:
        return self.markers.get(ref.article, ref.article)

    def span_text(self, ref: Ref) -> str:
        text = self.corpus.document(ref.article).article.text[ref.start : ref.end]
        return " ".join(text.split())

    def name(self, entity_id: str | None) -> str:
        if entity_id in self.names:
            return self.names[entity_id]
        found = self.corpus.entity(entity_id or "")
        return found.name if found else entity_id or "unknown"


def _published(article: Article) -> str:
    if article.published is None:
        return "date unknown"
    return article.published.iso() + (" (inferred)" if article.published.inferred else "")


def _by_thread(
    corpus: Corpus, reports: list[StoryReport]
) -> list[tuple[Thread | None, list[StoryReport]]]:
    """Reports grouped under their thread (in the thread's order); unthreaded ones last."""
    by_story = {r.story.id: r for r in reports}
    groups: list[tuple[Thread | None, list[StoryReport]]] = []
    placed: set[str] = set()
    for thread in sorted(corpus.threads or [], key=lambda t: t.id):
        members = [by_story[s] for s in thread.stories if s in by_story]
        if members:
            groups.append((thread, members))
            placed.update(r.story.id for r in members)
    alone = [r for r in reports if r.story.id not in placed]
    return groups + ([(None, alone)] if alone else [])


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!|~#])")


def md_escape(text: str) -> str:
    """Untrusted text as inert Markdown: one line, no HTML, no links, no emphasis.

    ``<``, ``>`` and ``&`` become entities (a Markdown renderer passes raw HTML through);
    the characters of link, image, emphasis, code and table syntax are backslash-escaped.
    """
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def markdown_report(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> str:
    """The whole corpus as a Markdown report: threads, then their stories."""
    reports = story_reports(corpus, settings, embedder)
    lines = ["# Storyline report", ""]
    if not reports:
        lines += ["No stories.", ""]
    for thread, members in _by_thread(corpus, reports):
        if thread is not None:
            lines += [f"## Thread: {md_escape(thread_summary(corpus, thread))}", ""]
            links = thread_link_lines(thread, thread_stories(corpus, thread))
            lines += [*(f"- {md_escape(line)}" for line in links), ""] if links else []
            lines += _md_thread_summary(corpus, thread, settings, embedder)
        for report in members:
            lines += _md_story(_Context(corpus, report))
    return "\n".join(lines).rstrip() + "\n"


def _thread_summary(
    corpus: Corpus, thread: Thread, settings: SummarySettings, embedder: Embedder | None
) -> tuple[list[SummarySentence], dict[str, str]]:
    """The thread's summary and the citation marker of each of its articles."""
    summary = build_thread_summary(corpus, thread, settings, embedder)
    articles = [
        corpus.document(a).article
        for story in thread_stories(corpus, thread)
        for a in story.articles
    ]
    return summary, citation_markers(articles)


def _md_thread_summary(
    corpus: Corpus, thread: Thread, settings: SummarySettings, embedder: Embedder | None
) -> list[str]:
    summary, markers = _thread_summary(corpus, thread, settings, embedder)
    if len(thread.stories) < 2 or not summary:
        return []
    lines = ["### What happened, across the thread", ""]
    for sentence in summary:
        cites = " ".join(
            f"\\[{md_escape(markers.get(r.article, r.article))}\\]" for r in sentence.sources
        )
        lines.append(f"1. {md_escape(sentence.sentence)} {cites}")
    return [*lines, ""]


def _html_thread_summary(
    corpus: Corpus, thread: Thread, settings: SummarySettings, embedder: Embedder | None
) -> str:
    summary, markers = _thread_summary(corpus, thread, settings, embedder)
    if len(thread.stories) < 2 or not summary:
        return ""
    items = "".join(
        f"<li>{esc(s.sentence)} "
        + " ".join(
            f'<span class="cite">[{esc(markers.get(r.article, r.article))}]</span>'
            for r in s.sources
        )
        + "</li>"
        for s in summary
    )
    return f'<h3>What happened, across the thread</h3><ol class="summary">{items}</ol>'


def _md_story(ctx: _Context) -> list[str]:
    story = ctx.report.story
    lines = [f"### {md_escape(story.title)}", "", f"*{md_escape(story.date_label())}*", ""]
    lines += [md_escape(story.description), ""]
    for section in (_md_articles, _md_summary, _md_timeline, _md_cast, _md_quotes, _md_outlets):
        lines += section(ctx)
    return lines


def _md_articles(ctx: _Context) -> list[str]:
    lines = ["#### Articles", ""]
    for article in ctx.report.articles:
        copy = ctx.corpus.duplicate_of.get(article.id)
        note = f" (copy of {md_escape(ctx.markers.get(copy, copy))})" if copy else ""
        lines.append(
            f"- \\[{md_escape(ctx.markers[article.id])}\\] "
            f"{md_escape(article.title or '(untitled)')}, {md_escape(_published(article))}{note}"
        )
    return [*lines, ""]


def _md_cite(ctx: _Context, refs: Iterable[Ref]) -> str:
    return " ".join(f"\\[{md_escape(ctx.marker(r))}\\]" for r in refs)


def _md_summary(ctx: _Context) -> list[str]:
    if not ctx.report.summary:
        return []
    lines = ["#### Summary", ""]
    lines += [f"- {md_escape(s.sentence)} {_md_cite(ctx, s.sources)}" for s in ctx.report.summary]
    return [*lines, ""]


def _md_timeline(ctx: _Context) -> list[str]:
    if not ctx.report.timeline:
        return []
    lines = ["#### Timeline", "", "| Date | Event | Sources |", "| --- | --- | --- |"]
    lines += [
        f"| {md_escape(e.shown_date())} | {md_escape(e.text)} | {_md_cite(ctx, e.sources)} |"
        for e in ctx.report.timeline
    ]
    return [*lines, ""]


def _md_cast(ctx: _Context) -> list[str]:
    if not ctx.report.cast:
        return []
    lines = [
        "#### Cast",
        "",
        "| Name | Type | Also written | Articles |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {md_escape(m.name)} | {md_escape(m.type)} | "
        f"{md_escape(', '.join(a for a in m.aliases if a != m.name))} | {len(m.articles)} |"
        for m in ctx.report.cast
    ]
    return [*lines, ""]


def _md_quotes(ctx: _Context) -> list[str]:
    lines: list[str] = ["#### Quotes", ""] if ctx.report.quote_groups else []
    for group in ctx.report.quote_groups:
        speaker = group.speaker_name or ctx.name(group.speaker_entity)
        lines += [f"**{md_escape(speaker)}**", "", "| Outlet | Rendering |", "| --- | --- |"]
        lines += [
            f"| {md_escape(ctx.marker(r))} | {md_escape(ctx.span_text(r))} |" for r in group.quotes
        ]
        lines.append("")
    return lines


def _md_outlets(ctx: _Context) -> list[str]:
    lines = [
        "#### Outlets",
        "",
        "| Outlet | Articles | Voices (quotes, words) | Sides heard | Sides not heard "
        "| Calls them |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for view in ctx.report.outlets:
        labels = "; ".join(f"{ctx.name(e)}: {', '.join(p)}" for e, p in view.labels.items())
        cells = [
            view.outlet,
            str(len(view.articles)),
            _voice_text(ctx, view),
            ", ".join(view.sides_heard) or "none",
            ", ".join(view.sides_missing) or "none",
            labels,
        ]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return [*lines, "", *_md_coverage(ctx), *_md_conflicts(ctx)]


def _voice_text(ctx: _Context, view: OutletView) -> str:
    return ", ".join(f"{ctx.name(v.entity)} ({v.quotes}, {v.words})" for v in view.voice_details)


#: How many facts not every outlet reports a report lists (the export has them all).
COVERAGE_ROWS = 15
_KIND_ORDER = {"event": 0, "figure": 1, "quote": 2}


def uneven_facts(report: StoryReport) -> list[Fact]:
    """The facts some of the story's outlets report and others leave out, events first."""
    uneven = [f for f in report.coverage if f.missing and f.outlets]
    uneven.sort(key=lambda f: (_KIND_ORDER.get(f.kind, 9), f.date or "", f.text))
    return uneven[:COVERAGE_ROWS]


def _md_coverage(ctx: _Context) -> list[str]:
    facts = uneven_facts(ctx.report)
    if not facts:
        return []
    lines = [
        "#### Who reports what",
        "",
        "| Fact | Date | Reported by | Not by |",
        "| --- | --- | --- | --- |",
    ]
    for fact in facts:
        cells = [fact.text, fact.date or "", ", ".join(fact.outlets), ", ".join(fact.missing)]
        lines.append(
            "| " + " | ".join(md_escape(c) for c in cells[:-1]) + f" {_md_cite(ctx, fact.sources)}"
            f" | {md_escape(cells[-1])} |"
        )
    return [*lines, ""]


def _md_conflicts(ctx: _Context) -> list[str]:
    if not ctx.report.conflicts:
        return []
    lines = ["#### Where outlets disagree", ""]
    for conflict in ctx.report.conflicts:
        claims = "; ".join(
            f"{md_escape(c.outlet)}: {md_escape(c.value)} {_md_cite(ctx, [c.source])}"
            for c in conflict.claims
        )
        lines.append(f"- {conflict.kind}, {md_escape(conflict.about)}: {claims}")
    return [*lines, ""]


# --------------------------------------------------------------------------- HTML


def esc(text: str | None) -> str:
    """Untrusted text as HTML text or attribute value."""
    return html.escape(text or "", quote=True)


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #333}h2{margin-top:2em;color:#444}
section.story{border-top:1px solid #bbb;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}.cite{font-size:80%;color:#06c;text-decoration:none}
.dates{color:#666}.copy{color:#999}ol.summary li{margin-bottom:.4em}
""".strip()


def html_report(corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None) -> str:
    """The whole corpus as one self-contained HTML page (inline CSS, no scripts, no links out)."""
    reports = story_reports(corpus, settings, embedder)
    body: list[str] = ["<h1>Storyline report</h1>"]
    if not reports:
        body.append("<p>No stories.</p>")
    for thread, members in _by_thread(corpus, reports):
        if thread is not None:
            body.append(f"<h2>Thread: {esc(thread_summary(corpus, thread))}</h2>")
            links = thread_link_lines(thread, thread_stories(corpus, thread))
            if links:
                items = "".join(f"<li>{esc(line)}</li>" for line in links)
                body.append(f'<ul class="links">{items}</ul>')
            body.append(_html_thread_summary(corpus, thread, settings, embedder))
        body += [_html_story(_Context(corpus, report)) for report in members]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Storyline report</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _html_story(ctx: _Context) -> str:
    story = ctx.report.story
    parts = [
        f'<section class="story" id="story-{esc(story.id)}">',
        f"<h3>{esc(story.title)}</h3>",
        f'<p class="dates">{esc(story.date_label())}</p>',
        f'<p class="description">{esc(story.description)}</p>',
    ]
    for section in (_html_articles, _html_summary, _html_timeline, _html_cast):
        parts.append(section(ctx))
    parts += [_html_quotes(ctx), _html_outlets(ctx), "</section>"]
    return "\n".join(p for p in parts if p)


def _anchor(ctx: _Context, article_id: str) -> str:
    return esc(f"{ctx.report.story.id}-{article_id}")


def _html_cite(ctx: _Context, refs: Iterable[Ref]) -> str:
    return " ".join(
        f'<a class="cite" href="#{_anchor(ctx, r.article)}" title="{esc(ctx.span_text(r))}">'
        f"[{esc(ctx.marker(r))}]</a>"
        for r in refs
    )


def _html_articles(ctx: _Context) -> str:
    items = []
    for article in ctx.report.articles:
        copy = ctx.corpus.duplicate_of.get(article.id)
        note = (
            f' <span class="copy">(copy of {esc(ctx.markers.get(copy, copy))})</span>'
            if copy
            else ""
        )
        items.append(
            f'<li id="{_anchor(ctx, article.id)}">[{esc(ctx.markers[article.id])}] '
            f'{esc(article.title or "(untitled)")} <span class="dates">'
            f"{esc(_published(article))}</span>{note}</li>"
        )
    return "<h4>Articles</h4><ul>" + "".join(items) + "</ul>"


def _html_summary(ctx: _Context) -> str:
    if not ctx.report.summary:
        return ""
    items = "".join(_html_summary_item(ctx, s) for s in ctx.report.summary)
    return f'<h4>Summary</h4><ol class="summary">{items}</ol>'


def _html_summary_item(ctx: _Context, sentence: SummarySentence) -> str:
    return f"<li>{esc(sentence.sentence)} {_html_cite(ctx, sentence.sources)}</li>"


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A table of cells that are ALREADY escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_timeline(ctx: _Context) -> str:
    if not ctx.report.timeline:
        return ""
    rows = [
        [esc(e.shown_date()), esc(e.text), _html_cite(ctx, e.sources)] for e in ctx.report.timeline
    ]
    return "<h4>Timeline</h4>" + _html_table(["Date", "Event", "Sources"], rows)


def _html_cast(ctx: _Context) -> str:
    if not ctx.report.cast:
        return ""
    rows = [
        [
            esc(m.name),
            esc(m.type),
            esc(", ".join(a for a in m.aliases if a != m.name)),
            str(len(m.articles)),
        ]
        for m in ctx.report.cast
    ]
    return "<h4>Cast</h4>" + _html_table(["Name", "Type", "Also written", "Articles"], rows)


def _html_quotes(ctx: _Context) -> str:
    """Each utterance with its renderings side by side, one column per outlet."""
    if not ctx.report.quote_groups:
        return ""
    parts = ["<h4>Quotes</h4>"]
    for group in ctx.report.quote_groups:
        speaker = group.speaker_name or ctx.name(group.speaker_entity)
        headers = [ctx.marker(r) for r in group.quotes]
        cells = [esc(ctx.span_text(r)) for r in group.quotes]
        parts.append(f"<p><strong>{esc(speaker)}</strong></p>" + _html_table(headers, [cells]))
    return "".join(parts)


def _html_outlets(ctx: _Context) -> str:
    rows = []
    for view in ctx.report.outlets:
        labels = "<br>".join(
            f"<strong>{esc(ctx.name(e))}</strong>: {esc('; '.join(p))}"
            for e, p in view.labels.items()
        )
        rows.append(
            [
                esc(view.outlet),
                str(len(view.articles)),
                esc(_voice_text(ctx, view)),
                esc(", ".join(view.sides_heard) or "none"),
                esc(", ".join(view.sides_missing) or "none"),
                labels,
            ]
        )
    headers = [
        "Outlet",
        "Articles",
        "Voices (quotes, words)",
        "Sides heard",
        "Sides not heard",
        "Calls them",
    ]
    return (
        "<h4>Outlets</h4>" + _html_table(headers, rows) + _html_coverage(ctx) + _html_conflicts(ctx)
    )


def _html_coverage(ctx: _Context) -> str:
    facts = uneven_facts(ctx.report)
    if not facts:
        return ""
    rows = [
        [
            f"{esc(f.text)} {_html_cite(ctx, f.sources)}",
            esc(f.date or ""),
            esc(", ".join(f.outlets)),
            esc(", ".join(f.missing)),
        ]
        for f in facts
    ]
    return "<h4>Who reports what</h4>" + _html_table(
        ["Fact", "Date", "Reported by", "Not by"], rows
    )


def _html_conflicts(ctx: _Context) -> str:
    if not ctx.report.conflicts:
        return ""
    items = "".join(
        f"<li>{esc(c.kind)}, {esc(c.about)}: "
        + "; ".join(
            f"{esc(x.outlet)}: {esc(x.value)} {_html_cite(ctx, [x.source])}" for x in c.claims
        )
        + "</li>"
        for c in ctx.report.conflicts
    )
    return f"<h4>Where outlets disagree</h4><ul>{items}</ul>"
