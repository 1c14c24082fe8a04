"""What cleaning made of one article: its metadata, its clean body, and every part it dropped.

:func:`inspect_article` gathers this into an :class:`ArticleInspection`;
:func:`render_article_text` lays it out for a terminal (``storyline show --article ID``).
The text is plain: the caller prints it without interpreting markup, because article text
is untrusted.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.records import Article, PubDate, Span

__all__ = [
    "ArticleInspection",
    "DroppedPart",
    "ReasonTotal",
    "describe_published",
    "inspect_article",
    "render_article_text",
    "shorten",
]

#: Shown for metadata that cleaning did not find.
MISSING = "(none)"
#: A dropped part's excerpt never gets narrower than this, however narrow the terminal.
MIN_EXCERPT = 20
ELLIPSIS = "…"


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
    """Gather what :func:`render_article_text` shows of ``article``."""
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
        ("title", article.title),
        ("outlet", article.outlet),
        ("published", describe_published(article.published) if article.published else None),
        ("byline", article.byline),
        ("dateline", article.dateline),
        ("agencies", ", ".join(article.agencies)),
        ("url", article.url),
    )
    return tuple((label, _one_line(value) if value else MISSING) for label, value in fields)


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


def shorten(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, cut with an ellipsis if longer."""
    line = _one_line(text)
    if len(line) <= width:
        return line
    return line[: max(width - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def render_article_text(
    inspection: ArticleInspection, *, show_dropped: bool = False, width: int = 80
) -> str:
    """The article as plain text, wrapped to ``width``: metadata, highlights, clean body, and
    optionally the dropped parts (one line each) with totals per reason."""
    lines = _metadata_lines(inspection)
    if inspection.highlights:
        lines += ["", "Highlights:", *(f"  - {h}" for h in inspection.highlights)]
    body = inspection.body or "(empty: cleaning kept nothing)"
    lines += ["", "Body:", *_wrapped(body, width)]
    if show_dropped:
        lines += ["", *_dropped_lines(inspection, width)]
    lines += ["", *_wrapped(_character_line(inspection), width)]
    return "\n".join(lines) + "\n"


def _wrapped(text: str, width: int) -> list[str]:
    """Each line of ``text`` wrapped at spaces; the line breaks cleaning kept stay as they are."""
    wrapped: list[str] = []
    for line in text.split("\n"):
        pieces = textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        wrapped += pieces or [""]
    return wrapped


def _metadata_lines(inspection: ArticleInspection) -> list[str]:
    label_width = max(len(label) for label, _ in inspection.metadata)
    return [
        "Article:",
        *(f"  {label:<{label_width}}  {value}" for label, value in inspection.metadata),
    ]


def _dropped_lines(inspection: ArticleInspection, width: int) -> list[str]:
    if not inspection.dropped:
        return ["Dropped: nothing"]
    lines = [f"Dropped, in text order ({_parts(len(inspection.dropped))}):"]
    # Reasons and spans in aligned columns, so a run of one reason reads as a block.
    reason_width = max(len(part.reason) for part in inspection.dropped)
    spans = [f"{part.span.start}-{part.span.end}" for part in inspection.dropped]
    span_width = max(len(span) for span in spans)
    for part, span in zip(inspection.dropped, spans, strict=True):
        prefix = f"  {part.reason:<{reason_width}}  {span:>{span_width}}  "
        lines.append(prefix + shorten(part.text, max(width - len(prefix), MIN_EXCERPT)))
    lines += ["", "Dropped, by reason:"]
    totals = inspection.reason_totals()
    parts_width = max(len(_parts(t.parts)) for t in totals)
    chars_width = max(len(f"{t.chars:,}") for t in totals)
    lines += [
        f"  {t.reason:<{reason_width}}  {_parts(t.parts):>{parts_width}}"
        f"  {t.chars:>{chars_width},} chars"
        for t in totals
    ]
    return lines


def _parts(count: int) -> str:
    return f"{count} part{'s' if count != 1 else ''}"


def _character_line(inspection: ArticleInspection) -> str:
    total = inspection.total_chars

    def share(chars: int) -> str:
        return f"{chars:,} ({chars / total:.0%})" if total else f"{chars:,}"

    kept = f"kept {share(inspection.body_chars)} in the body"
    if inspection.highlight_chars:
        kept += f" and {share(inspection.highlight_chars)} in highlights"
    return (
        f"Characters: {total:,} in the text; {kept}; "
        f"dropped {share(inspection.dropped_chars)}; "
        f"{inspection.between_chars:,} between parts ({_between_kind(inspection)})"
    )


def _between_kind(inspection: ArticleInspection) -> str:
    if not inspection.between_visible:
        return "whitespace"
    return f"{inspection.between_visible:,} not whitespace"
