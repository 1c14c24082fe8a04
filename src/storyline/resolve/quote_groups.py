"""Quote groups: one utterance and all its renderings across outlets.

Outlets translate and trim the same words differently ("We are deeply convinced that burning
bridges ... has little future" / "I am profoundly convinced that burning bridges ... has no
future"). Two quotes render one utterance when the same entity said them and their contents
mean the same: the cosine of their MiniLM embeddings is high, and for short quotes, where
embeddings reward a shared topic more than shared words, their words overlap too. Quotes by
different speakers never share a group; a quote with no resolved speaker joins another only
when the words are nearly identical (a wire copy). A group holds quotes every two of which
render one utterance (:func:`complete_linkage`): "same utterance" does not carry from one pair
to the next.

The unit is an utterance, not a quote: a quote broken by its attribution into whole sentences
(``"A," he said. "B."``) or continued over paragraphs is one quote (one speaker, one cue) but
may render two utterances that another outlet quotes apart ("burning bridges" and "preserving
our contacts" in seed 002, two quotes in 000). So each such quote is grouped by its fragments,
and each fragment by its sentences: one quoted passage often strings statements that other
outlets quote one at a time (seed 003's "We haven't considered Hamas a terrorist organization.
Today we must recognize that Hamas has reached power [...] as a result of legitimate elections"
renders 000's "We have never called Hamas a terrorist organisation" and its "Hamas came to
power [...] through a democratic and legitimate election", two groups).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from storyline.ids import content_id
from storyline.records import Corpus, Quote, QuoteGroup, Ref, Span
from storyline.resolve.entities import EntityLookup, speaker_entity
from storyline.settings import QuoteGroupSettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

_QUOTE_MARKS = "\"'“”‘’«»„ \n\t"
#: Where one utterance of a quote ends and the next begins, inside the quote's content: a
#: closing mark, an attribution that ends a sentence and an opening mark ('," he said. "'), or
#: a paragraph break before an opening mark (a quote continued over paragraphs). An
#: attribution ending in a comma (', he said, "that ...') continues the same sentence.
_UTTERANCE_BREAK = re.compile(
    r'["”][^"“”]{0,200}?[.!?:]\s*["“](?=\S)'
    r'|(?:["”][^"“”\n]{0,200}?)?\n\s*\n\s*["“](?=\S)'
)
#: Where a sentence of a quoted passage ends: a stop (and any closing marks), space, and a
#: capital, digit or opening mark. An ellipsis ("But ... we") never ends one.
_SENTENCE_BREAK = re.compile(r"(?<![.])[.!?][\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
#: A stop after these (or after an initial, or inside "U.S.") abbreviates, never ends a sentence.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "rev", "jr", "sr", "inc", "co", "corp", "ltd", "vs",
})  # fmt: skip


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


def quoted_words(text: str, quote: Quote, span: Span) -> str:
    """The words ``quote`` quotes inside ``span``: a cue that breaks a sentence ('"I want to
    state," he said, "that ..."') is no part of what was said, and would match other quotes
    on "he said" alone."""
    pieces = [part.of(text) for part in quote.parts_in(span.start, span.end)]
    return quote_text(" ".join(piece for piece in pieces if piece.strip()))


def quote_fragments(text: str, quote: Quote) -> list[Span]:
    """The spans of the utterances a quote renders: one, unless it is direct and broken by
    its attribution into whole sentences, continued over paragraphs, or holds several
    sentences (one utterance each)."""
    content = quote.content
    if not quote.direct:
        return [content]
    spans, start = [], content.start
    for found in _UTTERANCE_BREAK.finditer(text, content.start, content.end):
        spans.append(Span(start, found.start()))
        start = found.end()
    spans.append(Span(start, content.end))
    kept = [_trimmed(text, sentence) for span in spans for sentence in _sentences(text, span)]
    return [span for span in kept if span.end > span.start] or [content]


def _sentences(text: str, span: Span) -> list[Span]:
    """The sentences of a quoted passage, each with its stop."""
    found, start = [], span.start
    for stop in _SENTENCE_BREAK.finditer(text, span.start, span.end):
        if not _abbreviates(text, span.start, stop.start()):
            found.append(Span(start, stop.start() + 1))
            start = stop.end()
    return [*found, Span(start, span.end)]


def _abbreviates(text: str, start: int, stop: int) -> bool:
    """Whether the full stop at ``stop`` ends an abbreviation ("Mr.", "U.S.", "J.")."""
    words = text[start:stop].split()
    word = words[-1].lstrip("\"'“‘(") if words else ""
    return text[stop] == "." and (len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS)


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
                text = quoted_words(article.text, quote, span)
                when = (published, article.id, span.start)
                items.append(QuoteItem(ref, text, speaker, quote.speaker_name, when))
    return sorted(items, key=lambda item: item.ref)


#: Links between quotes (by index): each pair that renders one utterance, lower index first,
#: with how strongly it does (the cosine of the two contents; 1 for a copy).
Links = dict[tuple[int, int], float]

#: The strength of a link between copies: the same words are as close as two renderings get.
_COPY = 1.0


class UtteranceSimilarity:
    """Which quotes (by index) render one utterance, computed for many pairs at once.

    Pairs are scored in rapidfuzz's C++ loops (``cdist``) and numpy products, never pair by
    pair in Python: a store of 10,000 articles holds some 50,000 quote fragments.
    """

    def __init__(self, items: list[QuoteItem], vectors: np.ndarray, settings: QuoteGroupSettings):
        from rapidfuzz import utils

        self._items = items
        self._vectors = vectors
        self._settings = settings
        self._processed = [utils.default_process(item.text) for item in items]
        self._near = near_identical_pairs(self._processed, settings.near_identical)

    def near_identical(self, i: int) -> set[int]:
        """The quotes whose words are a copy of quote ``i``'s (wire copies, typo fixes)."""
        return self._near.get(i, set())

    def links_within(self, speaker: str | None, members: list[int]) -> Links:
        """The pairs of ``members`` (quotes of ``speaker``) that render one utterance: copies
        only when the speaker is not known, else copies and quotes close in meaning."""
        if speaker is None:
            return self.copies_within(members)
        return self.same_utterance_within(members)

    def copies_within(self, members: list[int]) -> Links:
        chosen = set(members)
        return {
            (i, j): _COPY for i in members for j in self.near_identical(i) if j in chosen and i < j
        }

    def same_utterance_within(self, members: list[int]) -> Links:
        """Pairs of ``members`` (one speaker's quotes) that render one utterance: copies, or
        close in meaning (and, for short quotes, sharing words)."""
        links = self.copies_within(members)
        for start in range(0, len(members), _BLOCK):
            rows = members[start : start + _BLOCK]
            cosines = self._vectors[rows] @ self._vectors[members].T
            for r, c in zip(*np.nonzero(cosines >= self._settings.similarity), strict=True):
                i, j = rows[r], members[c]
                if i >= j or (i, j) in links:  # each pair once; a copy stays a copy
                    continue
                if not self._is_short(i, j) or self._words_overlap(i, j):
                    links[i, j] = float(cosines[r, c])
        return links

    def _is_short(self, i: int, j: int) -> bool:
        words = min(len(self._items[i].text.split()), len(self._items[j].text.split()))
        return words < self._settings.short_quote_words

    def _words_overlap(self, i: int, j: int) -> bool:
        from rapidfuzz import fuzz

        score = fuzz.token_set_ratio(self._processed[i], self._processed[j])
        return score >= self._settings.lexical_similarity


#: Quotes scored against the others at a time: bounds the score matrices (rows × quotes).
_BLOCK = 256


def near_identical_pairs(texts: list[str], cutoff: float) -> dict[int, set[int]]:
    """For each text (by index), the other texts whose rapidfuzz ``ratio`` reaches ``cutoff``.

    The ratio is 2·LCS / (la + lb): it can reach c only if the longer text is at most
    (2 − c) / c times as long as the shorter (1.17 at 92). Texts sorted by length are scored
    only against the window of lengths that can match, in blocks, by ``cdist``.
    """
    from rapidfuzz import fuzz, process

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    lengths = [len(texts[i]) for i in order]
    stretch = (200 - cutoff) / cutoff if cutoff > 0 else float("inf")
    near: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(order), _BLOCK):
        stop = min(start + _BLOCK, len(order))
        reach = bisect.bisect_right(lengths, lengths[stop - 1] * stretch)
        rows, columns = order[start:stop], order[start:reach]
        scores = process.cdist(
            [texts[i] for i in rows],
            [texts[j] for j in columns],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            workers=-1,
        )
        # Scores under the cutoff come back as 0 (all pairs match at a cutoff of 0).
        matched = scores > 0 if cutoff > 0 else np.ones_like(scores, dtype=bool)
        for r, c in zip(*np.nonzero(matched), strict=True):
            if c > r:  # each pair once: columns start at this block's first row
                near[rows[r]].add(columns[c])
                near[columns[c]].add(rows[r])
    return dict(near)


def effective_speakers(items: list[QuoteItem], similarity: UtteranceSimilarity) -> list[str | None]:
    """Each quote's speaker; an unattributed quote takes the one speaker of its exact copies."""
    speakers: list[str | None] = []
    for i, item in enumerate(items):
        if item.speaker is not None:
            speakers.append(item.speaker)
            continue
        copied = {
            items[j].speaker for j in similarity.near_identical(i) if items[j].speaker is not None
        }
        speakers.append(copied.pop() if len(copied) == 1 else None)
    return speakers


def group_indices(
    speakers: list[str | None], similarity: UtteranceSimilarity
) -> list[tuple[str | None, list[int]]]:
    """Each speaker's quotes in groups whose every two members render one utterance."""
    by_speaker: dict[str | None, list[int]] = defaultdict(list)
    for index, speaker in enumerate(speakers):
        by_speaker[speaker].append(index)
    return [
        (speaker, members)
        for speaker, quotes in by_speaker.items()
        for members in complete_linkage(quotes, similarity.links_within(speaker, quotes))
    ]


def complete_linkage(nodes: Iterable[int], links: Links) -> list[list[int]]:
    """``nodes`` in groups whose every two members are linked, by complete linkage.

    Why not the connected components of the links, as groups were once made: a link says two
    quotes render one utterance, but links chain. A passage or a paraphrase that matches two
    different statements links them, and one group of the example chained eight different
    Putin statements that way (issue 24). So a quote joins a group only when it matches every
    member: links are taken strongest first (ties by index, so that groups never depend on the
    order quotes came in), two groups join when every member of one is linked to every member
    of the other, and the joined group is linked to a third at its weakest link there.

    Only the links are walked, one connected component at a time: quotes that no chain of
    links joins are never compared, and a component whose quotes are all linked to each other
    (most are: one or two quotes, or copies of one text) is a group as it is.
    """
    neighbours: dict[int, dict[int, float]] = {node: {} for node in nodes}
    for (i, j), strength in links.items():
        neighbours[i][j] = neighbours[j][i] = strength
    groups = []
    for component in _components(neighbours):
        size = len(component)
        if sum(len(neighbours[node]) for node in component) == size * (size - 1):
            groups.append(sorted(component))
        else:
            groups += _agglomerated(component, neighbours)
    return sorted(groups)


def _components(neighbours: dict[int, dict[int, float]]) -> list[list[int]]:
    seen: set[int] = set()
    components = []
    for start in neighbours:
        if start in seen:
            continue
        seen.add(start)
        component, frontier = [start], [start]
        while frontier:
            for k in neighbours[frontier.pop()]:
                if k not in seen:
                    seen.add(k)
                    component.append(k)
                    frontier.append(k)
        components.append(component)
    return components


def _agglomerated(component: list[int], neighbours: dict[int, dict[int, float]]) -> list[list[int]]:
    """Complete linkage within one connected component (``neighbours`` is changed)."""
    members = {node: [node] for node in component}
    queue = [(-s, i, j) for i in component for j, s in neighbours[i].items() if i < j]
    heapq.heapify(queue)
    while queue:
        negative, i, j = heapq.heappop(queue)
        if neighbours.get(i, {}).get(j) != -negative:
            continue  # one of the two has joined another group since, or the link weakened
        mine, theirs = neighbours.pop(i), neighbours.pop(j)
        for k in (mine.keys() | theirs.keys()) - {i, j}:
            neighbours[k].pop(i, None)
            neighbours[k].pop(j, None)
        # The joined group (kept under i, the lower index) links only where both did.
        neighbours[i] = {k: min(mine[k], theirs[k]) for k in mine.keys() & theirs.keys()}
        for k, strength in neighbours[i].items():
            neighbours[k][i] = strength
            heapq.heappush(queue, (-strength, min(i, k), max(i, k)))
        members[i] += members.pop(j)
    return [sorted(group) for group in members.values()]


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
            from storyline.annotate.embed import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def __call__(self, corpus: Corpus) -> Corpus:
        items = collect_quotes(corpus)
        vectors = self.embedder.encode([item.text for item in items])
        similarity = UtteranceSimilarity(items, vectors, self._settings)
        names = {entity.id: entity.name for entity in corpus.entities or []}
        groups = [
            build_group(speaker, [items[i] for i in members], names)
            for speaker, members in group_indices(effective_speakers(items, similarity), similarity)
        ]
        corpus.quote_groups = sorted(groups, key=lambda group: group.id)
        return corpus
