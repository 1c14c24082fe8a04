"""Per-article annotation: the stages in order, and one batch through them with the
per-article failure boundary (an article a stage fails on is set aside with its reason)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storyline.errors import StorylineError
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings
from storyline.stage import ArticleStage, check_provided

#: Called once per article handled (stored, already known, or failed), for progress bars.
ProgressCallback = Callable[[str], None]


def article_stages(settings: Settings) -> list[ArticleStage]:
    """Per-article annotation, in order: parse, quotes, time expressions, embedding."""
    from storyline.annotate.embed import EmbedStage
    from storyline.annotate.nlp import NlpStage
    from storyline.annotate.quotes.stage import QuoteStage
    from storyline.annotate.timex.finder import TimexStage

    return [
        NlpStage(batch_size=settings.pipeline.batch_size),
        QuoteStage(settings.quotes),
        TimexStage(),
        EmbedStage(settings.embed),
    ]


def annotate(
    articles: Sequence[Article],
    stages: Sequence[ArticleStage],
    failures: list[ReadFailure],
    progress: ProgressCallback | None = None,
) -> list[Document]:
    """Run the per-article stages over a batch; an article a stage fails on is set aside.

    The batch runs as one (models are fastest on batches); if a stage fails, the batch is
    retried article by article so that only the bad article is lost, with its reason. Any
    exception counts here, third-party ones included: this is the per-article failure boundary.
    """
    try:
        documents = _run_article_stages([Document(a) for a in articles], stages)
    except Exception:
        documents = []
        for article in articles:
            try:
                documents += _run_article_stages([Document(article)], stages)
            except Exception as exc:
                reason = (
                    str(exc) if isinstance(exc, StorylineError) else f"{type(exc).__name__}: {exc}"
                )
                failures.append(ReadFailure(article.source, f"analysis failed: {reason}"))
    for document in documents:
        document.parse = None  # the spaCy Doc is large and only needed inside the batch
        if progress:
            progress(document.article.source)
    return documents


def _run_article_stages(
    documents: list[Document], stages: Sequence[ArticleStage]
) -> list[Document]:
    for stage in stages:
        documents = stage(documents)
        check_provided(stage, documents)
    return documents
