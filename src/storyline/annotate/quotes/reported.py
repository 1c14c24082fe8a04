"""Step 3, reported speech: the content clause of a cue verb or noun ("said that ...", "according
to ..."), read from the dependency parse."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from storyline.annotate.quotes.context import Attribution, Context, Found
from storyline.annotate.quotes.cues import (
    CUE_LEMMAS,
    INTENTION_CUES,
    MARK_RE,
    NAMING_DEPS,
    NAMING_PREPOSITIONS,
    OBJECT_CONTROL_CUES,
    is_cue,
    is_naming,
    noun_clause,
    word_count,
)
from storyline.annotate.quotes.speakers import cue_range, speaker_of, subject_of
from storyline.settings import QuoteSettings


def reported_quotes(context: Context, settings: QuoteSettings) -> Iterator[Found]:
    for token in context.doc:
        if context.in_quote(token.idx):
            continue
        found = _reported_from_cue(context, token) if is_cue(token) else None
        if found is None and token.lower_ == "according":
            found = according_to(context, token)
        if found and _acceptable_reported(context, found, settings):
            yield _with_marks_direct(context, found)


def _with_marks_direct(context: Context, found: Found) -> Found:
    """Reported speech that quotes some of its words ('called Machado "disgusting"') is a
    partial direct quote: the fragment alone is too short to stand as a quote of its own."""
    start, end = found.content
    marks = MARK_RE.findall(context.text, start, end)
    if not marks:
        return found
    # The parse ends the clause before its stop, so a quote that closes the sentence would be
    # cut before its closing mark ('praised as a "democratic election'): the mark goes with it.
    closing = _CLOSING_AFTER.match(context.text, end)
    if closing is not None and len(marks) % 2 == 1:
        end = closing.end()
    return dataclasses.replace(found, content=(start, end), direct=True)


#: Right after a clause: its stop (or comma) and the closing mark of a quote it opened.
_CLOSING_AFTER = re.compile(r"[.,!?…]?[\"”»]")


def _reported_from_cue(context: Context, cue: Any) -> Found | None:
    complement = complement_range(context, cue)
    content = complement or _parenthetical_range(context, cue)
    subject = subject_of(context, cue) if content is not None else None
    if content is None or subject is None or _is_expletive(subject):
        return None
    rule = "noun" if cue.pos_ == "NOUN" else "naming" if is_naming(cue) else "reported"
    if complement is None:
        rule = "parenthetical"  # the content came from the clause the cue is set inside
    attribution = Attribution(cue_range(cue), *speaker_of(context, subject), rule=rule)
    return Found(content, attribution, direct=False, paragraph=context.paragraph_of(cue.idx))


def complement_range(context: Context, cue: Any) -> tuple[int, int] | None:
    """Body offsets of what the cue reports, within the cue's paragraph, without "that"."""
    p_start, p_end = context.paragraphs[context.paragraph_of(cue.idx)]
    tokens = [t for t in complement_tokens(context, cue) if p_start <= t.idx < p_end]
    if tokens and tokens[0].dep_ == "mark":
        tokens = tokens[1:]  # "that" belongs to the reporting clause, not to what was said
    tokens = [t for t in tokens if t.i != cue.i]
    if not tokens or tokens[0].i < cue.i < tokens[-1].i:
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


def _parenthetical_range(context: Context, cue: Any) -> tuple[int, int] | None:
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
    return cue.lemma_.lower() in CUE_LEMMAS and not is_naming(cue)


def complement_tokens(context: Context, cue: Any) -> list[Any]:
    """What the cue reports: its clausal complement, or for a naming verb the object and the
    name it is given, which count only when the name is quoted (else "called him a liar" is
    the writer's own words)."""
    if not is_naming(cue):
        complement = _complement(cue)
        return list(complement.subtree) if complement is not None else []
    heads = [
        c
        for c in cue.rights
        if c.dep_ in NAMING_DEPS and (c.dep_ != "prep" or c.lower_ in NAMING_PREPOSITIONS)
    ]
    tokens = sorted((t for head in heads for t in head.subtree), key=lambda t: t.i)
    if not tokens or not MARK_RE.search(context.text, tokens[0].idx, tokens[-1].idx + 1):
        return []
    return tokens


def _complement(cue: Any) -> Any | None:
    if cue.pos_ == "NOUN":
        return noun_clause(cue)
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


def according_to(context: Context, according: Any) -> Found | None:
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
    attribution = Attribution(
        (according.idx, to.idx + len(to)), *speaker_of(context, source), rule="according"
    )
    return Found(content, attribution, False, context.paragraph_of(according.idx))


def _strip_punct(tokens: list[Any]) -> list[Any]:
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _acceptable_reported(context: Context, found: Found, settings: QuoteSettings) -> bool:
    start, end = found.content
    if word_count(context.text, start, end) < settings.min_direct_words:
        return False
    # A clause around a direct quote is that quote's context, not a second quote.
    return not any(start < q_end and q_start < end for q_start, q_end in context.quoted)
