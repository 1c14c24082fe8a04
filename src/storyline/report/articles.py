"""The articles a report reads, and what it calls them: a story's documents in order, a
thread's stories, an article's outlet, the language a report reads, the sentence embedder
used when none is given."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.records import Article, Corpus, Document, Story, Thread

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "UNKNOWN_OUTLET",
    "article_key",
    "embedder_or_default",
    "in_language",
    "main_language",
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


def main_language(documents: Sequence[Document]) -> str | None:
    """The language most of ``documents`` are in (English on a tie: the language the reports'
    sentence model reads), or None when they are in fewer than two known languages.

    A report reads in one language: sentences of an article in another are neither summed up
    nor compared (the sentence model reads English, and an article the English-only stages do
    not read has its paragraphs for sentences), so the report says nothing about what such an
    article leaves out either."""
    counts = Counter(d.article.language for d in documents if d.article.language)
    if len(counts) < 2:
        return None
    return max(sorted(counts), key=lambda language: (counts[language], language == "en"))


def in_language(document: Document, language: str | None) -> bool:
    """Whether a report in ``language`` (None: any) reads ``document``'s sentences."""
    return language is None or document.article.language in (language, None)


def embedder_or_default(embedder: Embedder | None) -> Embedder:
    """``embedder``, else the packaged sentence model (loaded on first use)."""
    if embedder is not None:
        return embedder
    from storyline.annotate.embed import report_embedder

    return report_embedder()
