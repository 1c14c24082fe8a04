"""Step 4, attribution of direct quotes: the cue and speaker each direct quote is said by, from its
sentence, a signature, or its neighbours in the paragraph."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from storyline.annotate.quotes.context import Attribution, Context, Direct, Found, Stretch
from storyline.annotate.quotes.cues import (
    COGNITION_CUES,
    CUE_LEMMAS,
    INTENTION_CUES,
    SIGNATURE_RE,
    WORD_RE,
    is_cue,
    is_naming,
    reads_as_statement,
    word_count,
)
from storyline.annotate.quotes.reported import according_to, complement_range, complement_tokens
from storyline.annotate.quotes.speakers import cue_range, speaker_of, subject_of
from storyline.settings import QuoteSettings


def attribute_directs(
    context: Context, directs: list[Direct], reported: list[Found], settings: QuoteSettings
) -> list[Found]:
    results: list[Found] = []
    for direct in directs:
        cue = _reporting_cue(_direct_cue(context, direct))
        attribution = _attribution_of(context, direct, cue, results, reported)
        if _is_not_a_quotation(context, direct, attribution, settings):
            continue
        if _continues_previous(context, direct, attribution, results):
            # '"A," said X, a lawyer who .... "B."', or a bare quoted paragraph after X's:
            # one attribution, so one quote whose fragments are the pieces (PolNeAR annotates
            # them so); quote grouping still takes each sentence as its own utterance.
            previous = results[-1]
            pieces = previous.pieces + tuple((s.start, s.end) for s in direct.stretches)
            paragraph = direct.stretches[-1].paragraph
            content = (previous.content[0], direct.end)
            results[-1] = Found(content, previous.attribution, True, paragraph, pieces)
            continue
        content = _direct_content(context, direct, cue)
        same = [i for i, f in enumerate(results) if f.content[0] == content[0]]
        if same:  # a second quoted piece of one reported clause: the clause is one quote
            earlier = results[same[-1]]
            end = max(earlier.content[1], content[1])
            results[same[-1]] = dataclasses.replace(earlier, content=(content[0], end))
            continue
        if any(f.content[0] <= direct.start and direct.end <= f.content[1] for f in results):
            continue
        fragments = tuple((s.start, s.end) for s in direct.stretches)
        found = Found(content,
                       attribution or Attribution(None, None, None),
                       direct=True, paragraph=direct.stretches[-1].paragraph,
                       fragments=fragments if len(fragments) > 1 else ())  # fmt: skip
        results.append(found)
    return results


def _attribution_of(
    context: Context, direct: Direct, cue: Any | None, earlier: list[Found],
    reported: list[Found],
) -> Attribution | None:  # fmt: skip
    """The first rule that attributes the quote, most explicit first."""
    rules: list[tuple[str, Callable[[], Attribution | None]]] = [
        ("signature", lambda: _signature_attribution(context, direct)),
        ("cue", lambda: _cue_attribution(context, cue) if cue is not None else None),
        ("according", lambda: _according_attribution(context, direct)),
        ("previous", lambda: _previous_in_paragraph(direct, earlier)),
        ("neighbour", lambda: _neighbour_attribution(context, direct, earlier + reported)),
    ]
    for rule, attribute in rules:
        attribution = attribute()
        if attribution is not None:
            return dataclasses.replace(attribution, rule=attribution.rule or rule)
    return None


def _is_not_a_quotation(
    context: Context, direct: Direct, attribution: Attribution | None, settings: QuoteSettings
) -> bool:
    """A title ("Gone With the Wind"), or a short fragment nobody says with no final stop
    ("thousands of shootings"): the writer's words in scare quotes."""
    if _looks_like_title(context, direct, attributed=attribution is not None):
        return True
    if attribution is not None and attribution.speaker is not None:
        return False
    pieces = [(direct.start, direct.end)]
    return not reads_as_statement(context.text, pieces, settings.min_unattributed_words)


def _continues_previous(
    context: Context, direct: Direct, attribution: Attribution | None, results: list[Found]
) -> bool:
    """The quote has no attribution of its own and goes on the direct quote just before it,
    as whole sentences: a quoted fragment inside a sentence of the writer's ('"You squeezed
    employees" to drive up the stock price') is a quote of its own."""
    if attribution is None or attribution.rule not in ("previous", "continued") or not results:
        return False
    previous = results[-1]
    return (
        previous.direct
        and previous.attribution.speaker == attribution.speaker
        and previous.paragraph >= direct.stretches[0].paragraph - 1
        and not WORD_RE.search(context.after_quote(direct.stretches[-1]))
    )


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
        if is_cue(node) and node.lemma_.lower() not in COGNITION_CUES:
            return node
    return cue


def _signature_attribution(context: Context, direct: Direct) -> Attribution | None:
    """ "“...” — Sonya Herridge": a dash and a name ending the quote's paragraph sign it, the
    convention of vox pops and epigraphs; so does a bare name that is all the paragraph has
    after the quote (a pull quote, '"..." Khalid Mish'al')."""
    last = direct.stretches[-1]
    p_end = context.paragraphs[last.paragraph][1]
    match = SIGNATURE_RE.match(context.text, last.close_mark + 1, p_end)
    start = match.end() if match else last.close_mark + 1
    tokens = [t for t in context.tokens_in(start, p_end) if not t.is_space]
    if not tokens or tokens[0].pos_ != "PROPN":
        return None
    if match is None and not _is_one_person(context, tokens):
        return None
    # A signature is a name and perhaps a description, never a clause of its own.
    if any(t.pos_ == "VERB" for t in tokens):
        return None
    return Attribution(None, *speaker_of(context, tokens[0]))


def _is_one_person(context: Context, tokens: list[Any]) -> bool:
    entity = context.entity_of.get(tokens[0].i)
    words = [t for t in tokens if not t.is_punct]
    return entity is not None and entity.label_ == "PERSON" and len(words) == len(entity)


def _direct_cue(context: Context, direct: Direct) -> Any | None:
    """The cue verb of the quote's own sentences: one that governs the quote (or hangs from
    it), else the nearest. A naming verb counts only for the name it gives: "labelled
    "terrorist" by Washington, watched "Gone With the Wind"" does not attribute the title."""
    cues = [
        t
        for t in _attribution_window(context, direct)
        if is_cue(t)
        and t.lemma_.lower() not in INTENTION_CUES - CUE_LEMMAS
        and (not is_naming(t) or _names(context, t, direct))
    ]
    # A cue with nobody speaking ("sends a message that "..."") gives way to one with a
    # speaker ("Mulgrew said he hopes the day of action sends a message that "..."").
    return min(
        cues,
        key=lambda t: (
            not _linked(context, t, direct),
            subject_of(context, t) is None,
            _distance(t, direct),
        ),
        default=None,
    )


def _cue_attribution(context: Context, cue: Any) -> Attribution:
    subject = subject_of(context, cue)
    speaker = speaker_of(context, subject) if subject is not None else (None, None)
    return Attribution(cue_range(cue), *speaker)


def _according_attribution(context: Context, direct: Direct) -> Attribution | None:
    window = _attribution_window(context, direct)
    according = next((t for t in window if t.lower_ == "according"), None)
    found = according_to(context, according) if according is not None else None
    return found.attribution if found else None


def _direct_content(context: Context, direct: Direct, cue: Any | None) -> tuple[int, int]:
    """The quoted words; for a partial quote inside reported speech ('said Israel would not
    negotiate until it "recognises ..."') the whole reported clause, marks included, as
    PolNeAR annotates it: the quoted fragment alone is often not a statement."""
    inside = (direct.start, direct.end)
    if cue is None or len(direct.stretches) > 1:
        return inside
    stretch = direct.stretches[0]
    clause = _clause_holding(context, cue, stretch)
    if clause is None:
        return inside  # no clause around the quote
    words_after = word_count(context.text, stretch.close_mark + 1, clause[1])
    if clause[0] == stretch.open_mark and not words_after:
        return inside  # the clause is the quotation itself
    return (clause[0], max(clause[1], stretch.close_mark + 1))


def _clause_holding(context: Context, cue: Any, stretch: Stretch) -> tuple[int, int] | None:
    """What the cue reports when it holds the opening mark, else what the nearest cue above
    the quote reports ('Clinton says she hopes ..., but she knows that "..."'). The clause
    must hold the mark: the parse often cuts it short inside the quote."""
    first = next((t for t in context.tokens_in(stretch.start, stretch.end)), None)
    # A cue inside a quotation is the speaker's word ('"began to say we want ...," Cook told
    # Benioff'), never the verb that reports a later quote of the sentence.
    above = (
        [a for a in first.ancestors if is_cue(a) and not context.in_quote(a.idx)]
        if first is not None
        else []
    )
    for candidate in [cue, *above]:
        clause = complement_range(context, candidate)
        if clause is not None and clause[0] <= stretch.open_mark < clause[1]:
            return clause
    return None


def _attribution_window(context: Context, direct: Direct) -> list[Any]:
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


def _following_sentence(context: Context, start: int, end: int) -> Any | None:
    after = next((t for t in context.tokens_in(start, end) if not t.is_space), None)
    if after is None or any(context.in_quote(t.idx) for t in after.sent if t.idx >= start):
        return None
    return after.sent


def _names(context: Context, cue: Any, direct: Direct) -> bool:
    tokens = complement_tokens(context, cue)
    return bool(tokens) and tokens[0].idx <= direct.start < tokens[-1].idx + len(tokens[-1])


def _linked(context: Context, cue: Any, direct: Direct) -> bool:
    """The cue governs the quote, or the quote governs the cue (a parenthetical "he said")."""
    inside = [t for t in context.tokens_in(direct.start, direct.end) if t.idx >= direct.start]
    return any(cue.is_ancestor(t) or t.is_ancestor(cue) for t in inside[:1] + inside[-1:])


def _distance(token: Any, direct: Direct) -> int:
    return min(abs(token.idx - direct.start), abs(token.idx - direct.end))


def _previous_in_paragraph(direct: Direct, earlier: list[Found]) -> Attribution | None:
    """'"A," said X, a lawyer who .... "B."': a quote with no attribution of its own goes on
    the attributed quote before it in its paragraph (too far apart to be one broken quote)."""
    paragraph = direct.stretches[0].paragraph
    if not earlier or earlier[-1].paragraph != paragraph or not earlier[-1].attribution.speaker:
        return None
    attribution = earlier[-1].attribution
    return Attribution(None, attribution.speaker, attribution.name)


def _neighbour_attribution(
    context: Context, direct: Direct, earlier: list[Found]
) -> Attribution | None:
    """A quote that opens its paragraph and has no attribution of its own takes the speaker
    of an introducing "X said:" paragraph, or of the quote in the paragraph just before."""
    first = direct.stretches[0]
    paragraph_start = context.paragraphs[first.paragraph][0]
    if first.open_mark != paragraph_start or first.paragraph == 0:
        return None
    previous_start, previous_end = context.paragraphs[first.paragraph - 1]
    if context.text[previous_start:previous_end].rstrip().endswith(":"):
        cues = [t for t in context.tokens_in(previous_start, previous_end) if is_cue(t)]
        subject = subject_of(context, cues[-1]) if cues else None
        if subject is not None:
            return Attribution(cue_range(cues[-1]), *speaker_of(context, subject), rule="colon")
    before = [f for f in earlier if f.paragraph == first.paragraph - 1 and f.attribution.speaker]
    # A continuation is a full sentence; a pull quote or a headline usually has no final stop.
    if before and re.search(r"[.!?…]$", context.text[direct.start : direct.end]):
        latest = max(before, key=lambda f: f.content)
        return Attribution(None, latest.attribution.speaker, latest.attribution.name, "continued")
    return None


def _looks_like_title(context: Context, direct: Direct, attributed: bool) -> bool:
    """A run of capitalised words ("Gone With the Wind") names a work. One with a speaker
    nearby is still a title when it has no verb: 'said on "Face the Nation"' names a show,
    while a capitalised slogan ("Lock Her Up") is a clause."""
    words = WORD_RE.findall(context.text, direct.start, direct.end)
    small = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "at", "by"}
    if not all(w[0].isupper() or w[0].isdigit() or w in small for w in words):
        return False
    tokens = context.tokens_in(direct.start, direct.end)
    return not attributed or not any(t.pos_ in ("VERB", "AUX") for t in tokens)
