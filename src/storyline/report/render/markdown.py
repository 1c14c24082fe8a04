"""The Markdown report: per thread and story, the summary with citations, timeline, cast,
quote groups and the outlet comparison.

Article text is untrusted: every piece of it goes through :func:`md_escape`. Rendering is
plain string building (no template engine) so the escaping stays visible and reviewable in
one place.
"""

from __future__ import annotations

import html
import re
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
from storyline.report.timeline import BACKGROUND_HEADING
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder
    from storyline.group.membership import MembershipBasis

__all__ = ["markdown_report", "md_escape"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!|~#])")


def md_escape(text: str) -> str:
    """Untrusted text as inert Markdown: one line, no HTML, no links, no emphasis.

    ``<``, ``>`` and ``&`` become entities (a Markdown renderer passes raw HTML through);
    the characters of link, image, emphasis, code and table syntax are backslash-escaped.
    """
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def markdown_report(
    corpus: Corpus,
    settings: SummarySettings,
    embedder: Embedder | None = None,
    basis: MembershipBasis | None = None,
) -> str:
    """The whole corpus as a Markdown report: threads, then their stories."""
    reports = story_reports(corpus, settings, embedder, basis)
    lines = ["# Storyline report", ""]
    if not reports:
        lines += ["No stories.", ""]
    for thread, members in by_thread(corpus, reports):
        if thread is not None:
            lines += [f"## Thread: {md_escape(thread_summary(corpus, thread))}", ""]
            links = thread_link_lines(thread, thread_stories(corpus, thread))
            lines += [*(f"- {md_escape(line)}" for line in links), ""] if links else []
            lines += _md_thread_summary(corpus, thread, settings, embedder)
        for report in members:
            lines += _md_story(StoryContext(corpus, report))
    return "\n".join(lines).rstrip() + "\n"


def _md_thread_summary(
    corpus: Corpus, thread: Thread, settings: SummarySettings, embedder: Embedder | None
) -> list[str]:
    summary, markers = cited_thread_summary(corpus, thread, settings, embedder)
    if len(thread.stories) < 2 or not summary:
        return []
    lines = ["### What happened, across the thread", ""]
    for sentence in summary:
        cites = " ".join(
            f"\\[{md_escape(markers.get(r.article, r.article))}\\]" for r in sentence.sources
        )
        lines.append(f"1. {md_escape(sentence.sentence)} {cites}")
    return [*lines, ""]


def _md_story(ctx: StoryContext) -> list[str]:
    story = ctx.report.story
    lines = [f"### {md_escape(story.title)}", "", f"*{md_escape(story.date_label())}*", ""]
    if ctx.report.mixes_languages():
        lines += [f"Languages: {md_escape(', '.join(ctx.report.languages()))}", ""]
    lines += [md_escape(story.description), ""]
    for section in (
        _md_articles,
        _md_membership,
        _md_summary,
        _md_timeline,
        _md_background,
        _md_cast,
        _md_quotes,
        _md_outlets,
    ):
        lines += section(ctx)
    return lines


def _md_articles(ctx: StoryContext) -> list[str]:
    lines = ["#### Articles", ""]
    for article in ctx.report.articles:
        copy = ctx.corpus.duplicate_of.get(article.id)
        note = f" (copy of {md_escape(ctx.markers.get(copy, copy))})" if copy else ""
        language = ctx.report.language_of(article)
        shown = f"{ctx.published(article)}, {language}" if language else ctx.published(article)
        lines.append(
            f"- \\[{md_escape(ctx.markers[article.id])}\\] "
            f"{md_escape(article.title or '(untitled)')}, {md_escape(shown)}{note}"
        )
    return [*lines, ""]


def _md_membership(ctx: StoryContext) -> list[str]:
    lines = membership_lines(ctx.report, ctx.markers)
    if not lines:
        return []
    return ["#### Why these articles are one story", "", *(f"- {md_escape(x)}" for x in lines), ""]


def _md_cite(ctx: StoryContext, refs: Iterable[Ref]) -> str:
    return " ".join(f"\\[{md_escape(ctx.marker(r))}\\]" for r in refs)


def _md_summary(ctx: StoryContext) -> list[str]:
    if not ctx.report.summary:
        return []
    lines = ["#### Summary", ""]
    lines += [f"- {md_escape(s.sentence)} {_md_cite(ctx, s.sources)}" for s in ctx.report.summary]
    return [*lines, ""]


def _md_timeline(ctx: StoryContext) -> list[str]:
    if not ctx.report.timeline:
        return []
    lines = ["#### Timeline", "", "| Date | Event | Sources |", "| --- | --- | --- |"]
    lines += [
        f"| {md_escape(e.shown_date())} | {md_escape(e.text)} | {_md_cite(ctx, e.sources)} |"
        for e in ctx.report.timeline
    ]
    return [*lines, ""]


def _md_background(ctx: StoryContext) -> list[str]:
    if not ctx.report.background:
        return []
    lines = [f"#### {BACKGROUND_HEADING}", "", "| Date | Said | Sources |", "| --- | --- | --- |"]
    lines += [
        f"| {md_escape(e.shown_date())} | {md_escape(e.text)} | {_md_cite(ctx, e.sources)} |"
        for e in ctx.report.background
    ]
    return [*lines, ""]


def _md_cast(ctx: StoryContext) -> list[str]:
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


def _md_quotes(ctx: StoryContext) -> list[str]:
    """One table per speaker, a row per rendering, the utterances numbered in story order."""
    lines: list[str] = ["#### Quotes", ""] if ctx.report.quote_groups else []
    for heading in ctx.report.quotes_by_speaker():
        lines += [f"**{md_escape(heading.name)}**", "", "| # | Outlet | Rendering |"]
        lines.append("| --- | --- | --- |")
        for number, group in enumerate(heading.groups, 1):
            lines += [
                f"| {number if n == 0 else ''} | {md_escape(ctx.marker(r))} "
                f"| {md_escape(ctx.said(r))} |"
                for n, r in enumerate(group.quotes)
            ]
        lines.append("")
    return lines


def _md_outlets(ctx: StoryContext) -> list[str]:
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
            ctx.voices(view),
            ", ".join(view.sides_heard) or "none",
            ", ".join(view.sides_missing) or "none",
            labels,
        ]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return [*lines, "", *_md_coverage(ctx), *_md_conflicts(ctx)]


def _md_coverage(ctx: StoryContext) -> list[str]:
    facts = shown_facts(ctx.report)
    if not facts.total:
        return []
    lines = [
        f"#### Reported by some outlets only ({facts.total})",
        "",
        "| Fact | Date | Reported by | Not by |",
        "| --- | --- | --- | --- |",
    ]
    for fact in facts.shown:
        cells = [fact.text, fact.date or "", ", ".join(fact.outlets), ", ".join(fact.missing)]
        lines.append(
            "| " + " | ".join(md_escape(c) for c in cells[:-1]) + f" {_md_cite(ctx, fact.sources)}"
            f" | {md_escape(cells[-1])} |"
        )
    return [*lines, *(["", facts.more_note()] if facts.more else []), ""]


def _md_conflicts(ctx: StoryContext) -> list[str]:
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
