"""The sentences of a story, embedded once (:class:`SentencePool`), and what makes one a
statement worth showing: the timeline, the summary, the coverage and the conflicts all read
the one pool."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from storyline.annotate.labels import normalise_space
from storyline.records import Document, Ref, Span
from storyline.report.figures import Figure, figures_in

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = ["SentencePool", "aligned", "is_statement", "is_summary_candidate"]

_TERMINAL = re.compile(r"[.!?][\"'”’)]*$")


def is_statement(text: str, min_words: int) -> bool:
    """A full sentence, not a headline, caption or dateline: long enough and punctuated."""
    return len(text.split()) >= min_words and bool(_TERMINAL.search(text))


@dataclass(frozen=True)
class SentencePool:
    """The sentences of a story's (non-duplicate) articles, in reading order, embedded once.

    ``order`` gives each sentence's article rank (by date, then id) so summaries read in time.
    """

    refs: tuple[Ref, ...]
    texts: tuple[str, ...]
    order: tuple[int, ...]
    vectors: np.ndarray

    @classmethod
    def build(cls, documents: Sequence[Document], embedder: Embedder) -> SentencePool:
        refs, texts, order = [], [], []
        for rank, document in enumerate(documents):
            for span in _line_pieces(document.article.text, document.sentences or []):
                refs.append(Ref(document.article.id, span.start, span.end))
                texts.append(normalise_space(span.of(document.article.text)))
                order.append(rank)
        vectors = embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        return cls(tuple(refs), tuple(texts), tuple(order), np.asarray(vectors, dtype=np.float32))

    @cached_property
    def figures(self) -> list[list[Figure]]:
        """The counts each sentence states (computed once: coverage and conflicts read them)."""
        return [figures_in(text) for text in self.texts]

    def time_values(self, documents: Sequence[Document]) -> dict[int, list[str]]:
        """Sentence → the resolved values of the time expressions that begin in it."""
        timex = {d.article.id: [t for t in d.timex or [] if t.value] for d in documents}
        found: dict[int, list[str]] = {}
        for i, ref in enumerate(self.refs):
            values = [
                t.value
                for t in timex.get(ref.article, [])
                if t.value and ref.start <= t.span.start < ref.end
            ]
            if values:
                found[i] = values
        return found

    def index_of(self, article: str, span: Span) -> int | None:
        """The sentence of ``article`` that contains the start of ``span``."""
        for i, ref in enumerate(self.refs):
            if ref.article == article and ref.start <= span.start < ref.end:
                return i
        return None


def _line_pieces(text: str, sentences: Iterable[Span]) -> Iterator[Span]:
    """Sentences cut at line breaks, trimmed, empty pieces dropped.

    spaCy's parser runs sentences across paragraph breaks and through headings and captions
    ("... what's going on here?" Hamas funding On Thursday, ..."); in news text a line break
    inside a sentence is much rarer than a heading glued to one, so lines are cut apart.
    """
    for sentence in sentences:
        for piece in re.finditer(r"[^\n]+", sentence.of(text)):
            stripped = piece.group().strip()
            if stripped:
                start = sentence.start + piece.start() + piece.group().index(stripped)
                yield Span(start, start + len(stripped))


_PAIRED_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”")
#: An unpaired quote mark after punctuation closes a quote begun in an earlier sentence.
_CLOSING_QUOTE = re.compile(r"[,.?!]\s*[\"”]")


def is_summary_candidate(text: str, min_words: int) -> bool:
    """A statement whose words are mostly the reporter's own, not a quote with "he said".

    Quotes belong to quote groups; a summary made of them would put words in the outlets'
    mouths. Quote marks are found by pattern (an unclosed one runs to the end of the sentence,
    as in multi-paragraph quotes), so this works before the quote stage has run.
    """
    own_words = len(_outside_quotes(text).split())
    return is_statement(text, min_words) and own_words >= max(min_words // 2, len(text.split()) / 2)


def _outside_quotes(text: str) -> str:
    """The words of a sentence outside quotation marks.

    A quote mark left unpaired either closes a quote opened in an earlier sentence (after
    punctuation: 'people," the Russian leader said') or opens one that runs on.
    """
    text = _PAIRED_QUOTES.sub(" ", text)
    closing = _CLOSING_QUOTE.search(text)
    if closing:
        return text[closing.end() :]
    opening = re.search(r"[\"“]", text)
    return text[: opening.start()] if opening else text


def aligned(pool: SentencePool, index: int, keys: dict[str, str], threshold: float) -> list[int]:
    """The closest sentence of each other source at ``threshold`` or above, closest first."""
    similarity = pool.vectors @ pool.vectors[index]
    own = keys[pool.refs[index].article]
    best: dict[str, int] = {}
    for other in np.flatnonzero(similarity >= threshold):
        source = keys.get(pool.refs[other].article)
        if source is None or source == own:
            continue
        if source not in best or similarity[other] > similarity[best[source]]:
            best[source] = int(other)
    return sorted(best.values(), key=lambda j: -similarity[j])
