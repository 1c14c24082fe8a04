"""What cleaning made of one article: its metadata, its clean body, and every part it dropped.

:func:`inspect_article` gathers this into an :class:`ArticleInspection`;
:func:`storyline.report.render.text.render_article_text` lays it out for a terminal
(``storyline show --article ID``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.records import Article, PubDate, Span

__all__ = [
    "ArticleInspection",
    "DroppedPart",
    "ReasonTotal",
    "describe_published",
    "inspect_article",
]

#: Shown for metadata that cleaning did not find.
MISSING = "(none)"


@dataclass(frozen=True, slots=True)
class DroppedPart:
    """One part of the original text left out of the body: where, why, and what it said."""

    span: Span
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class ReasonTotal:
    """How many parts, and how many characters, cleaning dropped for one reason."""

    reason: str
    parts: int
    chars: int


@dataclass(frozen=True, slots=True)
class ArticleInspection:
    """One article as cleaning left it. Character counts are of ``Article.text``."""

    id: str
    metadata: tuple[tuple[str, str], ...]  # (label, value) in display order
    highlights: tuple[str, ...]
    body: str
    dropped: tuple[DroppedPart, ...]  # in text order
    total_chars: int
    body_chars: int
    highlight_chars: int
    dropped_chars: int
    # Characters in no body, highlight or dropped span: mostly the whitespace between them;
    # ``between_visible`` of them are not whitespace (bullets, or text cleaning lost track of).
    between_chars: int
    between_visible: int

    def reason_totals(self) -> list[ReasonTotal]:
        """One total per reason, the reason that dropped most characters first."""
        parts: dict[str, int] = {}
        chars: dict[str, int] = {}
        for part in self.dropped:
            parts[part.reason] = parts.get(part.reason, 0) + 1
            chars[part.reason] = chars.get(part.reason, 0) + len(part.span)
        totals = [ReasonTotal(reason, parts[reason], chars[reason]) for reason in parts]
        return sorted(totals, key=lambda t: (-t.chars, t.reason))


def inspect_article(article: Article) -> ArticleInspection:
    """Gather what ``storyline show --article`` shows of ``article``."""
    text = article.text
    dropped = sorted(article.dropped, key=lambda d: (d.span.start, d.span.end))
    between = _outside(text, [*article.body, *article.highlights, *(d.span for d in dropped)])
    return ArticleInspection(
        id=article.id,
        metadata=_metadata(article),
        highlights=tuple(_one_line(span.of(text)) for span in article.highlights),
        body=article.body_text,
        dropped=tuple(DroppedPart(d.span, d.reason, d.span.of(text)) for d in dropped),
        total_chars=len(text),
        body_chars=sum(len(span) for span in article.body),
        highlight_chars=sum(len(span) for span in article.highlights),
        dropped_chars=sum(len(d.span) for d in dropped),
        between_chars=len(between),
        between_visible=len("".join(between.split())),
    )


def _metadata(article: Article) -> tuple[tuple[str, str], ...]:
    fields = (
        ("id", article.id),
        ("source", article.source),
        ("title", _with_origin(article.title, article.title_origin)),
        ("outlet", _with_origin(article.outlet, article.outlet_origin)),
        ("language", article.language),
        ("published", describe_published(article.published) if article.published else None),
        ("byline", _with_origin(article.byline, article.byline_origin)),
        ("dateline", article.dateline),
        ("agencies", ", ".join(article.agencies)),
        ("url", article.url),
    )
    return tuple((label, _one_line(value) if value else MISSING) for label, value in fields)


def _with_origin(value: str | None, origin: str | None) -> str | None:
    """``Harbour bridge reopens (from h1)``: a field with where it came from, when known."""
    return f"{value} (from {origin})" if value and origin else value


def describe_published(published: PubDate) -> str:
    """The date as precise as known, with how precise and where it came from.

    ``2006-02-09 (day, from text: date line)``; an inferred date says so.
    """
    how = "inferred from" if published.inferred else "from"
    return f"{published.iso()} ({published.precision.value}, {how} {published.origin})"


def _outside(text: str, spans: Iterable[Span]) -> str:
    """The characters of ``text`` inside none of ``spans``, in order."""
    pieces: list[str] = []
    reached = 0
    for span in sorted(spans):
        if span.start > reached:
            pieces.append(text[reached : span.start])
        reached = max(reached, span.end)
    pieces.append(text[reached:])
    return "".join(pieces)


def _one_line(text: str) -> str:
    return " ".join(text.split())
