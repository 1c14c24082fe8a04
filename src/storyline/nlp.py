"""Sentences and entity mentions from spaCy's small English pipeline.

The pipeline runs once over each article's clean body; its ``Doc`` stays on the document as
``parse`` for later stages of the same batch (quotes need the dependency tree) and is never
stored. Offsets are mapped back to the original text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from storyline.records import Document, Mention, Span

#: spaCy labels kept as entity mentions: actors and places, not dates or numbers
#: (those are time expressions and figures, handled by their own stages).
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})


class NlpStage:
    """Provides ``parse`` (spaCy Doc of the body), ``sentences`` and ``mentions``."""

    name: ClassVar[str] = "nlp"
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"parse", "sentences", "mentions"})

    def __init__(self, nlp: Any = None, batch_size: int = 32) -> None:
        self._nlp = nlp
        self._batch_size = batch_size

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from storyline.models import spacy_pipeline

            self._nlp = spacy_pipeline()
        return self._nlp

    def __call__(self, documents: list[Document]) -> list[Document]:
        texts = [d.article.body_text for d in documents]
        for document, parse in zip(
            documents, self.nlp.pipe(texts, batch_size=self._batch_size), strict=True
        ):
            document.parse = parse
            document.sentences = sentences_of(document, parse)
            document.mentions = mentions_of(document, parse)
        return documents


def sentences_of(document: Document, parse: Any) -> list[Span]:
    view = document.article.body_view
    spans = []
    for sentence in parse.sents:
        text = sentence.text.strip()
        if text:
            start = sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
            spans.append(view.to_source(start, start + len(text)))
    return spans


def mentions_of(document: Document, parse: Any) -> list[Mention]:
    view = document.article.body_view
    text = document.article.text
    mentions = []
    for ent in parse.ents:
        if ent.label_ in ENTITY_LABELS and ent.text.strip():
            span = view.to_source(ent.start_char, ent.end_char)
            mentions.append(Mention(span=span, text=span.of(text), type=ent.label_))
    return mentions
