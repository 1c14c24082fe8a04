"""Quotes: direct quotations (quote marks) and reported speech (the dependency parse).

Everything is found on the clean body (``article.body_text``) and its spaCy parse, then
mapped back to the original text. The steps, in order:

1. quote-mark stretches, paragraph by paragraph (a stray mark never reaches past its
   paragraph; a paragraph that opens a quote and does not close it continues only into a
   next paragraph that opens with a quote mark, the news convention for long quotes);
2. stretches broken by their attribution (``"A," he said. "B."``) become one quote, unless
   the attribution outweighs the quoted words or the first part was finished;
3. reported speech: a speech, cognition or intention verb with a subject and a clausal
   complement ("Kalugin said that Russia would ...", "pledged to ..."), a cue set inside
   what it reports ("The plan, Smith said, would ..."), a noun of saying ("Trump's claim
   that ..."), a naming verb with a quoted name ('called Trump a "con artist"'), and
   "according to X, ..."; one that quotes some of its words is a partial direct quote;
4. the attribution of each direct quote: a signature ("... ” — Name"), else the cue verb of
   its sentences that governs it and has a speaker, else "according to", else the quote
   before it in its paragraph, else the paragraph before (a bare quoted paragraph continues
   the speaker of the paragraph before it; a paragraph ending in ":" introduces the quote
   after it); titles and short unattributed fragments are scare quotes, not quotations;
5. speaker names, with a simple within-article heuristic (see :func:`_speaker_name`).

spaCy's own ``textacy``-style rules were the starting point; they are hand-written here
because the rules for unbalanced marks and multi-paragraph quotes need the paragraph layout,
which no library we use knows about.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
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
#: A dash after a closing mark that introduces the name signing a quote.
_SIGNATURE_RE = re.compile(r"[,.]?\s*[―—–]\s*")

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
        "counter", "joke", "show", "find", "shout", "yell", "scream", "chant", "exclaim",
        "sing", "quip", "boast", "plead", "lament", "recount", "wonder", "retort",
        "cite", "question", "criticize", "criticise", "encourage", "advise", "implore",
    }
)  # fmt: skip
#: Verbs of thinking and wanting: the quote under one that a speech verb reports is the
#: speaker's words ("X said voters believe "...""), not the thinker's.
COGNITION_CUES = frozenset(
    {"believe", "think", "feel", "fear", "hope", "want", "know", "expect", "wish"}
)
#: Cues that take an object and an infinitive ("urged the US not to cut off funds").
OBJECT_CONTROL_CUES = frozenset(
    {"urge", "ask", "call", "warn", "tell", "advise", "demand", "encourage", "implore"}
)
#: Verbs of intent and commitment, attributions of what someone means to do ("pledged to
#: work together", "declined to comment"): their infinitive is the content.
INTENTION_CUES = frozenset(
    {
        "want", "plan", "pledge", "promise", "vow", "refuse", "decline", "agree", "intend",
        "seek", "threaten", "hope", "offer", "propose", "aim", "expect", "wish",
    }
)  # fmt: skip
#: Cues that need a particle to mean speech ("called on", "called for", "pointed out").
PARTICLE_CUES = {"call": frozenset({"on", "for"}), "point": frozenset({"out"})}
#: Nouns of saying that take the content as a clause ("Trump's claim that ...").
CUE_NOUNS = frozenset(
    {
        "claim", "statement", "assertion", "argument", "warning", "allegation", "accusation",
        "suggestion", "belief", "view", "insistence", "contention", "charge", "comment",
        "remark", "announcement", "promise", "pledge", "vow", "threat", "prediction",
        "assurance", "admission", "denial", "complaint", "conclusion", "message", "call",
        "demand", "proposal", "plan", "decision", "hope", "fear", "assessment", "estimate",
    }
)  # fmt: skip
#: Verbs that name what they talk about ("called Trump a "con artist""): with the name in
#: quote marks, the object and the name are a partial quote of the subject.
NAMING_CUES = frozenset(
    {
        "call", "describe", "label", "brand", "dub", "term", "characterize", "characterise",
        "deem", "portray", "refer", "praise", "hail", "criticize", "criticise", "slam",
        "blast", "mock", "dismiss", "denounce", "condemn",
    }
)  # fmt: skip
_NAMING_PREPOSITIONS = frozenset({"as", "for"})
#: The dependents of a naming verb that belong to its partial quote (of its prepositions,
#: only "as" and "for": "during a campaign stop" is the writer's).
_NAMING_DEPS = frozenset({"dobj", "oprd", "prep", "ccomp"})
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
#: ("he was quoted as saying", "..., saying that", "reaffirmed ... and emphasised ...");
#: a subject-less ``ccomp`` is the parser's reading of a second verb ("said ... but said").
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "prep", "relcl", "ccomp"})
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
    return _attribute_directs(context, directs, reported, settings) + reported


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
        self._quoted: list[tuple[int, int]] = []
        self._quoted_starts: list[int] = []
        self.person_words = {
            word for ent in doc.ents if ent.label_ == "PERSON" for word in ent.text.split()
        }

    def paragraph_of(self, offset: int) -> int:
        starts = [start for start, _ in self.paragraphs]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list[Any]:
        first = max(bisect.bisect_right(self.token_starts, start) - 1, 0)
        last = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[first:last] if t.idx + len(t) > start]

    @property
    def quoted(self) -> list[tuple[int, int]]:
        """The quoted ranges (marks included), disjoint and in text order."""
        return self._quoted

    @quoted.setter
    def quoted(self, ranges: list[tuple[int, int]]) -> None:
        self._quoted = sorted(ranges)
        self._quoted_starts = [start for start, _ in self._quoted]

    def in_quote(self, offset: int) -> bool:
        # Called for most tokens of the body: a bisection, not a scan of every quote.
        at = bisect.bisect_right(self._quoted_starts, offset) - 1
        return at >= 0 and offset < self._quoted[at][1]


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
    gap_words = len(_WORD_RE.findall(gap))
    if gap_words > settings.max_attribution_gap_words:
        return False
    # A long attribution ("said X, a lawyer who ...") would outweigh the quoted words in one
    # span: the two stretches stay two quotes, the second inheriting the first's speaker.
    quoted_words = _word_count(context.text, first.start, first.end)
    if gap_words > quoted_words + _word_count(context.text, second.start, second.end):
        return False
    # The attribution must be finished before the quote resumes ("he said, " / "he said. "),
    # and the first part must end as a quote broken off does, with a comma, dash or question
    # mark inside or just after its marks (a nickname, 'Marcia "Cia" Price said', is none).
    if not re.search(r"[,.;:]\s*$", gap) or not _broken_off(context.text, last, gap):
        return False
    # A full stop inside the first marks ends that quote: the words after it introduce the
    # next one ('"... kidding." To which she said, "..."').
    if context.text[last.open_mark : last.close_mark].rstrip().endswith("."):
        return False
    # Two cues ('"A," she sings before asking, "B"') attribute two utterances.
    cues = [t for t in context.tokens_in(last.close_mark + 1, nxt.open_mark) if _is_cue(t)]
    return len(cues) == 1


def _broken_off(text: str, stretch: _Stretch, gap: str) -> bool:
    inside = text[stretch.open_mark + 1 : stretch.close_mark].rstrip()
    after = gap.lstrip()[:1]
    return not inside[-1:].isalnum() or (bool(after) and not after.isalnum())


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
            yield _with_marks_direct(context, found)


def _with_marks_direct(context: _Context, found: _Found) -> _Found:
    """Reported speech that quotes some of its words ('called Machado "disgusting"') is a
    partial direct quote: the fragment alone is too short to stand as a quote of its own."""
    start, end = found.content
    if _MARK_RE.search(context.text, start, end) is None:
        return found
    return dataclasses.replace(found, direct=True)


def _is_cue(token: Any) -> bool:
    if token.pos_ == "NOUN":
        return _is_cue_noun(token)
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if _is_naming(token):
        return True
    if token.lemma_.lower() not in CUE_LEMMAS | INTENTION_CUES:
        return False
    particles = PARTICLE_CUES.get(token.lemma_.lower())
    return particles is None or any(c.lower_ in particles for c in token.children)


def _is_cue_noun(token: Any) -> bool:
    return token.lemma_.lower() in CUE_NOUNS and _noun_clause(token) is not None


def _noun_clause(noun: Any) -> Any | None:
    """ "Trump's claim that there have been ...", "his pledge to cut taxes": the clause a
    noun of saying takes (spaCy's ``acl``), when it opens with "that" or "to" (a relative
    clause, "the claim he made", is not what was said)."""
    for child in noun.rights:
        if child.dep_ == "acl" and next(child.subtree).lower_ in ("that", "to"):
            return child
    return None


def _is_naming(token: Any) -> bool:
    """ "called Trump a "con artist"", "described the test as "reckless"": a verb that names
    its object, with the name it gives (an ``oprd``, or an "as"/"for" phrase)."""
    if token.lemma_.lower() not in NAMING_CUES:
        return False
    return any(
        c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in _NAMING_PREPOSITIONS)
        for c in token.rights
    )


def _reported_from_cue(context: _Context, cue: Any) -> _Found | None:
    content = _complement_range(context, cue) or _parenthetical_range(context, cue)
    subject = _subject(context, cue) if content is not None else None
    if content is None or subject is None or _is_expletive(subject):
        return None
    attribution = _Attribution(_cue_range(cue), *_speaker(context, subject))
    return _Found(content, attribution, direct=False, paragraph=context.paragraph_of(cue.idx))


def _complement_range(context: _Context, cue: Any) -> tuple[int, int] | None:
    """Body offsets of what the cue reports, within the cue's paragraph, without "that"."""
    p_start, p_end = context.paragraphs[context.paragraph_of(cue.idx)]
    tokens = [t for t in _complement_tokens(context, cue) if p_start <= t.idx < p_end]
    if tokens and tokens[0].dep_ == "mark":
        tokens = tokens[1:]  # "that" belongs to the reporting clause, not to what was said
    tokens = [t for t in tokens if t.i != cue.i]
    if not tokens or tokens[0].i < cue.i < tokens[-1].i:
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


def _parenthetical_range(context: _Context, cue: Any) -> tuple[int, int] | None:
    """ "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt": a cue set inside
    the clause it reports (``parataxis``) reports all of that clause but itself."""
    if cue.dep_ != "parataxis" or not _is_speech(cue):
        return None
    p_start, p_end = context.paragraphs[context.paragraph_of(cue.idx)]
    own = {t.i for t in cue.subtree}
    tokens = _strip_punct(
        [t for t in cue.head.subtree if t.i not in own and p_start <= t.idx < p_end]
    )
    if not tokens:
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


def _is_speech(cue: Any) -> bool:
    """A cue of saying or thinking, not of intent or naming: only these are set inside what
    they report."""
    return cue.lemma_.lower() in CUE_LEMMAS and not _is_naming(cue)


def _complement_tokens(context: _Context, cue: Any) -> list[Any]:
    """What the cue reports: its clausal complement, or for a naming verb the object and the
    name it is given, which count only when the name is quoted (else "called him a liar" is
    the writer's own words)."""
    if not _is_naming(cue):
        complement = _complement(cue)
        return list(complement.subtree) if complement is not None else []
    heads = [
        c
        for c in cue.rights
        if c.dep_ in _NAMING_DEPS and (c.dep_ != "prep" or c.lower_ in _NAMING_PREPOSITIONS)
    ]
    tokens = sorted((t for head in heads for t in head.subtree), key=lambda t: t.i)
    if not tokens or not _MARK_RE.search(context.text, tokens[0].idx, tokens[-1].idx + 1):
        return []
    return tokens


def _complement(cue: Any) -> Any | None:
    if cue.pos_ == "NOUN":
        return _noun_clause(cue)
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ == "ccomp":
            return child
    for child in cue.children:
        if child.dep_ == "xcomp" and lemma in OBJECT_CONTROL_CUES | INTENTION_CUES:
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
    context: _Context, directs: list[_Direct], reported: list[_Found], settings: QuoteSettings
) -> list[_Found]:
    results: list[_Found] = []
    for direct in directs:
        cue = _reporting_cue(_direct_cue(context, direct))
        attribution = _attribution_of(context, direct, cue, results, reported)
        if _is_not_a_quotation(context, direct, attribution, settings):
            continue
        found = _Found(_direct_content(context, direct, cue),
                       attribution or _Attribution(None, None, None),
                       direct=True, paragraph=direct.stretches[-1].paragraph)  # fmt: skip
        results.append(found)
    return results


def _attribution_of(
    context: _Context, direct: _Direct, cue: Any | None, earlier: list[_Found],
    reported: list[_Found],
) -> _Attribution | None:  # fmt: skip
    """The first rule that attributes the quote, most explicit first."""
    attribution = _signature_attribution(context, direct)
    if attribution is None and cue is not None:
        attribution = _cue_attribution(context, cue)
    attribution = attribution or _according_attribution(context, direct)
    if attribution is None:
        attribution = _previous_in_paragraph(direct, earlier)
    if attribution is None:
        attribution = _neighbour_attribution(context, direct, earlier + reported)
    return attribution


def _is_not_a_quotation(
    context: _Context, direct: _Direct, attribution: _Attribution | None, settings: QuoteSettings
) -> bool:
    """A title ("Gone With the Wind"), or a short fragment nobody says with no final stop
    ("thousands of shootings"): the writer's words in scare quotes."""
    if _looks_like_title(context, direct, attributed=attribution is not None):
        return True
    if attribution is not None and attribution.speaker is not None:
        return False
    words = _word_count(context.text, direct.start, direct.end)
    ends = context.text[direct.start : direct.end].rstrip().endswith((".", "?", "!", "…"))
    return words < settings.min_unattributed_words and not ends


def _reporting_cue(cue: Any | None) -> Any | None:
    """'Mr. Obama said a majority of Americans have come to believe "that ..."': a verb of
    thinking inside what a speech verb reports does not speak; the quote is the speaker's."""
    if cue is None or cue.lemma_.lower() not in COGNITION_CUES:
        return cue
    node = cue
    for _ in range(3):
        if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head is node:
            return cue
        node = node.head
        if _is_cue(node) and node.lemma_.lower() not in COGNITION_CUES:
            return node
    return cue


def _signature_attribution(context: _Context, direct: _Direct) -> _Attribution | None:
    """ "“...” — Sonya Herridge": a dash and a name ending the quote's paragraph sign it, the
    convention of vox pops and epigraphs; so does a bare name that is all the paragraph has
    after the quote (a pull quote, '"..." Khalid Mish'al')."""
    last = direct.stretches[-1]
    p_end = context.paragraphs[last.paragraph][1]
    match = _SIGNATURE_RE.match(context.text, last.close_mark + 1, p_end)
    start = match.end() if match else last.close_mark + 1
    tokens = [t for t in context.tokens_in(start, p_end) if not t.is_space]
    if not tokens or tokens[0].pos_ != "PROPN":
        return None
    if match is None and not _is_one_person(context, tokens):
        return None
    # A signature is a name and perhaps a description, never a clause of its own.
    if any(t.pos_ == "VERB" for t in tokens):
        return None
    return _Attribution(None, *_speaker(context, tokens[0]))


def _is_one_person(context: _Context, tokens: list[Any]) -> bool:
    entity = context.entity_of.get(tokens[0].i)
    words = [t for t in tokens if not t.is_punct]
    return entity is not None and entity.label_ == "PERSON" and len(words) == len(entity)


def _direct_cue(context: _Context, direct: _Direct) -> Any | None:
    """The cue verb of the quote's own sentences: one that governs the quote (or hangs from
    it), else the nearest. A naming verb counts only for the name it gives: "labelled
    "terrorist" by Washington, watched "Gone With the Wind"" does not attribute the title."""
    cues = [
        t
        for t in _attribution_window(context, direct)
        if _is_cue(t)
        and t.lemma_.lower() not in INTENTION_CUES - CUE_LEMMAS
        and (not _is_naming(t) or _names(context, t, direct))
    ]
    # A cue with nobody speaking ("sends a message that "..."") gives way to one with a
    # speaker ("Mulgrew said he hopes the day of action sends a message that "..."").
    return min(
        cues,
        key=lambda t: (
            not _linked(context, t, direct),
            _subject(context, t) is None,
            _distance(t, direct),
        ),
        default=None,
    )


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
    stretch = direct.stretches[0]
    clause = _clause_holding(context, cue, stretch)
    if clause is None or clause[0] == stretch.open_mark:
        return inside  # no clause around the quote, or the clause is the quotation itself
    return (clause[0], max(clause[1], stretch.close_mark + 1))


def _clause_holding(context: _Context, cue: Any, stretch: _Stretch) -> tuple[int, int] | None:
    """What the cue reports when it holds the opening mark, else what the nearest cue above
    the quote reports ('Clinton says she hopes ..., but she knows that "..."'). The clause
    must hold the mark: the parse often cuts it short inside the quote."""
    first = next((t for t in context.tokens_in(stretch.start, stretch.end)), None)
    above = [a for a in first.ancestors if _is_cue(a)] if first is not None else []
    for candidate in [cue, *above]:
        clause = _complement_range(context, candidate)
        if clause is not None and clause[0] <= stretch.open_mark < clause[1]:
            return clause
    return None


def _attribution_window(context: _Context, direct: _Direct) -> list[Any]:
    """Tokens of the sentences holding the quote, in its paragraphs, outside any quote, and
    of the sentence right after each closing mark: the parser often ends the sentence inside
    the quote ('"... in our country?" Clinton said.'). A following sentence that holds a
    quote of its own introduces that one ('"..." To which she said, "..."')."""
    tokens: dict[int, Any] = {}
    for stretch in direct.stretches:
        p_start, p_end = context.paragraphs[stretch.paragraph]
        holding = context.tokens_in(stretch.open_mark, stretch.close_mark + 1)
        sentences = list({t.sent.start: t.sent for t in holding}.values())
        following = _following_sentence(context, stretch.close_mark + 1, p_end)
        for sentence in sentences + ([following] if following is not None else []):
            for t in sentence:
                if p_start <= t.idx < p_end and not context.in_quote(t.idx):
                    tokens[t.i] = t
    return [tokens[i] for i in sorted(tokens)]


def _following_sentence(context: _Context, start: int, end: int) -> Any | None:
    after = next((t for t in context.tokens_in(start, end) if not t.is_space), None)
    if after is None or any(context.in_quote(t.idx) for t in after.sent if t.idx >= start):
        return None
    return after.sent


def _names(context: _Context, cue: Any, direct: _Direct) -> bool:
    tokens = _complement_tokens(context, cue)
    return bool(tokens) and tokens[0].idx <= direct.start < tokens[-1].idx + len(tokens[-1])


def _linked(context: _Context, cue: Any, direct: _Direct) -> bool:
    """The cue governs the quote, or the quote governs the cue (a parenthetical "he said")."""
    inside = [t for t in context.tokens_in(direct.start, direct.end) if t.idx >= direct.start]
    return any(cue.is_ancestor(t) or t.is_ancestor(cue) for t in inside[:1] + inside[-1:])


def _distance(token: Any, direct: _Direct) -> int:
    return min(abs(token.idx - direct.start), abs(token.idx - direct.end))


def _previous_in_paragraph(direct: _Direct, earlier: list[_Found]) -> _Attribution | None:
    """'"A," said X, a lawyer who .... "B."': a quote with no attribution of its own goes on
    the attributed quote before it in its paragraph (too far apart to be one broken quote)."""
    paragraph = direct.stretches[0].paragraph
    if not earlier or earlier[-1].paragraph != paragraph or not earlier[-1].attribution.speaker:
        return None
    attribution = earlier[-1].attribution
    return _Attribution(None, attribution.speaker, attribution.name)


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


def _looks_like_title(context: _Context, direct: _Direct, attributed: bool) -> bool:
    """A run of capitalised words ("Gone With the Wind") names a work. One with a speaker
    nearby is still a title when it has no verb: 'said on "Face the Nation"' names a show,
    while a capitalised slogan ("Lock Her Up") is a clause."""
    words = _WORD_RE.findall(context.text, direct.start, direct.end)
    small = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "at", "by"}
    if not all(w[0].isupper() or w[0].isdigit() or w in small for w in words):
        return False
    tokens = context.tokens_in(direct.start, direct.end)
    return not attributed or not any(t.pos_ in ("VERB", "AUX") for t in tokens)


# --- 5. Speakers ---------------------------------------------------------------------------


def _subject(context: _Context, cue: Any) -> Any | None:
    """The speaker token of a cue, from the parse, checked to lie in the cue's paragraph.

    spaCy's parser ignores paragraph breaks, so a heading without a full stop can become the
    subject of the next paragraph's verb ("... not mediating\n\nKalugin ... said"). Where the
    parse crosses the paragraph, the first actor of the paragraph before the cue stands in.
    """
    paragraph = context.paragraph_of(cue.idx)
    subject = _parsed_subject(cue, context.in_quote)
    if subject is not None and context.paragraph_of(subject.idx) == paragraph:
        return subject
    if cue.sent.start_char < context.paragraphs[paragraph][0] or subject is not None:
        return _leading_actor(context, cue, paragraph)
    return _after_quote_actor(context, cue)


def _after_quote_actor(context: _Context, cue: Any) -> Any | None:
    """'"...," Flynn, a top Trump surrogate, said': the parser often hangs the name after a
    closing mark on the quote's last word; the words between the mark and the cue name the
    speaker."""
    before = list(cue.doc[cue.sent.start : cue.i])
    quoted = [t.i for t in before if context.in_quote(t.idx)]
    if not quoted:
        return None  # no quotation before the cue: nothing to lean on
    for token in (t for t in before if t.i > quoted[-1]):
        entity = context.entity_of.get(token.i)
        if entity is not None and entity.label_ in _ACTOR_LABELS:
            return entity.root
        if token.lower_ in PERSON_PRONOUNS:
            return token
    return None


def _leading_actor(context: _Context, cue: Any, paragraph: int) -> Any | None:
    start = context.paragraphs[paragraph][0]
    for token in context.tokens_in(start, cue.idx):
        entity = context.entity_of.get(token.i)
        is_actor = entity is not None and entity.label_ in _ACTOR_LABELS
        if (is_actor or token.lower_ in PERSON_PRONOUNS) and not context.in_quote(token.idx):
            return entity.root if entity is not None else token
    return None


def _parsed_subject(cue: Any, in_quote: Callable[[int], bool]) -> Any | None:
    """The cue's subject, the "by" agent of a passive, or the subject of the clause the cue
    hangs from. A subject inside a quotation is the parser joining the quote's first words to
    the cue ('"My reaction, ..." the strategist said'): the quoted words never speak."""
    if cue.pos_ == "NOUN":
        return _noun_speaker(cue)
    node = cue
    for _ in range(4):
        agent = _agent(node)
        subjects = [c for c in node.children if c.dep_ in _SUBJECT_DEPS and not in_quote(c.idx)]
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


def _noun_speaker(noun: Any) -> Any | None:
    """ "Trump's claim", "his warning", "the statement by the ministry"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
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
    since = people[-1].end_char if people else 0
    # The tagger misses some repeats of a surname it tagged elsewhere ("Mish'al ... dampened
    # hopes"): such a bare proper noun after the last PERSON is the more recent person.
    for token in reversed(context.tokens_in(since, before)):
        if _untagged_surname(context, token):
            return _clean_name(token.text)
    return _clean_name(people[-1].text) if people else None


def _untagged_surname(context: _Context, token: Any) -> bool:
    return (
        token.pos_ == "PROPN"
        and token.i not in context.entity_of
        and token.text in context.person_words
        and not context.in_quote(token.idx)
    )


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
