"""The sentences of a story, embedded once (:class:`SentencePool`), and what makes one a
statement worth showing: the timeline, the summary, the coverage and the conflicts all read
the one pool.

A report sentence is spaCy's sentence cut at line breaks (:func:`_line_pieces`) and joined
again wherever a boundary falls inside a quotation (:func:`whole_quotations`), so that what a
reader is shown is a whole statement with its speaker, never half a quote.
"""

from __future__ import annotations

import bisect
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

__all__ = [
    "SentencePool",
    "aligned",
    "in_own_words",
    "is_statement",
    "is_summary_candidate",
    "opens_with_pronoun",
    "quotations",
    "report_sentences",
    "whole_quotations",
]

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
            for span in report_sentences(document):
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


#: A dateline and the dash after it, before a report's first sentence: "MOSCOW, Russia
#: (Reuters) -- ", "MOSCOW, March 3, 2006 (RFE/RL) -- ".
_DATELINE = re.compile(r"[^\n]{0,60}?\s(?:--|—|–)\s+(?=\S)")


def _without_dateline(text: str, span: Span, dateline: str | None) -> Span:
    """``span`` less the article's dateline at its start: a reader is shown what was reported,
    not where the report was filed."""
    if not dateline or not text.startswith(dateline, span.start):
        return span
    found = _DATELINE.match(text, span.start, span.end)
    return Span(found.end(), span.end) if found else span


def report_sentences(document: Document) -> list[Span]:
    """The document's sentences as reports show them: cut at line breaks, whole quotations
    joined (see the module's docstring)."""
    text = document.article.text
    pieces = list(_line_pieces(text, document.sentences or []))
    return [
        _without_dateline(text, whole, document.article.dateline)
        for whole in whole_quotations(text, pieces)
    ]


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


#: Double quote marks, straight and curly ("„" opens German quotes).
_MARK = re.compile(r"[\"“”„]")
#: What may stand before an opening mark besides a space: brackets and dashes.
_BEFORE_OPENING = "([{—–-"
#: What may follow a closing mark besides a space: punctuation, brackets and dashes.
_AFTER_CLOSING = ".,;:!?)]}—–-"
_WORD_CHARACTER = re.compile(r"\w")


def quotations(text: str, paragraph: Span) -> list[Span]:
    """The quotations of one paragraph: the stretches between paired quote marks, marks
    included, in text order.

    A mark opens or closes by where it stands (after a space and before a word it opens,
    after a word and before a space or punctuation it closes); a curly mark by its shape
    unless it plainly stands the other way round (a typo). A closing mark with no quotation
    open is stray (inches, ``6'2"``, or the end of a quote from an earlier paragraph) and
    opens nothing, so it cannot swallow the rest of the paragraph. A quotation still open when
    another opens ends where that one begins; one left open runs to the paragraph's end, as a
    quote continued in the next paragraph does.
    """
    found: list[Span] = []
    open_at: int | None = None
    for match in _MARK.finditer(text, paragraph.start, paragraph.end):
        at = match.start()
        role = _mark_role(text, at, paragraph)
        if role is None:
            continue
        if open_at is None:
            if role != "close":
                open_at = at
        elif role == "open":
            found.append(Span(open_at, at))
            open_at = at
        else:
            found.append(Span(open_at, at + 1))
            open_at = None
    if open_at is not None:
        found.append(Span(open_at, paragraph.end))
    return found


def _mark_role(text: str, at: int, paragraph: Span) -> str | None:
    """Whether the mark at ``at`` opens a quotation ("open"), closes one ("close"), may do
    either ("either": a straight mark between two words), or quotes nothing (None: a straight
    mark between two spaces)."""
    before = text[at - 1] if at > paragraph.start else " "
    after = text[at + 1] if at + 1 < paragraph.end else " "
    opens = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in _AFTER_CLOSING)
    mark = text[at]
    if mark in "“„":
        return "close" if closes and not opens else "open"
    if mark == "”":
        return "open" if opens and not closes else "close"
    if opens or closes:
        return "open" if opens else "close"
    return None if before.isspace() and after.isspace() else "either"


def whole_quotations(text: str, sentences: Sequence[Span]) -> list[Span]:
    """``sentences`` (in text order, none across a line break) joined wherever a boundary
    falls inside a quotation (:func:`quotations`) or inside a sentence a line break cut
    (:func:`_wrapped`), so no sentence begins or ends inside one.

    spaCy ends a sentence at a full stop inside a quote ('Putin said: "We haven't considered
    Hamas a terrorist organization. | Today we must ...people."'), which leaves the first half
    with an open quote and the second as a plain fact with no speaker. When all the quotation
    leaves of the next sentence is its closing mark ('organization. | "'), the boundary moves
    past the mark instead, unless what follows begins in lower case ('" he said.'), which is
    joined too. Quotations are paired line by line, a line joined to the next where its open
    quote is closed there (:func:`_quote_blocks`). Offsets stay those of ``text``.
    """
    joined: list[Span] = []
    blocks = _quote_blocks(text)
    for sentence in sentences:
        if joined and _wrapped(text, joined[-1], sentence, blocks):
            joined[-1] = Span(joined[-1].start, sentence.end)
            continue
        quotation = _straddling(joined[-1], sentence, blocks) if joined else None
        if quotation is None:
            joined.append(sentence)
            continue
        previous = joined.pop()
        rest = _after(text, quotation.end, sentence.end)
        held = text[sentence.start : quotation.end]
        if _WORD_CHARACTER.search(held) or (rest and text[rest.start].islower()):
            joined.append(Span(previous.start, sentence.end))
        else:
            joined.append(Span(previous.start, quotation.end))
            joined += [rest] if rest else []
    return joined


@dataclass(frozen=True, slots=True)
class _Block:
    """Lines quotations are paired over, and those quotations."""

    span: Span
    quotations: list[Span]


def _quote_blocks(text: str) -> list[_Block]:
    """The lines of ``text``, a line whose quotation is left open at its end joined to those
    after it up to the one that closes it, with no blank line between: hard-wrapped lines
    ('"... of freeing all' / 'the arrested ...; then our movement will take' / 'serious steps
    towards securing peace."'). The first quote mark after the break must close: a quote
    continued in a new paragraph opens again there, so its paragraphs stay apart, and a mark
    a typo left open closes nothing on the lines after it."""
    lines = [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    blocks: list[_Block] = []
    n = 0
    while n < len(lines):
        block = _Block(lines[n], quotations(text, lines[n]))
        n += 1
        while block.quotations and block.quotations[-1].end == block.span.end:
            closing = _closing_line(text, lines, n, block.span.end)
            if closing is None:
                break
            merged = Span(block.span.start, lines[closing].end)
            block = _Block(merged, quotations(text, merged))
            n = closing + 1
        blocks.append(block)
    return blocks


def _closing_line(text: str, lines: list[Span], n: int, end: int) -> int | None:
    """The first of ``lines[n:]`` with a quote mark, if that mark closes and no blank line
    comes before it (``end`` is where the open quotation's line ends)."""
    for k in range(n, len(lines)):
        if text[end : lines[k].start] != "\n":
            return None
        role = _first_mark(text, lines[k])
        if role is not None:
            return k if role == "close" else None
        end = lines[k].end
    return None


def _first_mark(text: str, line: Span) -> str | None:
    """The role of the first quote mark of ``line`` (:func:`_mark_role`), None if it has none."""
    match = _MARK.search(text, line.start, line.end)
    return _mark_role(text, match.start(), line) if match else None


def _block_of(blocks: list[_Block], at: int) -> _Block | None:
    index = bisect.bisect_right([b.span.start for b in blocks], at) - 1
    return blocks[index] if index >= 0 and at < blocks[index].span.end else None


def _straddling(previous: Span, sentence: Span, blocks: list[_Block]) -> Span | None:
    """The quotation holding both the end of ``previous`` and the start of ``sentence``."""
    block = _block_of(blocks, previous.end - 1)
    if block is None or sentence.start >= block.span.end:
        return None
    return next(
        (q for q in block.quotations if q.start < previous.end and sentence.start < q.end),
        None,
    )


#: What a line cut inside a sentence ends with: a comma, semicolon, colon, dash or bracket.
_CUT_AFTER = re.compile(r"[,;:(\[—–-]$")


def _wrapped(text: str, previous: Span, sentence: Span, blocks: list[_Block]) -> bool:
    """Whether ``sentence`` goes on the sentence ``previous`` began, cut by a single line
    break (hard-wrapped text): ``previous`` ends no sentence, and it ends in a comma or the
    like, or ``sentence`` goes on in lower case ('... in his words,' / '“expect that ...').
    A heading has no such ending and a new sentence begins in capitals, so both stay apart;
    so does anything after a blank line."""
    between = text[previous.end : sentence.start]
    if between.count("\n") != 1 or between.strip():
        return False
    ending = text[previous.start : previous.end]
    if _TERMINAL.search(ending):
        return False
    return bool(_CUT_AFTER.search(ending)) or text[sentence.start].islower()


def _after(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` without its leading spaces, or None when nothing is left."""
    piece = text[start:end]
    stripped = piece.lstrip()
    return Span(end - len(stripped), end) if stripped else None


#: A pair of quote marks, curly and straight mixed as one outlet mixes them ('“expect ...."').
_PAIRED_QUOTES = re.compile(r"[\"“„][^\"“”„]*[\"”]")
#: An unpaired quote mark after punctuation closes a quote begun in an earlier sentence.
_CLOSING_QUOTE = re.compile(r"[,.?!]\s*[\"”]")


def is_summary_candidate(text: str, min_words: int) -> bool:
    """A statement whose words are mostly the reporter's own, not a quote with "he said".

    Quotes belong to quote groups; a summary made of them would put words in the outlets'
    mouths. A sentence that opens with a quote is the speaker's, however long its attribution
    ('"If we receive an invitation, we will visit," said Ismail Haniya, a senior Hamas leader,
    according to a report from Gaza City.'). Quote marks are found by pattern (an unclosed one
    runs to the end of the sentence, as in multi-paragraph quotes), so this works before the
    quote stage has run.
    """
    opens_quoting = bool(_MARK.match(text))
    return (
        is_statement(text, min_words)
        and not opens_quoting
        and not opens_with_pronoun(text)
        and in_own_words(text, min_words)
    )


#: A bare pronoun as a sentence's subject, after any opening phrases, followed by a word in
#: lower case ("He Jianxiong, the former ..." is a name).
_PRONOUN_SUBJECT = re.compile(r"(?:[^.,;:\"“”]*,\s+)*(?:[Hh]e|[Ss]he|[Tt]hey)\s+[a-z]")


def opens_with_pronoun(text: str) -> bool:
    """Whether the sentence's subject is a bare pronoun ("In a news conference late last month,
    after the elections, he said ..."): taken out of its article, no reader can tell who "he"
    is (the seeds' thread summary opened with one)."""
    return bool(_PRONOUN_SUBJECT.match(text))


def in_own_words(text: str, min_words: int) -> bool:
    """Whether most of a sentence's words (and at least half of ``min_words``) are outside
    quotation marks: the reporter's own, not a speaker's."""
    own_words = len(_outside_quotes(text).split())
    return own_words >= max(min_words // 2, len(text.split()) / 2)


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
