"""Steps 1-2, direct quotes: stretches between quote marks, paragraphs that continue a quote, and
quotes broken by their cue joined again."""

from __future__ import annotations

import re

from storyline.annotate.quotes.context import Context, Direct, Stretch
from storyline.annotate.quotes.cues import (
    CLOSING_ONLY,
    MARK_RE,
    OPENING_ONLY,
    WORD_RE,
    is_cue,
    word_count,
)
from storyline.settings import QuoteSettings


def direct_quotes(context: Context, settings: QuoteSettings) -> list[Direct]:
    stretches = [
        stretch
        for index, (start, end) in enumerate(context.paragraphs)
        for stretch in _paragraph_stretches(context.text, start, end, index)
    ]
    directs = _merge_broken(context, _chain_paragraphs(context, stretches), settings)
    return [
        d for d in directs if word_count(context.text, d.start, d.end) >= settings.min_direct_words
    ]


def _paragraph_stretches(text: str, start: int, end: int, paragraph: int) -> list[Stretch]:
    """Pair the quote marks of one paragraph, skipping marks that cannot open or close."""
    stretches: list[Stretch] = []
    open_at: int | None = None
    for match in MARK_RE.finditer(text, start, end):
        at = match.start()
        if open_at is None:
            if _can_open(text, at, start, end):
                open_at = at
        elif _opens_only(text, at, start, end):
            # 'Meshaal said "we salute ... organization. This stance would "lead to ..."': a
            # mark after a space and before a word opens; the quote before it was left open,
            # and ends at its last full stop (or was a stray mark, when it has none).
            sentence_end = _last_sentence_end(text, open_at + 1, at)
            if sentence_end is not None:
                stretches.append(_stretch(text, open_at, sentence_end, paragraph, closed=True))
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


def _opens_only(text: str, at: int, start: int, end: int) -> bool:
    """A straight mark between a space and a word ('said "we'), which cannot close."""
    before = text[at - 1] if at > start else " "
    after = text[at + 1] if at + 1 < end else " "
    return text[at] == '"' and before.isspace() and after.isalnum()


def _last_sentence_end(text: str, start: int, end: int) -> int | None:
    """The offset just after the last full stop, "?" or "!" followed by a space in the range."""
    found = None
    for match in re.finditer(r"[.?!](?=\s)", text[start:end]):
        found = start + match.end()
    return found


def _can_close(text: str, at: int, start: int, end: int) -> bool:
    if text[at] in OPENING_ONLY and at + 1 < end and not text[at + 1].isspace():
        before = text[at - 1] if at > start else " "
        return not (before.isspace() or before in "([{—–-")
    return True


def _stretch(text: str, open_mark: int, close_mark: int, paragraph: int, closed: bool) -> Stretch:
    """The inside of the marks without surrounding spaces or a trailing comma (punctuation of
    the attribution, not of the speaker)."""
    inside = text[open_mark + 1 : close_mark]
    stripped = inside.strip().rstrip(",").rstrip()
    start = open_mark + 1 + (len(inside) - len(inside.lstrip()))
    return Stretch(
        start, max(start, start + len(stripped)), open_mark, close_mark, paragraph, closed
    )


def _chain_paragraphs(context: Context, stretches: list[Stretch]) -> list[Direct]:
    """Join a paragraph left open to the next one when that one opens with a quote mark.

    A chain that never closes is dropped: an unbalanced mark in messy text must not turn
    several paragraphs into one quote.
    """
    directs: list[Direct] = []
    chain: list[Stretch] = []
    for stretch in stretches:
        if chain and not _continues(context, chain[-1], stretch):
            chain = []  # the open chain was not continued: drop it
        chain.append(stretch)
        if stretch.closed:
            directs.append(Direct(tuple(chain)))
            chain = []
    return directs


def _continues(context: Context, previous: Stretch, stretch: Stretch) -> bool:
    paragraph_start = context.paragraphs[stretch.paragraph][0]
    return (
        not previous.closed
        and stretch.paragraph == previous.paragraph + 1
        and stretch.open_mark == paragraph_start
    )


def _merge_broken(context: Context, directs: list[Direct], settings: QuoteSettings) -> list[Direct]:
    """``"A," he said. "B."`` in one paragraph is one quote broken by its attribution."""
    merged: list[Direct] = []
    for direct in directs:
        if merged and _is_attribution_gap(context, merged[-1], direct, settings):
            merged[-1] = Direct(merged[-1].stretches + direct.stretches)
        else:
            merged.append(direct)
    return merged


def _is_attribution_gap(
    context: Context, first: Direct, second: Direct, settings: QuoteSettings
) -> bool:
    last, nxt = first.stretches[-1], second.stretches[0]
    gap = context.text[last.close_mark + 1 : nxt.open_mark]
    if last.paragraph != nxt.paragraph or not gap.strip() or "\n" in gap:
        return False
    gap_words = len(WORD_RE.findall(gap))
    if gap_words > settings.max_attribution_gap_words:
        return False
    # A long attribution ("said X, a lawyer who ...") is fine: the quote's fragments leave it
    # out, so it never becomes part of what was said.
    # The attribution must be finished before the quote resumes ("he said, " / "he said. "),
    # and the first part must end as a quote broken off does, with a comma, dash or question
    # mark inside or just after its marks (a nickname, 'Marcia "Cia" Price said', is none).
    # After "he said." the quote resumes with a new sentence: one attribution of two
    # utterances, kept as one quote with two fragments (as PolNeAR annotates it: splitting
    # them cost 0.1 of direct attributed precision on its dev set), which quote grouping
    # takes as two utterances.
    if not re.search(r"[,.;:]\s*$", gap) or not _broken_off(context.text, last, gap):
        return False
    # A full stop inside the first marks ends that quote: the words after it introduce the
    # next one ('"... kidding." To which she said, "..."').
    if context.text[last.open_mark : last.close_mark].rstrip().endswith("."):
        return False
    # A second stretch inside a sentence of the writer's ('"You squeezed employees" to drive
    # up the stock price') is a partial quote of its own, not the rest of the first.
    closing = second.stretches[-1]
    finished = context.text[closing.start : closing.close_mark].rstrip().endswith((".", "?", "!"))
    after = context.after_quote(closing)
    if not finished and WORD_RE.search(re.split(r"[.!?](?:\s|$)", after, maxsplit=1)[0]):
        return False
    # Two cues ('"A," she sings before asking, "B"') attribute two utterances.
    cues = [t for t in context.tokens_in(last.close_mark + 1, nxt.open_mark) if is_cue(t)]
    return len(cues) == 1


def _broken_off(text: str, stretch: Stretch, gap: str) -> bool:
    inside = text[stretch.open_mark + 1 : stretch.close_mark].rstrip()
    after = gap.lstrip()[:1]
    return not inside[-1:].isalnum() or (bool(after) and not after.isalnum())
