"""Quote groups: one utterance and all its renderings across outlets.

Outlets translate and trim the same words differently ("We are deeply convinced that burning
bridges ... has little future" / "I am profoundly convinced that burning bridges ... has no
future"). Two quotes render one utterance when the same entity said them and their contents
mean the same: the cosine of their MiniLM embeddings is high, and for short quotes, where
embeddings reward a shared topic more than shared words, their words overlap too. Quotes by
different speakers never share a group; a quote with no resolved speaker joins another only
when the words are nearly identical (a wire copy).

The unit is an utterance, not a quote: a quote broken by its attribution into whole sentences
(``"A," he said. "B."``) or continued over paragraphs is one quote (one speaker, one cue) but
may render two utterances that another outlet quotes apart ("burning bridges" and "preserving
our contacts" in seed 002, two quotes in 000). So each such quote is grouped by its fragments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from storyline.ids import content_id
from storyline.records import Corpus, Quote, QuoteGroup, Ref, Span
from storyline.resolve import EntityLookup, speaker_entity
from storyline.settings import QuoteGroupSettings

if TYPE_CHECKING:
    import numpy as np

    from storyline.embed import Embedder

_QUOTE_MARKS = "\"'“”‘’«»„ \n\t"
#: Where one utterance of a quote ends and the next begins, inside the quote's content: a
#: closing mark, an attribution that ends a sentence and an opening mark ('," he said. "'), or
#: a paragraph break before an opening mark (a quote continued over paragraphs). An
#: attribution ending in a comma (', he said, "that ...') continues the same sentence.
_UTTERANCE_BREAK = re.compile(
    r'["”][^"“”]{0,200}?[.!?:]\s*["“](?=\S)'
    r'|(?:["”][^"“”\n]{0,200}?)?\n\s*\n\s*["“](?=\S)'
)


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """One quote of the corpus, with what grouping needs to know of it."""

    ref: Ref  # the content span
    text: str
    speaker: str | None  # entity id
    speaker_name: str | None
    when: tuple[dt.date, str, int]  # publication date, article, offset: "earliest" first


def quote_text(text: str) -> str:
    """The words of a quote: one space, no surrounding quotation marks."""
    return " ".join(text.strip(_QUOTE_MARKS).split())


def quote_fragments(text: str, quote: Quote) -> list[Span]:
    """The spans of the utterances a quote renders: one, unless it is direct and broken by
    its attribution into whole sentences, or continued over paragraphs."""
    content = quote.content
    if not quote.direct:
        return [content]
    spans, start = [], content.start
    for found in _UTTERANCE_BREAK.finditer(text, content.start, content.end):
        spans.append(Span(start, found.start()))
        start = found.end()
    spans.append(Span(start, content.end))
    kept = [_trimmed(text, span) for span in spans]
    return [span for span in kept if span.end > span.start] or [content]


def _trimmed(text: str, span: Span) -> Span:
    piece = text[span.start : span.end]
    start = span.start + len(piece) - len(piece.lstrip())
    return Span(start, max(start, span.start + len(piece.rstrip())))


def collect_quotes(corpus: Corpus) -> list[QuoteItem]:
    """Every utterance (quote fragment) of the corpus with its speaker entity, in (article,
    offset) order."""
    lookup = EntityLookup(corpus.entities or [])
    items = []
    for document in sorted(corpus.documents, key=lambda d: d.article.id):
        article = document.article
        published = article.published.date if article.published else dt.date.max
        for quote in document.quotes or []:
            entity = speaker_entity(corpus, article.id, quote, lookup)
            speaker = entity.id if entity else None
            for span in quote_fragments(article.text, quote):
                ref = Ref(article.id, span.start, span.end)
                text = quote_text(span.of(article.text))
                when = (published, article.id, span.start)
                items.append(QuoteItem(ref, text, speaker, quote.speaker_name, when))
    return sorted(items, key=lambda item: item.ref)


class _Similarity:
    """Whether two quotes (by index) render one utterance."""

    def __init__(self, items: list[QuoteItem], vectors: np.ndarray, settings: QuoteGroupSettings):
        self._items = items
        self._vectors = vectors
        self._settings = settings

    def near_identical(self, i: int, j: int) -> bool:
        from rapidfuzz import fuzz, utils

        a, b = self._items[i].text, self._items[j].text
        score = fuzz.ratio(a, b, processor=utils.default_process)
        return score >= self._settings.near_identical

    def same_utterance(self, i: int, j: int) -> bool:
        if self.near_identical(i, j):
            return True
        cosine = float(self._vectors[i] @ self._vectors[j])
        if cosine < self._settings.similarity:
            return False
        return not self._is_short(i, j) or self._words_overlap(i, j)

    def _is_short(self, i: int, j: int) -> bool:
        words = min(len(self._items[i].text.split()), len(self._items[j].text.split()))
        return words < self._settings.short_quote_words

    def _words_overlap(self, i: int, j: int) -> bool:
        from rapidfuzz import fuzz, utils

        a, b = self._items[i].text, self._items[j].text
        score = fuzz.token_set_ratio(a, b, processor=utils.default_process)
        return score >= self._settings.lexical_similarity


def effective_speakers(items: list[QuoteItem], similarity: _Similarity) -> list[str | None]:
    """Each quote's speaker; an unattributed quote takes the one speaker of its exact copies."""
    speakers: list[str | None] = []
    for i, item in enumerate(items):
        if item.speaker is not None:
            speakers.append(item.speaker)
            continue
        copied = {
            other.speaker
            for j, other in enumerate(items)
            if other.speaker is not None and similarity.near_identical(i, j)
        }
        speakers.append(copied.pop() if len(copied) == 1 else None)
    return speakers


def group_indices(
    speakers: list[str | None], similarity: _Similarity
) -> list[tuple[str | None, list[int]]]:
    """Connected components of "same utterance" within each speaker's quotes."""
    by_speaker: dict[str | None, list[int]] = defaultdict(list)
    for index, speaker in enumerate(speakers):
        by_speaker[speaker].append(index)
    groups: list[tuple[str | None, list[int]]] = []
    for speaker, members in by_speaker.items():
        linked = similarity.same_utterance if speaker is not None else similarity.near_identical
        groups.extend((speaker, component) for component in _components(members, linked))
    return groups


def _components(members: list[int], linked: Callable[[int, int], bool]) -> list[list[int]]:
    # Hand-written union-find: a dozen lines, where networkx would need a graph of every pair.
    parent = {m: m for m in members}

    def find(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for position, i in enumerate(members):
        for j in members[position + 1 :]:
            if find(i) != find(j) and linked(i, j):
                parent[max(find(i), find(j))] = min(find(i), find(j))
    components: dict[int, list[int]] = defaultdict(list)
    for m in members:
        components[find(m)].append(m)
    return list(components.values())


def build_group(speaker: str | None, members: list[QuoteItem], names: dict[str, str]) -> QuoteGroup:
    ordered = sorted(members, key=lambda item: item.when)
    first = ordered[0].ref
    return QuoteGroup(
        id=content_id("g", first.article, str(first.start), str(first.end)),
        speaker_entity=speaker,
        speaker_name=names[speaker] if speaker else _common_name(ordered),
        quotes=tuple(item.ref for item in ordered),
    )


def _common_name(items: list[QuoteItem]) -> str | None:
    counts = Counter(item.speaker_name for item in items if item.speaker_name)
    return min(counts, key=lambda name: (-counts[name], name)) if counts else None


class QuoteGroupStage:
    """Provides ``quote_groups``: every quote fragment (utterance) in exactly one group."""

    name: ClassVar[str] = "quote_groups"
    needs: ClassVar[frozenset[str]] = frozenset({"quotes", "entities"})
    provides: ClassVar[frozenset[str]] = frozenset({"quote_groups"})

    def __init__(self, settings: QuoteGroupSettings, embedder: Embedder | None = None) -> None:
        self._settings = settings
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from storyline.embed import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def __call__(self, corpus: Corpus) -> Corpus:
        items = collect_quotes(corpus)
        vectors = self.embedder.encode([item.text for item in items])
        similarity = _Similarity(items, vectors, self._settings)
        names = {entity.id: entity.name for entity in corpus.entities or []}
        groups = [
            build_group(speaker, [items[i] for i in members], names)
            for speaker, members in group_indices(effective_speakers(items, similarity), similarity)
        ]
        corpus.quote_groups = sorted(groups, key=lambda group: group.id)
        return corpus
