"""What the Markdown and HTML renderings share: a story's citation markers and names, the
order they lay stories out in (under their threads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.annotate.labels import normalise_space
from storyline.records import Article, Corpus, Ref, Thread
from storyline.report.articles import thread_stories
from storyline.report.compare import OutletView
from storyline.report.render.text import citation_markers
from storyline.report.story import StoryReport
from storyline.report.summary import SummarySentence, build_thread_summary
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "StoryContext",
    "by_thread",
    "cited_thread_summary",
]


class StoryContext:
    """What both renderers need for one story: citation markers and names by id."""

    def __init__(self, corpus: Corpus, report: StoryReport) -> None:
        self.corpus = corpus
        self.report = report
        self.markers = citation_markers(report.articles)
        self.names = {m.entity: m.name for m in report.cast}

    def marker(self, ref: Ref) -> str:
        return self.markers.get(ref.article, ref.article)

    def span_text(self, ref: Ref) -> str:
        return normalise_space(self.corpus.document(ref.article).article.text[ref.start : ref.end])

    def said(self, ref: Ref) -> str:
        """What a rendering in the story's quote groups says (the cue left out)."""
        return self.report.quote_texts.get(ref) or self.span_text(ref)

    def name(self, entity_id: str | None) -> str:
        if entity_id in self.names:
            return self.names[entity_id]
        found = self.corpus.entity(entity_id or "")
        return found.name if found else entity_id or "unknown"

    def published(self, article: Article) -> str:
        """When the article came out, as precise as known, or that it is not known."""
        if article.published is None:
            return "date unknown"
        return article.published.iso() + (" (inferred)" if article.published.inferred else "")

    def voices(self, view: OutletView) -> str:
        """The outlet's voices by name, each with its quotes and words."""
        return ", ".join(
            f"{self.name(v.entity)} ({v.quotes}, {v.words})" for v in view.voice_details
        )


def by_thread(
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


def cited_thread_summary(
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
