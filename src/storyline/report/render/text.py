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
from storyline.dates import counted
from storyline.records import Article, Ref
from storyline.report.articles import outlet_name, thread_link_lines
from storyline.report.render.lists import shown_facts
from storyline.report.story import StoryReport, membership_lines
from storyline.report.timeline import BACKGROUND_HEADING

__all__ = [
    "citation_markers",
    "hanging",
    "render_article_text",
    "render_report_text",
    "shorten",
]

#: A dropped part's excerpt never gets narrower than this, however narrow the terminal.
MIN_EXCERPT = 20
#: Nor does a wrapped entry's text.
MIN_TEXT = 20
#: Where an entry's continuation lines start when it has no text column of its own to hang
#: under (a cast row, an outlet's line): one step in from its first line.
HANG = 4
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


def render_report_text(report: StoryReport, width: int | None = None) -> str:
    """A story as plain text for a terminal (``storyline show``), each entry wrapped to
    ``width`` with its continuation lines indented under its text (None: one line each)."""
    markers = citation_markers(report.articles)
    texts = {a.id: a.text for a in report.articles}
    names = {**report.names, **{m.entity: m.name for m in report.cast}}
    lines: list[str] = []

    def add(prefix: str, text: str, hang: int | None = None) -> None:
        lines.extend(hanging(prefix, text, width, hang))

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
    add("", story.title)
    add("", story.date_label())
    if report.mixes_languages():
        add("", f"Languages: {', '.join(report.languages())}")
    add("", story.description)
    lines += ["", "Articles:"]
    # The full id, so any article can be opened with `storyline show --article ID`.
    for a in report.articles:
        language = report.language_of(a)
        about = f"{language}, article {a.id}" if language else f"article {a.id}"
        add(f"  [{markers[a.id]}] ", f"{a.title or '(untitled)'}  ({about})", HANG)
    if report.membership:
        lines += ["", "Why these articles are one story:"]
        for line in membership_lines(report, markers):
            add("  ", line, HANG)
    if report.thread is not None and len(report.thread_stories) > 1:
        lines.append("")
        add("", f"Thread {report.thread.id}: {report.thread.description}", 2)
        for line in thread_link_lines(report.thread, report.thread_stories):
            add("  ", line, HANG)
    lines += ["", "Summary:"]
    for s in report.summary:
        add("  - ", f"{s.sentence} {cite(s.sources)}")
    lines += ["", "Timeline:"]
    for event in report.timeline:
        add(f"  {event.shown_date()}  ", f"{event.text} {cite(event.sources)}")
    if report.background:
        lines += ["", f"{BACKGROUND_HEADING}:"]
        for event in report.background:
            add(f"  {event.shown_date()}  ", f"{event.text} {cite(event.sources)}")
    lines += ["", "Cast:"]
    for m in report.cast:
        add("  ", f"{m.name} ({m.type}, {counted(len(m.articles), 'article')})", HANG)
    lines += ["", "Quotes:"]
    for heading in report.quotes_by_speaker():
        add("  ", f"{heading.name}:", HANG)
        for group in heading.groups:  # one utterance: its renderings under one dash
            for n, r in enumerate(group.quotes):
                dash = "-" if n == 0 else " "
                add(f"    {dash} [{markers.get(r.article, r.article)}] ", quoted(r))
    lines += ["", "Outlets:"]
    for view in report.outlets:
        voices = ", ".join(
            f"{names.get(v.entity, v.entity)} "
            f"({counted(v.quotes, 'quote')}, {counted(v.words, 'word')})"
            for v in view.voice_details
        )
        articles = counted(len(view.articles), "article")
        add("  ", f"{view.outlet}: {articles}; quotes {voices or 'no one'}", HANG)
        if report.sides:
            heard = ", ".join(view.sides_heard) or "none"
            missing = ", ".join(view.sides_missing) or "none"
            add("    ", f"sides heard: {heard}; not heard: {missing}", HANG + 2)
        for entity, phrases in view.labels.items():
            add("    ", f"calls {names.get(entity, entity)}: {'; '.join(phrases)}", HANG + 2)
    uneven = shown_facts(report)
    if uneven.total:
        lines += ["", f"Reported by some outlets only ({uneven.total}):"]
        for f in uneven.shown:
            missing = ", ".join(f.missing)
            add(f"  {f.date or '':10}  ", f"{f.text} {cite(f.sources)} (not in: {missing})")
        lines += [f"  {uneven.more_note()}"] if uneven.more else []
    if report.conflicts:
        lines += ["", "Where outlets disagree:"]
        for conflict in report.conflicts:
            claims = "; ".join(f"{c.outlet}: {c.value} {cite([c.source])}" for c in conflict.claims)
            add("  ", f"{conflict.kind}, {conflict.about}: {claims}", HANG)
    return "\n".join(lines) + "\n"


def hanging(prefix: str, text: str, width: int | None, hang: int | None = None) -> list[str]:
    """``prefix`` then ``text``, wrapped at spaces to ``width``, each continuation line
    indented by ``hang`` (default: under the text's first character), so no wrapped line
    falls back to the left edge inside an indented list. None: one line."""
    if width is None:
        return [prefix + text]
    indent = " " * (len(prefix) if hang is None else hang)
    # However narrow the terminal, the text keeps a readable column beside its indent.
    width = max(width, len(indent) + MIN_TEXT, len(prefix) + MIN_TEXT)
    wrapped = textwrap.wrap(
        text,
        width,
        initial_indent=prefix,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped or [prefix.rstrip()]


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
    lines = _metadata_lines(inspection, width)
    if inspection.highlights:
        lines += ["", "Highlights:"]
        lines += [line for h in inspection.highlights for line in hanging("  - ", h, width)]
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


def _metadata_lines(inspection: ArticleInspection, width: int) -> list[str]:
    label_width = max(len(label) for label, _ in inspection.metadata)
    lines = ["Article:"]
    for label, value in inspection.metadata:
        lines += hanging(f"  {label:<{label_width}}  ", value, width)
    return lines


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
    return counted(count, "part")


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
