"""Quotes mapped from the clean body back to the original text, fragment by fragment."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from storyline.annotate.quotes.context import Found
from storyline.records import Quote


def to_quotes(found: Found, view: Any, source: str) -> Iterable[Quote]:
    """The quote in original-text offsets; a quote whose paragraphs are not adjacent in the
    original (cleaning dropped something between them) is split into one quote a paragraph,
    each with the fragments that fall in it."""
    attribution = found.attribution
    cue = view.to_source(*attribution.cue) if attribution.cue else None
    speaker = view.to_source(*attribution.speaker) if attribution.speaker else None
    for start, end in _body_pieces(found.content, view, source):
        fragments = tuple(
            view.to_source(max(a, start), min(b, end))
            for a, b in found.fragments
            if min(b, end) > max(a, start)
        )
        yield Quote(view.to_source(start, end), cue, speaker, attribution.name, found.direct,
                    fragments if len(fragments) > 1 else ())  # fmt: skip


def _body_pieces(content: tuple[int, int], view: Any, source: str) -> list[tuple[int, int]]:
    """The content in body offsets: whole, or one piece a paragraph where the original text
    holds more than white space between two of its paragraphs."""
    start, end = content
    first = max(bisect.bisect_right(view.body_starts, start) - 1, 0)
    last = max(bisect.bisect_right(view.body_starts, max(end - 1, start)) - 1, 0)
    gaps = [
        source[view.source_spans[i].end : view.source_spans[i + 1].start]
        for i in range(first, last)
    ]
    if all(not gap.strip() for gap in gaps):
        return [(start, end)]
    pieces = []
    for index in range(first, last + 1):
        body_start = max(start, view.body_starts[index])
        body_end = min(end, view.body_starts[index] + len(view.source_spans[index]))
        if body_end > body_start:
            pieces.append((body_start, body_end))
    return pieces
