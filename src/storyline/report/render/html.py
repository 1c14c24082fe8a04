"""The HTML report: one self-contained page (inline CSS, no scripts, no links out) with the
Markdown report's sections, quote renderings side by side.

Article text is untrusted: every piece of it goes through :func:`esc` (:func:`html.escape`).
Rendering is plain string building (no template engine) so the escaping stays visible and
reviewable in one place.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

from storyline.records import Corpus, Ref, Thread
from storyline.report.articles import thread_link_lines, thread_stories
from storyline.report.render.context import (
    StoryContext,
    by_thread,
    cited_thread_summary,
)
from storyline.report.render.lists import shown_facts
from storyline.report.story import membership_lines, story_reports, thread_summary
from storyline.report.summary import SummarySentence
from storyline.report.timeline import BACKGROUND_HEADING
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder
    from storyline.group.membership import MembershipBasis

__all__ = ["esc", "html_report"]


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
.dates,.language,.languages{color:#666}.copy{color:#999}ol.summary li{margin-bottom:.4em}
""".strip()


def html_report(
    corpus: Corpus,
    settings: SummarySettings,
    embedder: Embedder | None = None,
    basis: MembershipBasis | None = None,
) -> str:
    """The whole corpus as one self-contained HTML page (inline CSS, no scripts, no links out)."""
    reports = story_reports(corpus, settings, embedder, basis)
    body: list[str] = ["<h1>Storyline report</h1>"]
    if not reports:
        body.append("<p>No stories.</p>")
    for thread, members in by_thread(corpus, reports):
        if thread is not None:
            body.append(f"<h2>Thread: {esc(thread_summary(corpus, thread))}</h2>")
            links = thread_link_lines(thread, thread_stories(corpus, thread))
            if links:
                items = "".join(f"<li>{esc(line)}</li>" for line in links)
                body.append(f'<ul class="links">{items}</ul>')
            body.append(_html_thread_summary(corpus, thread, settings, embedder))
        body += [_html_story(StoryContext(corpus, report)) for report in members]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Storyline report</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _html_thread_summary(
    corpus: Corpus, thread: Thread, settings: SummarySettings, embedder: Embedder | None
) -> str:
    summary, markers = cited_thread_summary(corpus, thread, settings, embedder)
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


def _html_story(ctx: StoryContext) -> str:
    story = ctx.report.story
    parts = [
        f'<section class="story" id="story-{esc(story.id)}">',
        f"<h3>{esc(story.title)}</h3>",
        f'<p class="dates">{esc(story.date_label())}</p>',
        (
            f'<p class="languages">Languages: {esc(", ".join(ctx.report.languages()))}</p>'
            if ctx.report.mixes_languages()
            else ""
        ),
        f'<p class="description">{esc(story.description)}</p>',
    ]
    for section in (
        _html_articles,
        _html_membership,
        _html_summary,
        _html_timeline,
        _html_background,
        _html_cast,
    ):
        parts.append(section(ctx))
    parts += [_html_quotes(ctx), _html_outlets(ctx), "</section>"]
    return "\n".join(p for p in parts if p)


def _anchor(ctx: StoryContext, article_id: str) -> str:
    return esc(f"{ctx.report.story.id}-{article_id}")


def _html_cite(ctx: StoryContext, refs: Iterable[Ref]) -> str:
    return " ".join(
        f'<a class="cite" href="#{_anchor(ctx, r.article)}" title="{esc(ctx.span_text(r))}">'
        f"[{esc(ctx.marker(r))}]</a>"
        for r in refs
    )


def _html_articles(ctx: StoryContext) -> str:
    items = []
    for article in ctx.report.articles:
        copy = ctx.corpus.duplicate_of.get(article.id)
        note = (
            f' <span class="copy">(copy of {esc(ctx.markers.get(copy, copy))})</span>'
            if copy
            else ""
        )
        language = ctx.report.language_of(article)
        shown = f' <span class="language">{esc(language)}</span>' if language else ""
        items.append(
            f'<li id="{_anchor(ctx, article.id)}">[{esc(ctx.markers[article.id])}] '
            f'{esc(article.title or "(untitled)")} <span class="dates">'
            f"{esc(ctx.published(article))}</span>{shown}{note}</li>"
        )
    return "<h4>Articles</h4><ul>" + "".join(items) + "</ul>"


def _html_membership(ctx: StoryContext) -> str:
    lines = membership_lines(ctx.report, ctx.markers)
    if not lines:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f'<h4>Why these articles are one story</h4><ul class="membership">{items}</ul>'


def _html_summary(ctx: StoryContext) -> str:
    if not ctx.report.summary:
        return ""
    items = "".join(_html_summary_item(ctx, s) for s in ctx.report.summary)
    return f'<h4>Summary</h4><ol class="summary">{items}</ol>'


def _html_summary_item(ctx: StoryContext, sentence: SummarySentence) -> str:
    return f"<li>{esc(sentence.sentence)} {_html_cite(ctx, sentence.sources)}</li>"


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A table of cells that are ALREADY escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_timeline(ctx: StoryContext) -> str:
    if not ctx.report.timeline:
        return ""
    rows = [
        [esc(e.shown_date()), esc(e.text), _html_cite(ctx, e.sources)] for e in ctx.report.timeline
    ]
    return "<h4>Timeline</h4>" + _html_table(["Date", "Event", "Sources"], rows)


def _html_background(ctx: StoryContext) -> str:
    if not ctx.report.background:
        return ""
    rows = [
        [esc(e.shown_date()), esc(e.text), _html_cite(ctx, e.sources)]
        for e in ctx.report.background
    ]
    return f"<h4>{esc(BACKGROUND_HEADING)}</h4>" + _html_table(["Date", "Said", "Sources"], rows)


def _html_cast(ctx: StoryContext) -> str:
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


def _html_quotes(ctx: StoryContext) -> str:
    """Each speaker once, then each of their utterances with its renderings side by side, one
    column per outlet."""
    if not ctx.report.quote_groups:
        return ""
    parts = ["<h4>Quotes</h4>"]
    for heading in ctx.report.quotes_by_speaker():
        parts.append(f"<p><strong>{esc(heading.name)}</strong></p>")
        for group in heading.groups:
            headers = [ctx.marker(r) for r in group.quotes]
            cells = [esc(ctx.said(r)) for r in group.quotes]
            parts.append(_html_table(headers, [cells]))
    return "".join(parts)


def _html_outlets(ctx: StoryContext) -> str:
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
                esc(ctx.voices(view)),
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


def _html_coverage(ctx: StoryContext) -> str:
    facts = shown_facts(ctx.report)
    if not facts.total:
        return ""
    rows = [
        [
            f"{esc(f.text)} {_html_cite(ctx, f.sources)}",
            esc(f.date or ""),
            esc(", ".join(f.outlets)),
            esc(", ".join(f.missing)),
        ]
        for f in facts.shown
    ]
    more = f"<p>{facts.more_note()}</p>" if facts.more else ""
    heading = f"<h4>Reported by some outlets only ({facts.total})</h4>"
    return heading + _html_table(["Fact", "Date", "Reported by", "Not by"], rows) + more


def _html_conflicts(ctx: StoryContext) -> str:
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
