"""The quote stage: each article's quotes, found on its clean body and parse, step by step."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from storyline.annotate.quotes.attribution import attribute_directs
from storyline.annotate.quotes.context import Attribution, Context, Found
from storyline.annotate.quotes.cues import (
    DOCUMENT_NOUNS,
    WEAK_RULES,
    reads_as_statement,
    word_count,
)
from storyline.annotate.quotes.direct import direct_quotes
from storyline.annotate.quotes.reported import reported_quotes
from storyline.annotate.quotes.spans import to_quotes
from storyline.records import Document, Quote
from storyline.settings import QuoteSettings, default_settings


class QuoteStage:
    """Provides ``quotes``: direct quotations and reported speech, with cue and speaker."""

    name: ClassVar[str] = "quotes"
    language_bound: ClassVar[bool] = True  # English models or rules
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
    quotes = [quote for item in found for quote in to_quotes(item, view, article.text)]
    return sorted(set(quotes), key=lambda q: (q.content.start, q.content.end, not q.direct))


def _find(doc: Any, paragraphs: list[tuple[int, int]], settings: QuoteSettings) -> list[Found]:
    context = Context(doc, paragraphs)
    directs = direct_quotes(context, settings)
    # Marks included; the attribution between the stretches of a broken quote is not quoted.
    context.quoted = [(s.open_mark, s.close_mark + 1) for d in directs for s in d.stretches]
    reported = list(reported_quotes(context, settings))
    found = attribute_directs(context, directs, reported, settings) + _outermost(reported)
    shown = (_shown(context, item, settings) for item in found)
    return [item for item in shown if _is_a_quote(context, item, settings)]


def _is_a_quote(context: Context, found: Found, settings: QuoteSettings) -> bool:
    """What a reader is shown as a quote: anything with its speaker; without one, only words
    in quote marks that read as a statement. Reported speech with nobody saying it is the
    writer's narration ("security officers called their counterparts ..."), and a short
    fragment with no final stop ('as a "democratic election') is a scare quote or a piece of
    a sentence, not something said."""
    if found.attribution.speaker is not None:
        return True
    if not found.direct:
        return False
    return reads_as_statement(context.text, found.pieces, settings.min_unattributed_words)


def _is_document(context: Context, speaker: tuple[int, int] | None) -> bool:
    """The speaker is a document ("the ad", "a letter"), which quotes someone else's words."""
    if speaker is None:
        return False
    tokens = context.tokens_in(*speaker)
    heads = [t for t in tokens if not speaker[0] <= t.head.idx < speaker[1] or t.head is t]
    return any(t.lemma_.lower() in DOCUMENT_NOUNS for t in heads)


def _outermost(reported: list[Found]) -> list[Found]:
    """Reported speech whose cue lies inside what another one reports ("Fowler said he expects
    Clinton to recover") is part of that one's content, not a quote of its own: the reader is
    shown who said it (Fowler), not a second quote of "he" expecting."""

    def inside(item: Found, other: Found) -> bool:
        cue = item.attribution.cue
        return (
            other is not item
            and cue is not None
            and other.content[0] <= cue[0]
            and cue[1] <= other.content[1]
        )

    return [item for item in reported if not any(inside(item, other) for other in reported)]


def _shown(context: Context, found: Found, settings: QuoteSettings) -> Found:
    """The quote as a reader is shown it: without a speaker when the evidence for one is
    weak (a rule that is often wrong, or too few words to know who said them). Precision
    first: a quote shown unattributed costs a reader less than one with the wrong speaker."""
    words = sum(word_count(context.text, a, b) for a, b in found.pieces)
    weak = found.attribution.rule in WEAK_RULES or words < settings.min_attributed_words
    if weak or (found.direct and _is_document(context, found.attribution.speaker)):
        unattributed = Attribution(found.attribution.cue, None, None, "weak")
        return dataclasses.replace(found, attribution=unattributed)
    return found


def _paragraph_ranges(document: Document) -> list[tuple[int, int]]:
    view = document.article.body_view
    return [
        (start, start + len(span))
        for start, span in zip(view.body_starts, view.source_spans, strict=True)
    ]
