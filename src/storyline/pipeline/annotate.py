"""Per-article annotation: the stages in order, and one batch through them with the
per-article failure boundary (an article a stage fails on is set aside with its reason).

The stages that declare themselves ``language_bound`` (English models or rules) read only the
articles in the languages their models cover (``annotate.languages``,
:mod:`storyline.annotate.languages`); the others skip them and get the embedding alone, so
this is the one place that decides.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from storyline.annotate.languages import annotated, leave_unannotated
from storyline.errors import StorylineError
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings, default_settings
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
    languages: Collection[str] | None = None,
) -> list[Document]:
    """Run the per-article stages over a batch; an article a stage fails on is set aside.

    The ``language_bound`` stages (English models) read only the articles in ``languages``
    (default: the packaged ``annotate.languages``); the others get empty annotations.

    The batch runs as one (models are fastest on batches); if a stage fails, the batch is
    retried article by article so that only the bad article is lost, with its reason. Any
    exception counts here, third-party ones included: this is the per-article failure boundary.
    """
    if languages is None:
        languages = default_settings().annotate.languages
    try:
        documents = _run_article_stages([Document(a) for a in articles], stages, languages)
    except Exception:
        documents = []
        for article in articles:
            try:
                documents += _run_article_stages([Document(article)], stages, languages)
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
    documents: list[Document], stages: Sequence[ArticleStage], languages: Collection[str]
) -> list[Document]:
    read = []
    for i, document in enumerate(documents):
        if annotated(document.article, languages):
            read.append(i)
        else:
            leave_unannotated(document)
    for stage in stages:
        # The embedding stage is not language bound: its vector is stored and searched for
        # every article, and the model reads 16 languages (story building compares one in a
        # language it does not read by its numbers and names only).
        if not stage.language_bound:
            documents = stage(documents)
            check_provided(stage, documents)
            continue
        given = stage([documents[i] for i in read])
        check_provided(stage, given)
        for i, document in zip(read, given, strict=True):
            documents[i] = document
    return documents
