"""Plain text for a terminal: a story's report (``storyline show``) and what cleaning made of
one article (``storyline show --article ID``).

The text is plain: the caller prints it without interpreting markup, because article text
is untrusted.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from storyline.annotate.labels import normalise_space
from storyline.clean.inspection import ArticleInspection
from storyline.records import Article, Ref
from storyline.report.articles import outlet_name, thread_link_lines
from storyline.report.render.lists import shown_facts
from storyline.report.story import StoryReport, membership_lines
from storyline.report.timeline import BACKGROUND_HEADING

__all__ = ["citation_markers", "render_article_text", "render_report_text", "shorten"]

#: A dropped part's excerpt never gets narrower than this, however narrow the terminal.
MIN_EXCERPT = 20
ELLIPSIS = "…"


# --------------------------------------------------------------------------- a story


def citation_markers(articles: Sequence[Article]) -> dict[str, str]:
    """Each article's citation marker: its outlet, numbered when the outlet has several."""
    counts: dict[str, int] = {}
    for article in articles:
        counts[outlet_name(article)] = counts.get(outlet_name(article), 0) + 1
    seen: dict[str, int] = {}
    markers = {}
    for article in articles:
        outlet = outlet_name(article)
        seen[outlet] = seen.get(outlet, 0) + 1
        markers[article.id] = outlet if counts[outlet] == 1 else f"{outlet} {seen[outlet]}"
    return markers


def render_report_text(report: StoryReport) -> str:
    """A story as plain text for a terminal (``storyline show``)."""
    markers = citation_markers(report.articles)
    texts = {a.id: a.text for a in report.articles}
    names = {**report.names, **{m.entity: m.name for m in report.cast}}

    def cite(refs: Iterable[Ref]) -> str:
        return " ".join(f"[{markers.get(r.article, r.article)}]" for r in refs)

    def quoted(ref: Ref) -> str:
        found = report.quote_texts.get(ref)
        return (
            found
            if found is not None
            else normalise_space(texts.get(ref.article, "")[ref.start : ref.end])
        )

    story = report.story
    lines = [story.title, story.date_label(), story.description, "", "Articles:"]
    # The full id, so any article can be opened with `storyline show --article ID`.
    lines += [
        f"  [{markers[a.id]}] {a.title or '(untitled)'}  (article {a.id})" for a in report.articles
    ]
    if report.membership:
        lines += ["", "Why these articles are one story:"]
        lines += [f"  {line}" for line in membership_lines(report, markers)]
    if report.thread is not None and len(report.thread_stories) > 1:
        lines += ["", f"Thread {report.thread.id}: {report.thread.description}"]
        lines += [f"  {line}" for line in thread_link_lines(report.thread, report.thread_stories)]
    lines += ["", "Summary:", *(f"  - {s.sentence} {cite(s.sources)}" for s in report.summary)]
    lines += [
        "",
        "Timeline:",
        *(f"  {e.shown_date()}  {e.text} {cite(e.sources)}" for e in report.timeline),
    ]
    if report.background:
        lines += [
            "",
            f"{BACKGROUND_HEADING}:",
            *(f"  {e.shown_date()}  {e.text} {cite(e.sources)}" for e in report.background),
        ]
    lines += [
        "",
        "Cast:",
        *(f"  {m.name} ({m.type}, {len(m.articles)} articles)" for m in report.cast),
    ]
    lines += ["", "Quotes:"]
    for heading in report.quotes_by_speaker():
        lines.append(f"  {heading.name}:")
        for group in heading.groups:  # one utterance: its renderings under one dash
            lines += [
                f"    {'-' if n == 0 else ' '} [{markers.get(r.article, r.article)}] {quoted(r)}"
                for n, r in enumerate(group.quotes)
            ]
    lines += ["", "Outlets:"]
    for view in report.outlets:
        voices = ", ".join(
            f"{names.get(v.entity, v.entity)} ({v.quotes}, {v.words} words)"
            for v in view.voice_details
        )
        lines.append(
            f"  {view.outlet}: {len(view.articles)} article(s); quotes {voices or 'no one'}"
        )
        if report.sides:
            heard = ", ".join(view.sides_heard) or "none"
            lines.append(
                f"    sides heard: {heard}; not heard: {', '.join(view.sides_missing) or 'none'}"
            )
        lines += [f"    calls {names.get(e, e)}: {'; '.join(p)}" for e, p in view.labels.items()]
    uneven = shown_facts(report)
    if uneven.total:
        lines += ["", f"Reported by some outlets only ({uneven.total}):"]
        lines += [
            f"  {f.date or '':10}  {f.text} {cite(f.sources)} (not in: {', '.join(f.missing)})"
            for f in uneven.shown
        ]
        lines += [f"  {uneven.more_note()}"] if uneven.more else []
    if report.conflicts:
        lines += ["", "Where outlets disagree:"]
        for conflict in report.conflicts:
            claims = "; ".join(f"{c.outlet}: {c.value} {cite([c.source])}" for c in conflict.claims)
            lines.append(f"  {conflict.kind}, {conflict.about}: {claims}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- one article


def shorten(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, cut with an ellipsis if longer."""
    line = normalise_space(text)
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
