"""Quotes: direct quotations (quote marks) and reported speech (the dependency parse).

Everything is found on the clean body (``article.body_text``) and its spaCy parse, then
mapped back to the original text. The steps, in order:

1. quote-mark stretches, paragraph by paragraph (a stray mark never reaches past its
   paragraph; a paragraph that opens a quote and does not close it continues only into a
   next paragraph that opens with a quote mark, the news convention for long quotes);
2. stretches broken by their attribution (``"A," he said. "B."``) become one quote;
3. reported speech: a speech or cognition verb with a subject and a clausal complement
   ("Kalugin said that Russia would ..."), and "according to X, ...";
4. the attribution of each direct quote: the nearest cue verb of its sentences, else
   "according to", else the paragraph before (a bare quoted paragraph continues the speaker
   of the paragraph before it; a paragraph ending in ":" introduces the quote after it);
5. speaker names, with a simple within-article heuristic (see :func:`_speaker_name`).

spaCy's own ``textacy``-style rules were the starting point; they are hand-written here
because the rules for unbalanced marks and multi-paragraph quotes need the paragraph layout,
which no library we use knows about.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from storyline.records import Document, Quote, Span
from storyline.settings import QuoteSettings, default_settings

QUOTE_MARKS = '"“”„«»'
#: Marks that only ever open or only ever close a quotation.
OPENING_ONLY = "“„«"
CLOSING_ONLY = "”»"
_MARK_RE = re.compile(f"[{QUOTE_MARKS}]")
_WORD_RE = re.compile(r"\w+")

#: Lemmas of verbs that introduce what someone said, wrote or thinks.
CUE_LEMMAS = frozenset(
    {
        "say", "tell", "add", "deny", "state", "announce", "insist", "warn", "claim", "accuse",
        "urge", "believe", "think", "argue", "explain", "note", "stress", "emphasise",
        "emphasize", "reaffirm", "confirm", "declare", "suggest", "report", "write", "ask",
        "reply", "respond", "acknowledge", "admit", "predict", "promise", "vow", "threaten",
        "complain", "concede", "contend", "assert", "maintain", "reiterate", "indicate",
        "recall", "tweet", "testify", "allege", "charge", "caution", "reveal", "mention",
        "observe", "remark", "continue", "quote", "call", "point", "agree", "fear", "hope",
        "feel", "speculate", "conclude", "demand", "propose", "recommend", "estimate",
        "counter", "joke",
    }
)  # fmt: skip
#: Cues that take an object and an infinitive ("urged the US not to cut off funds").
OBJECT_CONTROL_CUES = frozenset({"urge", "ask", "call", "warn", "tell", "advise", "demand"})
#: Cues that need a particle to mean speech ("called on", "called for", "pointed out").
PARTICLE_CUES = {"call": frozenset({"on", "for"}), "point": frozenset({"out"})}
#: Heads of definite noun phrases that stand for a person named earlier ("the spokesman").
TITLE_NOUNS = frozenset(
    {
        "president", "minister", "spokesman", "spokeswoman", "spokesperson", "leader",
        "premier", "chancellor", "secretary", "envoy", "ambassador", "chairman", "chief",
        "senator", "governor", "mayor", "candidate", "nominee", "king", "prince", "director",
        "commander", "general", "prosecutor", "judge",
    }
)  # fmt: skip
PERSON_PRONOUNS = frozenset({"he", "she"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: Dependencies through which a subject-less cue inherits the subject of its head
#: ("he was quoted as saying", "..., saying that", "reaffirmed ... and emphasised ...").
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "prep", "relcl"})
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class _Stretch:
    """The inside of a pair of quote marks in the body text; ``closed`` if a mark closed it."""

    start: int
    end: int
    open_mark: int
    close_mark: int
    paragraph: int
    closed: bool


@dataclass(frozen=True, slots=True)
class _Direct:
    """A direct quote as stretches of body text (more than one when broken or continued)."""

    stretches: tuple[_Stretch, ...]

    @property
    def start(self) -> int:
        return self.stretches[0].start

    @property
    def end(self) -> int:
        return self.stretches[-1].end


@dataclass(frozen=True, slots=True)
class _Attribution:
    """Who said it: the cue tokens and the speaker tokens (body-text token ranges)."""

    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    name: str | None


@dataclass(frozen=True, slots=True)
class _Found:
    """A quote in body-text character offsets, before mapping to the original text."""

    content: tuple[int, int]
    attribution: _Attribution
    direct: bool
    paragraph: int


class QuoteStage:
    """Provides ``quotes``: direct quotations and reported speech, with cue and speaker."""

    name: ClassVar[str] = "quotes"
    needs: ClassVar[frozenset[str]] = frozenset({"parse", "mentions"})
    provides: ClassVar[frozenset[str]] = frozenset({"quotes"})

    def __init__(self, settings: QuoteSettings | None = None) -> None:
        self._settings = settings or default_settings().quotes

    def __call__(self, documents: list[Document]) -> list[Document]:
        for document in documents:
            document.quotes = quotes_of(document, self._settings)
        return documents


def quotes_of(document: Document, settings: QuoteSettings) -> list[Quote]:
    """Every quote of one parsed document, in text order."""
    article = document.article
    if not article.body or document.parse is None:
        return []
    found = _find(document.parse, _paragraph_ranges(document), settings)
    view = article.body_view
    quotes = [quote for item in found for quote in _to_quotes(item, view, article.text)]
    return sorted(set(quotes), key=lambda q: (q.content.start, q.content.end, not q.direct))


def _find(doc: Any, paragraphs: list[tuple[int, int]], settings: QuoteSettings) -> list[_Found]:
    context = _Context(doc, paragraphs)
    directs = _direct_quotes(context, settings)
    # Marks included; the attribution between the stretches of a broken quote is not quoted.
    context.quoted = [(s.open_mark, s.close_mark + 1) for d in directs for s in d.stretches]
    reported = list(_reported_quotes(context, settings))
    return _attribute_directs(context, directs, reported) + reported


def _paragraph_ranges(document: Document) -> list[tuple[int, int]]:
    view = document.article.body_view
    return [
        (start, start + len(span))
        for start, span in zip(view.body_starts, view.source_spans, strict=True)
    ]


class _Context:
    """The parse of one body with the lookups every rule needs (token by offset, entities)."""

    def __init__(self, doc: Any, paragraphs: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.paragraphs = paragraphs
        self.token_starts = [token.idx for token in doc]
        self.entity_of = {token.i: ent for ent in doc.ents for token in ent}
        self.chunk_of = {token.i: chunk for chunk in doc.noun_chunks for token in chunk}
        self.quoted: list[tuple[int, int]] = []

    def paragraph_of(self, offset: int) -> int:
        starts = [start for start, _ in self.paragraphs]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list[Any]:
        first = max(bisect.bisect_right(self.token_starts, start) - 1, 0)
        last = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[first:last] if t.idx + len(t) > start]

    def in_quote(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.quoted)


# --- 1-2. Direct quotes --------------------------------------------------------------------


def _direct_quotes(context: _Context, settings: QuoteSettings) -> list[_Direct]:
    stretches = [
        stretch
        for index, (start, end) in enumerate(context.paragraphs)
        for stretch in _paragraph_stretches(context.text, start, end, index)
    ]
    directs = _merge_broken(context, _chain_paragraphs(context, stretches), settings)
    return [
        d for d in directs if _word_count(context.text, d.start, d.end) >= settings.min_direct_words
    ]


def _paragraph_stretches(text: str, start: int, end: int, paragraph: int) -> list[_Stretch]:
    """Pair the quote marks of one paragraph, skipping marks that cannot open or close."""
    stretches: list[_Stretch] = []
    open_at: int | None = None
    for match in _MARK_RE.finditer(text, start, end):
        at = match.start()
        if open_at is None:
            if _can_open(text, at, start, end):
                open_at = at
        elif _can_close(text, at, start, end):
            stretches.append(_stretch(text, open_at, at, paragraph, closed=True))
            open_at = None
        elif _can_open(text, at, start, end):
            open_at = at  # the earlier mark was stray: a new quotation starts here
    if open_at is not None:
        stretches.append(_stretch(text, open_at, end, paragraph, closed=False))
    return [s for s in stretches if s.end > s.start]


def _can_open(text: str, at: int, start: int, end: int) -> bool:
    mark = text[at]
    after = text[at + 1] if at + 1 < end else " "
    before = text[at - 1] if at > start else " "
    if mark in CLOSING_ONLY and not before.isspace():
        return False  # a closing mark opens only where a typo put it: after a space ("”We ...")
    # A straight mark after a digit is inches (5'10"); one followed by a space closes.
    return not after.isspace() and not (mark == '"' and before.isdigit())


def _can_close(text: str, at: int, start: int, end: int) -> bool:
    if text[at] in OPENING_ONLY and at + 1 < end and not text[at + 1].isspace():
        before = text[at - 1] if at > start else " "
        return not (before.isspace() or before in "([{—–-")
    return True


def _stretch(text: str, open_mark: int, close_mark: int, paragraph: int, closed: bool) -> _Stretch:
    """The inside of the marks without surrounding spaces or a trailing comma (punctuation of
    the attribution, not of the speaker)."""
    inside = text[open_mark + 1 : close_mark]
    stripped = inside.strip().rstrip(",").rstrip()
    start = open_mark + 1 + (len(inside) - len(inside.lstrip()))
    return _Stretch(
        start, max(start, start + len(stripped)), open_mark, close_mark, paragraph, closed
    )


def _chain_paragraphs(context: _Context, stretches: list[_Stretch]) -> list[_Direct]:
    """Join a paragraph left open to the next one when that one opens with a quote mark.

    A chain that never closes is dropped: an unbalanced mark in messy text must not turn
    several paragraphs into one quote.
    """
    directs: list[_Direct] = []
    chain: list[_Stretch] = []
    for stretch in stretches:
        if chain and not _continues(context, chain[-1], stretch):
            chain = []  # the open chain was not continued: drop it
        chain.append(stretch)
        if stretch.closed:
            directs.append(_Direct(tuple(chain)))
            chain = []
    return directs


def _continues(context: _Context, previous: _Stretch, stretch: _Stretch) -> bool:
    paragraph_start = context.paragraphs[stretch.paragraph][0]
    return (
        not previous.closed
        and stretch.paragraph == previous.paragraph + 1
        and stretch.open_mark == paragraph_start
    )


def _merge_broken(
    context: _Context, directs: list[_Direct], settings: QuoteSettings
) -> list[_Direct]:
    """``"A," he said. "B."`` in one paragraph is one quote broken by its attribution."""
    merged: list[_Direct] = []
    for direct in directs:
        if merged and _is_attribution_gap(context, merged[-1], direct, settings):
            merged[-1] = _Direct(merged[-1].stretches + direct.stretches)
        else:
            merged.append(direct)
    return merged


def _is_attribution_gap(
    context: _Context, first: _Direct, second: _Direct, settings: QuoteSettings
) -> bool:
    last, nxt = first.stretches[-1], second.stretches[0]
    gap = context.text[last.close_mark + 1 : nxt.open_mark]
    if last.paragraph != nxt.paragraph or not gap.strip() or "\n" in gap:
        return False
    if len(_WORD_RE.findall(gap)) > settings.max_attribution_gap_words:
        return False
    # The attribution must be finished before the quote resumes ("he said, " / "he said. ").
    if not re.search(r"[,.;:]\s*$", gap):
        return False
    return any(_is_cue(t) for t in context.tokens_in(last.close_mark + 1, nxt.open_mark))


def _word_count(text: str, start: int, end: int) -> int:
    return len(_WORD_RE.findall(text, start, end))


# --- 3. Reported speech ----------------------------------------------------------------------


def _reported_quotes(context: _Context, settings: QuoteSettings) -> Iterator[_Found]:
    for token in context.doc:
        if context.in_quote(token.idx):
            continue
        found = _reported_from_cue(context, token) if _is_cue(token) else None
        if found is None and token.lower_ == "according":
            found = _according_to(context, token)
        if found and _acceptable_reported(context, found, settings):
            yield found


def _is_cue(token: Any) -> bool:
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in CUE_LEMMAS:
        return False
    particles = PARTICLE_CUES.get(token.lemma_.lower())
    return particles is None or any(c.lower_ in particles for c in token.children)


def _reported_from_cue(context: _Context, cue: Any) -> _Found | None:
    content = _complement_range(context, cue)
    subject = _subject(context, cue) if content is not None else None
    if content is None or subject is None or _is_expletive(subject):
        return None
    attribution = _Attribution(_cue_range(cue), *_speaker(context, subject))
    return _Found(content, attribution, direct=False, paragraph=context.paragraph_of(cue.idx))


def _complement_range(context: _Context, cue: Any) -> tuple[int, int] | None:
    """Body offsets of what the cue reports, within the cue's paragraph, without "that"."""
    complement = _complement(cue)
    if complement is None:
        return None
    p_start, p_end = context.paragraphs[context.paragraph_of(cue.idx)]
    tokens = [t for t in complement.subtree if p_start <= t.idx < p_end]
    if tokens and tokens[0].dep_ == "mark":
        tokens = tokens[1:]  # "that" belongs to the reporting clause, not to what was said
    tokens = [t for t in tokens if t.i != cue.i]
    if not tokens or tokens[0].i < cue.i < tokens[-1].i:
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


def _complement(cue: Any) -> Any | None:
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ == "ccomp":
            return child
    for child in cue.children:
        if child.dep_ == "xcomp" and lemma in OBJECT_CONTROL_CUES:
            return child
    return None


def _is_expletive(subject: Any) -> bool:
    """ "It is believed that ..." has no speaker."""
    return bool(subject.lower_ == "it" and subject.dep_ == "nsubjpass")


def _according_to(context: _Context, according: Any) -> _Found | None:
    to = next((c for c in according.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if source is None:
        return None
    phrase = list(according.subtree)
    clause = list(according.head.subtree)
    before = _strip_punct([t for t in clause if t.i < phrase[0].i])
    after = _strip_punct([t for t in clause if t.i > phrase[-1].i])
    words = after if len(after) >= len(before) else before
    if not words or to is None:
        return None
    content = (words[0].idx, words[-1].idx + len(words[-1]))
    attribution = _Attribution((according.idx, to.idx + len(to)), *_speaker(context, source))
    return _Found(content, attribution, False, context.paragraph_of(according.idx))


def _strip_punct(tokens: list[Any]) -> list[Any]:
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _acceptable_reported(context: _Context, found: _Found, settings: QuoteSettings) -> bool:
    start, end = found.content
    if _word_count(context.text, start, end) < settings.min_direct_words:
        return False
    # A clause around a direct quote is that quote's context, not a second quote.
    return not any(start < q_end and q_start < end for q_start, q_end in context.quoted)


# --- 4. Attribution of direct quotes -------------------------------------------------------


def _attribute_directs(
    context: _Context, directs: list[_Direct], reported: list[_Found]
) -> list[_Found]:
    results: list[_Found] = []
    for direct in directs:
        cue = _direct_cue(context, direct)
        attribution = _cue_attribution(context, cue) if cue is not None else None
        attribution = attribution or _according_attribution(context, direct)
        if attribution is None:
            attribution = _neighbour_attribution(context, direct, results + reported)
        if attribution is None and _looks_like_title(context.text, direct):
            continue
        found = _Found(_direct_content(context, direct, cue),
                       attribution or _Attribution(None, None, None),
                       direct=True, paragraph=direct.stretches[-1].paragraph)  # fmt: skip
        results.append(found)
    return results


def _direct_cue(context: _Context, direct: _Direct) -> Any | None:
    """The cue verb of the quote's own sentences: one that governs the quote (or hangs from
    it), else the nearest."""
    cues = [t for t in _attribution_window(context, direct) if _is_cue(t)]
    return min(cues, key=lambda t: (not _linked(t, direct), _distance(t, direct)), default=None)


def _cue_attribution(context: _Context, cue: Any) -> _Attribution:
    subject = _subject(context, cue)
    speaker = _speaker(context, subject) if subject is not None else (None, None)
    return _Attribution(_cue_range(cue), *speaker)


def _according_attribution(context: _Context, direct: _Direct) -> _Attribution | None:
    window = _attribution_window(context, direct)
    according = next((t for t in window if t.lower_ == "according"), None)
    found = _according_to(context, according) if according is not None else None
    return found.attribution if found else None


def _direct_content(context: _Context, direct: _Direct, cue: Any | None) -> tuple[int, int]:
    """The quoted words; for a partial quote inside reported speech ('said Israel would not
    negotiate until it "recognises ..."') the whole reported clause, marks included, as
    PolNeAR annotates it: the quoted fragment alone is often not a statement."""
    inside = (direct.start, direct.end)
    if cue is None or len(direct.stretches) > 1:
        return inside
    clause = _complement_range(context, cue)
    stretch = direct.stretches[0]
    # The clause must hold the opening mark; the parse often cuts it short inside the quote.
    if clause is None or not clause[0] <= stretch.open_mark < clause[1]:
        return inside
    if clause[0] == stretch.open_mark:
        return inside  # the clause is the quotation itself
    return (clause[0], max(clause[1], stretch.close_mark + 1))


def _attribution_window(context: _Context, direct: _Direct) -> list[Any]:
    """Tokens of the sentences holding the quote, in its paragraphs, outside any quote."""
    tokens: dict[int, Any] = {}
    for stretch in direct.stretches:
        p_start, p_end = context.paragraphs[stretch.paragraph]
        for token in context.tokens_in(stretch.open_mark, stretch.close_mark + 1):
            for t in token.sent:
                if p_start <= t.idx < p_end and not context.in_quote(t.idx):
                    tokens[t.i] = t
    return [tokens[i] for i in sorted(tokens)]


def _linked(cue: Any, direct: _Direct) -> bool:
    """The cue governs the quote, or the quote governs the cue (a parenthetical "he said")."""
    inside = [t for t in cue.doc if direct.start <= t.idx < direct.end]
    return any(cue.is_ancestor(t) or t.is_ancestor(cue) for t in inside[:1] + inside[-1:])


def _distance(token: Any, direct: _Direct) -> int:
    return min(abs(token.idx - direct.start), abs(token.idx - direct.end))


def _neighbour_attribution(
    context: _Context, direct: _Direct, earlier: list[_Found]
) -> _Attribution | None:
    """A quote that opens its paragraph and has no attribution of its own takes the speaker
    of an introducing "X said:" paragraph, or of the quote in the paragraph just before."""
    first = direct.stretches[0]
    paragraph_start = context.paragraphs[first.paragraph][0]
    if first.open_mark != paragraph_start or first.paragraph == 0:
        return None
    previous_start, previous_end = context.paragraphs[first.paragraph - 1]
    if context.text[previous_start:previous_end].rstrip().endswith(":"):
        cues = [t for t in context.tokens_in(previous_start, previous_end) if _is_cue(t)]
        subject = _subject(context, cues[-1]) if cues else None
        if subject is not None:
            return _Attribution(_cue_range(cues[-1]), *_speaker(context, subject))
    before = [f for f in earlier if f.paragraph == first.paragraph - 1 and f.attribution.speaker]
    # A continuation is a full sentence; a pull quote or a headline usually has no final stop.
    if before and re.search(r"[.!?…]$", context.text[direct.start : direct.end]):
        latest = max(before, key=lambda f: f.content)
        return _Attribution(None, latest.attribution.speaker, latest.attribution.name)
    return None


def _looks_like_title(text: str, direct: _Direct) -> bool:
    """An unattributed run of capitalised words ("Gone With the Wind") names a work."""
    words = _WORD_RE.findall(text, direct.start, direct.end)
    small = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "at", "by"}
    return all(w[0].isupper() or w[0].isdigit() or w in small for w in words)


# --- 5. Speakers ---------------------------------------------------------------------------


def _subject(context: _Context, cue: Any) -> Any | None:
    """The speaker token of a cue, from the parse, checked to lie in the cue's paragraph.

    spaCy's parser ignores paragraph breaks, so a heading without a full stop can become the
    subject of the next paragraph's verb ("... not mediating\n\nKalugin ... said"). Where the
    parse crosses the paragraph, the first actor of the paragraph before the cue stands in.
    """
    paragraph = context.paragraph_of(cue.idx)
    subject = _parsed_subject(cue)
    if subject is not None and context.paragraph_of(subject.idx) == paragraph:
        return subject
    if cue.sent.start_char < context.paragraphs[paragraph][0] or subject is not None:
        return _leading_actor(context, cue, paragraph)
    return None


def _leading_actor(context: _Context, cue: Any, paragraph: int) -> Any | None:
    start = context.paragraphs[paragraph][0]
    for token in context.tokens_in(start, cue.idx):
        entity = context.entity_of.get(token.i)
        is_actor = entity is not None and entity.label_ in _ACTOR_LABELS
        if (is_actor or token.lower_ in PERSON_PRONOUNS) and not context.in_quote(token.idx):
            return entity.root if entity is not None else token
    return None


def _parsed_subject(cue: Any) -> Any | None:
    """The cue's subject, the "by" agent of a passive, or the subject of the clause the cue
    hangs from."""
    node = cue
    for _ in range(4):
        agent = _agent(node)
        subjects = [c for c in node.children if c.dep_ in _SUBJECT_DEPS]
        if agent is not None and node.lemma_.lower() != "quote":
            return agent
        if subjects:
            subject = subjects[0]
            if subject.lower_ in _RELATIVE_PRONOUNS and node.dep_ == "relcl":
                return node.head
            return subject
        if node.dep_ not in _CLIMB_DEPS or node.head is node:
            return None
        node = node.head
    return None


def _agent(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _cue_range(cue: Any) -> tuple[int, int]:
    end = cue.idx + len(cue)
    particles = PARTICLE_CUES.get(cue.lemma_.lower(), frozenset())
    for child in cue.children:
        if child.lower_ in particles and child.i == cue.i + 1:
            end = child.idx + len(child)
    return (cue.idx, end)


def _speaker(context: _Context, head: Any) -> tuple[tuple[int, int], str | None]:
    """The speaker's span (the entity or noun phrase of ``head``) and the name it stands for."""
    named = _appositive_person(context, head)
    tokens = _speaker_tokens(context, named or head)
    span = (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
    return span, _speaker_name(context, named or head, tokens)


def _appositive_person(context: _Context, head: Any) -> Any | None:
    """ "the spokesman, Mark Regev, said": the name beats the title."""
    if head.ent_type_ == "PERSON":
        return None
    return next((c for c in head.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)


def _speaker_tokens(context: _Context, head: Any) -> list[Any]:
    if head.i in context.entity_of:
        return _trim_possessive(list(context.entity_of[head.i]))
    if head.i in context.chunk_of:
        return _trim_possessive(list(context.chunk_of[head.i]))
    return [head]


def _trim_possessive(tokens: list[Any]) -> list[Any]:
    while len(tokens) > 1 and (tokens[-1].dep_ == "case" or tokens[-1].is_punct):
        tokens = tokens[:-1]
    return tokens


def _speaker_name(context: _Context, head: Any, tokens: list[Any]) -> str | None:
    """The name the speaker stands for, by a simple within-article heuristic.

    A proper name gives its fullest form in the article ("Putin" → "Vladimir Putin"). A
    pronoun ("he", "she") or a definite title ("the Russian president") gives the most recent
    PERSON mentioned before it outside quotations: usually right in news prose, but it is
    recency, not coreference resolution, and it can pick the wrong person.
    """
    text = " ".join(t.text for t in tokens)
    entity = context.entity_of.get(head.i)
    if entity is not None or head.pos_ == "PROPN":
        # spaCy often labels a surname alone as ORG or GPE ("Meshaal"): the full name wins.
        return _full_name(context, text)
    if head.lower_ in PERSON_PRONOUNS or _is_definite_title(tokens, head):
        recent = _recent_person(context, tokens[0].idx)
        return _full_name(context, recent) if recent else None
    return None


def _is_definite_title(tokens: list[Any], head: Any) -> bool:
    return tokens[0].lower_ == "the" and head.lemma_.lower() in TITLE_NOUNS


def _recent_person(context: _Context, before: int) -> str | None:
    people = [
        ent
        for ent in context.doc.ents
        if ent.label_ == "PERSON"
        and ent.end_char <= before
        and not context.in_quote(ent.start_char)
    ]
    return _clean_name(people[-1].text) if people else None


def _full_name(context: _Context, name: str) -> str:
    """The longest PERSON mention of the article that contains every word of ``name``."""
    words = set(_WORD_RE.findall(_clean_name(name)))
    candidates = [
        _clean_name(ent.text)
        for ent in context.doc.ents
        if ent.label_ == "PERSON" and words <= set(_WORD_RE.findall(ent.text))
    ]
    return max(candidates, key=lambda c: len(c.split()), default=_clean_name(name))


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return re.sub(r"(?:'s|’s|')$", "", name).strip()


# --- Mapping to the original text ----------------------------------------------------------


def _to_quotes(found: _Found, view: Any, source: str) -> Iterable[Quote]:
    """The quote in original-text offsets; a quote whose paragraphs are not adjacent in the
    original (cleaning dropped something between them) is split into one quote a paragraph."""
    attribution = found.attribution
    cue = view.to_source(*attribution.cue) if attribution.cue else None
    speaker = view.to_source(*attribution.speaker) if attribution.speaker else None
    for start, end in _source_pieces(found.content, view, source):
        yield Quote(Span(start, end), cue, speaker, attribution.name, found.direct)


def _source_pieces(content: tuple[int, int], view: Any, source: str) -> list[tuple[int, int]]:
    start, end = content
    span = view.to_source(start, end)
    first = max(bisect.bisect_right(view.body_starts, start) - 1, 0)
    last = max(bisect.bisect_right(view.body_starts, max(end - 1, start)) - 1, 0)
    gaps = [
        source[view.source_spans[i].end : view.source_spans[i + 1].start]
        for i in range(first, last)
    ]
    if all(not gap.strip() for gap in gaps):
        return [(span.start, span.end)]
    pieces = []
    for index in range(first, last + 1):
        body_start = max(start, view.body_starts[index])
        body_end = min(end, view.body_starts[index] + len(view.source_spans[index]))
        if body_end > body_start:
            piece = view.to_source(body_start, body_end)
            pieces.append((piece.start, piece.end))
    return pieces
