"""Quotes mapped from the clean body back to the original text, fragment by fragment."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from storyline.annotate.quotes.context import Found
from storyline.records import Quote, Span


def to_quotes(found: Found, view: Any, source: str) -> Iterable[Quote]:
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
