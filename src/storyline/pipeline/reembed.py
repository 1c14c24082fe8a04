"""Embeddings made by another model, made again before any grouping compares them.

Each stored article records the model that made its embedding (``None``: stored before
models were recorded, when all-MiniLM-L6-v2 made them). Vectors of two models cannot be
compared: their dimensions differ, and where they did not, their spaces would. So before the
cross-article stages run, every article embedded otherwise is embedded again from its stored
text by the embed stage, a batch at a time (what it holds stays bounded in a large store);
the store then marks its story profiles stale, so the next regrouping is a whole one.
"""

from __future__ import annotations

from storyline.pipeline.annotate import ProgressCallback
from storyline.records import Document
from storyline.settings import Settings
from storyline.store.store import Store


def reembed(store: Store, settings: Settings, progress: ProgressCallback | None = None) -> int:
    """Embed again every stored article the current model did not embed, and store the new
    vectors with the model's name; returns how many were. ``progress`` is called with each
    one's source. Nothing to do costs two counts."""
    from storyline.annotate.embed import EMBEDDING_MODEL, EmbedStage

    if not store.count_embedded_otherwise(EMBEDDING_MODEL):
        return 0
    stage = EmbedStage(settings.embed)
    done, after = 0, ""
    while articles := store.embedded_otherwise(
        EMBEDDING_MODEL, after, settings.pipeline.batch_size
    ):
        documents = stage([Document(a) for a in articles])
        store.replace_embeddings(
            {d.article.id: d.embedding for d in documents if d.embedding is not None},
            EMBEDDING_MODEL,
        )
        done += len(documents)
        after = articles[-1].id
        if progress:
            for article in articles:
                progress(article.source)
    return done
