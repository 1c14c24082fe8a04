"""The articles a report reads, and what it calls them: a story's documents in order, a
thread's stories, an article's outlet, the sentence embedder used when none is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.records import Article, Corpus, Document, Story, Thread

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "UNKNOWN_OUTLET",
    "article_key",
    "embedder_or_default",
    "outlet_name",
    "story_documents",
    "thread_link_lines",
    "thread_stories",
]

#: What an article with no outlet is shown as.
UNKNOWN_OUTLET = "unknown"


def thread_stories(corpus: Corpus, thread: Thread) -> list[Story]:
    """The thread's stories, in the thread's (time) order."""
    return [found for s in thread.stories if (found := corpus.story(s)) is not None]


def thread_link_lines(thread: Thread, stories: Sequence[Story]) -> list[str]:
    """One line per link of the thread: which story continues which, and why.

    ``"2006-02-09 Putin to invite Hamas to Moscow → 2006-03-03 Hamas in Moscow: shares ..."``
    """
    by_id = {s.id: s for s in stories}

    def label(story_id: str) -> str:
        story = by_id.get(story_id)
        return f"{story.date_label()} {story.title}" if story else story_id

    return [f"{label(k.earlier)} → {label(k.later)}: {k.reason}" for k in thread.links]


def story_documents(corpus: Corpus, story: Story) -> list[Document]:
    """The story's documents, oldest first (undated last), ties broken by id."""
    return sorted(
        (corpus.document(a) for a in story.articles), key=lambda d: article_key(d.article)
    )


def article_key(article: Article) -> tuple[dt.date, str]:
    return (article.published.date if article.published else dt.date.max, article.id)


def outlet_name(article: Article) -> str:
    return article.outlet or UNKNOWN_OUTLET


def embedder_or_default(embedder: Embedder | None) -> Embedder:
    """``embedder``, else the packaged sentence model (loaded on first use)."""
    if embedder is not None:
        return embedder
    from storyline.annotate.embed import report_embedder

    return report_embedder()
