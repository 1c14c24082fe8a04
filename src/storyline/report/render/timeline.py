"""A timeline of many articles (``storyline timeline``) as one JSON line, plain text,
Markdown or a self-contained HTML page.

Article text is untrusted: Markdown goes through :func:`md_escape`, HTML through :func:`esc`.
"""

from __future__ import annotations

import json
from typing import Any

from storyline.dates import counted
from storyline.errors import ConfigError
from storyline.records import Article
from storyline.report.articles import outlet_name
from storyline.report.render.html import esc
from storyline.report.render.markdown import md_escape
from storyline.report.render.rows import ref_rows
from storyline.report.render.text import hanging
from storyline.report.topic_timeline import TimelineDate, TimelineSentence, TopicTimeline

__all__ = [
    "TIMELINE_FORMATS",
    "day_note",
    "timeline_as",
    "timeline_html",
    "timeline_markdown",
    "timeline_row",
    "timeline_text",
]

#: What ``storyline timeline --format`` accepts.
TIMELINE_FORMATS = ("text", "jsonl", "md", "html")


def timeline_as(timeline: TopicTimeline, format: str, width: int | None = None) -> str:
    """The timeline in one of :data:`TIMELINE_FORMATS`, as ``storyline timeline`` writes it
    (``text`` wrapped to ``width``, if given)."""
    if format == "jsonl":
        return json.dumps(timeline_row(timeline), ensure_ascii=False) + "\n"
    if format == "md":
        return timeline_markdown(timeline)
    if format == "html":
        return timeline_html(timeline)
    if format == "text":
        return timeline_text(timeline, width)
    raise ConfigError(f"unknown timeline format {format!r} (known: {', '.join(TIMELINE_FORMATS)})")


def timeline_row(timeline: TopicTimeline) -> dict[str, Any]:
    """The timeline as one JSON object (``--format jsonl`` writes it as one line): each date
    with its sentences and their source spans, then what was asked and the cited articles."""
    return {
        "timeline": [
            {
                "date": day.date,
                "sentences": [
                    {"text": s.text, "sources": ref_rows(s.sources)} for s in day.sentences
                ],
                "published": day.published,
                "named": day.named,
            }
            for day in timeline.dates
        ],
        "scope": timeline.scope,
        "since": timeline.since,
        "until": timeline.until,
        "articles": timeline.articles,
        "not_to_the_day": timeline.not_to_the_day,
        "dates": timeline.wanted_dates,
        "sentences": timeline.wanted_sentences,
        "sources": [
            {
                "article": a.id,
                "outlet": a.outlet,
                "title": a.title,
                "published": a.published.iso() if a.published else None,
                "url": a.url,
            }
            for a in timeline.cited
        ],
    }


def heading(timeline: TopicTimeline) -> str:
    """'Timeline of the whole store, 2010-04-20 to 2010-09-19: 48 dates from 1,261 articles'."""
    span = ""
    if timeline.since or timeline.until:
        span = f", {timeline.since or 'the start'} to {timeline.until or 'the end'}"
    rough = timeline.not_to_the_day
    return (
        f"Timeline of {timeline.scope}{span}: {counted(len(timeline.dates), 'date')} "
        f"from {counted(timeline.articles, 'article')}"
        + (f" ({rough:,} dated only to the month or year)" if rough else "")
    )


def _markers(timeline: TopicTimeline) -> dict[str, int]:
    return {a.id: n for n, a in enumerate(timeline.cited, start=1)}


def day_note(day: TimelineDate) -> str:
    """Why a date was chosen: "3 out that day, named in 5"."""
    return f"{day.published} out that day, named in {day.named}"


def _source_line(article: Article) -> str:
    date = article.published.iso() if article.published else "undated"
    title = article.title or "(untitled)"
    return f"{outlet_name(article)}, {date}: {title} ({article.id})"


def timeline_text(timeline: TopicTimeline, width: int | None = None) -> str:
    """Plain text for a terminal, each entry wrapped to ``width`` with its continuation lines
    under its text (None: one line each); the caller prints it without interpreting markup."""
    markers = _markers(timeline)
    lines = [*hanging("", heading(timeline), width), ""]
    if not timeline.dates:
        lines.append("No dated sentences in this range.")
    for day in timeline.dates:
        lines.append(f"{day.date}  ({day_note(day)})")
        for sentence in day.sentences:
            lines += hanging("  - ", f"{sentence.text} {_text_cites(sentence, markers)}", width)
        lines.append("")
    if timeline.cited:
        lines.append("Sources")
        for a in timeline.cited:
            number = markers[a.id]
            lines += hanging(f"  [{number}] ", _source_line(a), width)
    return "\n".join(lines).rstrip() + "\n"


def _text_cites(sentence: TimelineSentence, markers: dict[str, int]) -> str:
    return "".join(f"[{markers[a]}]" for a in sentence.articles)


def timeline_markdown(timeline: TopicTimeline) -> str:
    markers = _markers(timeline)
    lines = [f"# {md_escape(heading(timeline))}", ""]
    if not timeline.dates:
        lines += ["No dated sentences in this range.", ""]
    for day in timeline.dates:
        lines += [f"## {day.date}", "", f"*{day_note(day)}*", ""]
        for sentence in day.sentences:
            cites = " ".join(f"\\[{markers[a]}\\]" for a in sentence.articles)
            lines.append(f"- {md_escape(sentence.text)} {cites}")
        lines.append("")
    if timeline.cited:
        lines += ["## Sources", ""]
        lines += [f"- {md_escape(f'[{markers[a.id]}] {_source_line(a)}')}" for a in timeline.cited]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #333;font-size:1.4em}h2{margin:1.5em 0 .2em;font-size:1.1em}
.note{color:#666;font-size:90%}.cite{font-size:80%;color:#06c;text-decoration:none}
ol.sources{font-size:90%;color:#444}
""".strip()


def timeline_html(timeline: TopicTimeline) -> str:
    """A self-contained page (inline CSS, no scripts, nothing loaded from elsewhere)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(heading(timeline))}</title><style>{_CSS}</style></head><body>"
        f"{_html_body(timeline)}</body></html>\n"
    )


def _html_body(timeline: TopicTimeline) -> str:
    """The page's content (the web UI's page is its template, ``timeline.html``)."""
    markers = _markers(timeline)
    parts = [f"<h1>{esc(heading(timeline))}</h1>"]
    if not timeline.dates:
        parts.append("<p>No dated sentences in this range.</p>")
    for day in timeline.dates:
        parts.append(
            f'<h2 id="d{day.date}">{day.date}</h2><p class="note">{esc(day_note(day))}</p><ul>'
        )
        for sentence in day.sentences:
            cites = "".join(
                f'<a class="cite" href="#s{markers[a]}">[{markers[a]}]</a>'
                for a in sentence.articles
            )
            parts.append(f"<li>{esc(sentence.text)} {cites}</li>")
        parts.append("</ul>")
    if timeline.cited:
        parts.append('<h2>Sources</h2><ol class="sources">')
        for article in timeline.cited:
            number = markers[article.id]
            parts.append(f'<li id="s{number}">{esc(f"[{number}] {_source_line(article)}")}</li>')
        parts.append("</ol>")
    return "".join(parts)
