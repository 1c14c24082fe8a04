"""Text dumps: the visible text of a whole page, menus and footers included.

The line-level cleaner keeps ``Article.text`` exactly as given and records every part it
leaves out of the body with the reason. It works in numbered steps:

1. split the text into lines (each a span of the original);
2. classify each line as a body candidate or page furniture, from its layout and wording;
3. cut everything after a teaser marker ("Also see story:", "Featured on ...") or a
   copyright line that follows the start of the article: appended stories and footers;
4. keep the densest run of body text (a maximum-sum run over the lines, as Finn et al.'s
   Body Text Extraction does over tags), so menus and footers around it fall away;
5. drop lines repeated from the article (a lead repeated as a standfirst, pull quotes);
6. trim share buttons glued to the end of a paragraph;
7. find the title, the highlights, and the metadata the text states about itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from storyline.clean.lines import WORD, Line, normalise, split_lines
from storyline.clean.metadata import (
    BYLINE,
    COPYRIGHT,
    DATE_LABEL,
    TextMetadata,
    text_metadata,
)
from storyline.errors import MalformedInput
from storyline.ids import content_id
from storyline.records import Article, Dropped, RawDocument, Span
from storyline.settings import CleanSettings

BODY = "body"
APPENDED = "appended after teaser marker"
OUTSIDE = "outside the main text"

#: Whole lines that are page furniture wherever they stand.
FURNITURE = re.compile(
    r"^[\W_]*(skip to (main )?content|accessibility links|breaking news|e-?mail( to a friend)?|"
    r"save|print|share( this( article| story| page)?)?|tweet|facebook|twitter|linkedin|"
    r"whatsapp|reddit|pinterest|comments?|(decrease|enlarge|increase) font.*|text size|"
    r"next article.*|previous article.*|advertisement|menu|search|home|close|back to top|"
    r"(sign|log) (in|up|out)|register|subscribe.*|follow us.*|story highlights|highlights|"
    r"key points|image credit.*|photo credit.*|topics in this article)[\W_]*$",
    re.I,
)
#: Words that address the reader: notices, subscription and cookie banners.
NOTICE = re.compile(
    r"\b(click here|subscribe|newsletter|sign up|cookies?|privacy policy|terms of (use|service)|"
    r"all rights reserved|please note|our content|contact us|javascript|your browser)\b",
    re.I,
)
#: Photo captions: "(left)", "(epa)", "Putin, right, endorsed ...", "Photo: ...".
CAPTION = re.compile(
    r"\((left|right|center|centre|pictured|file photo|epa|getty images|file)\)|"
    r"^[A-Z][\w'-]+(\s[A-Z][\w'-]+)*, (left|right|center|centre|pictured),|"
    r"^(photo|image|picture|above|below|caption)\s*:",
    re.I,
)
#: Short lines after which a page appends other stories or its footer: cut all that follows.
#: ("Related" and "Read more" are left out: pages put those blocks inside the article too,
#: and the main-run step drops their short headline links; bench_extraction text mode.)
TEASER_MARKER = re.compile(
    r"^[\W_]*(also see( story)?|featured( on .{1,40})?|recommended( for you)?|"
    r"most (read|popular|viewed|shared)|topics in this article|you (may|might) also like|"
    r"trending( now)?|what to read next)[\W_]*$",
    re.I,
)
HIGHLIGHTS_HEADING = re.compile(r"^[\W_]*(story )?highlights|key points[\W_]*$", re.I)
BULLET = re.compile(r"^[•·▪►*–-]\s*")
SENTENCE_END = re.compile(r"[.!?\"'”’)…:]$")
TRAILING_SHARE = re.compile(
    r"(?:\s*\b(?:e-?mail to a friend|share this( article| story)?|print this( article)?))+\s*$",
    re.I,
)
QUOTED = re.compile(r"[\"“](?P<quote>[^\"“”]{20,})[\"”]")
#: Share of a headline's words the body repeats; headlines paraphrase ("Retains Hard Line"),
#: menu lines share nothing. Set on the seed articles.
TITLE_MIN_OVERLAP = 1 / 3


def clean_text(raw: RawDocument, settings: CleanSettings) -> Article:
    text = raw.text or ""
    lines = split_lines(text)
    labels = [line_label(line.text, settings) for line in lines]  # step 2
    labels = _cut_appended(lines, labels, settings)  # step 3
    labels = _keep_main_run(lines, labels, settings)  # step 4
    labels = _drop_repeats(lines, labels)  # step 5
    if BODY not in labels:
        labels = _fallback(lines, labels)
    if BODY not in labels:
        raise MalformedInput(
            raw.source,
            "no article body found: every line looks like page "
            "furniture (menus, links, captions, notices)",
        )
    body_lines = [line for line, label in zip(lines, labels, strict=True) if label == BODY]
    body, trimmed = _trim_share_buttons(text, body_lines)  # step 6
    highlights = _highlights(lines)
    dropped = _dropped(lines, labels, highlights) + trimmed
    return _text_article(raw, text, lines, labels, body, highlights, dropped)


def line_label(line: str, settings: CleanSettings) -> str:
    """``BODY`` for a line that reads like article prose, else why it is page furniture."""
    checks = (
        (FURNITURE.match(line), "navigation"),
        (COPYRIGHT.match(line), "copyright"),
        (DATE_LABEL.match(line) and len(line) < 80, "date line"),
        (BYLINE.match(line), "byline"),
        (CAPTION.search(line), "caption"),
        (NOTICE.search(line), "notice"),
        (not _reads_like_prose(line, settings), "short line"),
    )
    return next((reason for hit, reason in checks if hit), BODY)


def _reads_like_prose(line: str, settings: CleanSettings) -> bool:
    words = len(WORD.findall(line))
    if len(line) < settings.min_body_line_chars or words < 5:
        return False
    # Dumps cut long paragraphs mid-word; a long line is prose even without a final stop.
    return bool(SENTENCE_END.search(line)) or len(line) >= 3 * settings.min_body_line_chars


def _cut_appended(lines: Sequence[Line], labels: list[str], settings: CleanSettings) -> list[str]:
    """Everything after a teaser marker or copyright line that follows the body start.

    The start is that of the main run: menus above the article hold "Related" and "More"
    links too, and cutting there would lose the article.
    """
    first = _max_sum_run(_run_scores(lines, labels, settings))[0]
    if BODY not in labels[first:]:
        return labels
    for index in range(first + 1, len(lines)):
        line = lines[index].text
        if (len(line) <= 60 and TEASER_MARKER.match(line)) or labels[index] == "copyright":
            tail = [APPENDED] * (len(lines) - index - 1)
            return [*labels[: index + 1], *tail]
    return labels


def _keep_main_run(lines: Sequence[Line], labels: list[str], settings: CleanSettings) -> list[str]:
    """Keep the body lines of the run of lines with the most body text net of furniture."""
    start, end = _max_sum_run(_run_scores(lines, labels, settings))
    return [
        OUTSIDE if label == BODY and not start <= index < end else label
        for index, label in enumerate(labels)
    ]


def _run_scores(lines: Sequence[Line], labels: Sequence[str], settings: CleanSettings) -> list[int]:
    """Body lines count their length; furniture costs its length, at least the penalty."""
    return [
        len(line.text) if label == BODY else -max(len(line.text), settings.chrome_line_penalty)
        for line, label in zip(lines, labels, strict=True)
    ]


def _max_sum_run(scores: Sequence[int]) -> tuple[int, int]:
    """``[start, end)`` of the contiguous run with the largest sum (Kadane's algorithm)."""
    best, best_run = 0, (0, 0)
    total, start = 0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = 0, index
        total += score
        if total > best:
            best, best_run = total, (start, index + 1)
    return best_run


def _drop_repeats(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """Drop body lines repeated from other body lines: repeated leads and pull quotes."""
    body = [i for i, label in enumerate(labels) if label == BODY]
    seen: set[str] = set()
    result = list(labels)
    for index in body:
        key = normalise(lines[index].text)
        if key in seen:
            result[index] = "repeated"
        elif _is_pull_quote(lines[index].text, [lines[i].text for i in body if i != index]):
            result[index] = "pull quote"
        seen.add(key)
    return result


def _is_pull_quote(line: str, others: Sequence[str]) -> bool:
    """A quote that stands alone (no attribution in lowercase words) and recurs in the body."""
    match = QUOTED.search(line)
    if match is None:
        return False
    rest = line[: match.start()] + line[match.end() :]
    if re.search(r"\b[a-z]{2,}\b", rest):
        return False
    quote = normalise(match["quote"])
    return bool(quote) and any(quote in normalise(other) for other in others)


def _fallback(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """For short texts with no long line: keep lines that end like sentences."""
    return [
        BODY if label == "short line" and SENTENCE_END.search(line.text) else label
        for line, label in zip(lines, labels, strict=True)
    ]


def _trim_share_buttons(
    text: str, body_lines: Sequence[Line]
) -> tuple[tuple[Span, ...], tuple[Dropped, ...]]:
    spans, dropped = [], []
    for line in body_lines:
        match = TRAILING_SHARE.search(line.text)
        if match and match.start() > 0:
            cut = line.span.start + match.start()
            spans.append(Span(line.span.start, cut))
            dropped.append(Dropped(Span(cut, line.span.end), "share buttons"))
        else:
            spans.append(line.span)
    return tuple(spans), tuple(dropped)


def _highlights(lines: Sequence[Line]) -> tuple[Span, ...]:
    """Bullet lines under a "Story Highlights" heading, without their bullets."""
    for index, line in enumerate(lines):
        if HIGHLIGHTS_HEADING.match(line.text):
            return tuple(_bullet_spans(lines[index + 1 :]))
    return ()


def _bullet_spans(lines: Sequence[Line]) -> list[Span]:
    spans = []
    for line in lines:
        bullet = BULLET.match(line.text)
        if bullet is None:
            break
        content = line.text[bullet.end() :]
        if content and not FURNITURE.match(content):
            spans.append(Span(line.span.start + bullet.end(), line.span.end))
    return spans


def _dropped(
    lines: Sequence[Line], labels: Sequence[str], highlights: tuple[Span, ...]
) -> tuple[Dropped, ...]:
    """Every line left out of the body, with its reason; the appended tail as one span.

    Highlight lines are kept apart in ``Article.highlights``, not dropped.
    """
    highlight_ends = {span.end for span in highlights}
    dropped = []
    for line, label in zip(lines, labels, strict=True):
        if label == APPENDED:
            dropped.append(Dropped(Span(line.span.start, lines[-1].span.end), label))
            break
        if label != BODY and line.span.end not in highlight_ends:
            dropped.append(Dropped(line.span, label))
    return tuple(dropped)


def find_title(lines: Sequence[Line], labels: Sequence[str]) -> str | None:
    """The headline: a short line before the body whose words the body repeats most."""
    first_body = labels.index(BODY)
    body_words = set(
        normalise(" ".join(lines[i].text for i, lb in enumerate(labels) if lb == BODY)).split()
    )
    best: tuple[float, str] | None = None
    for line, label in zip(lines[:first_body], labels[:first_body], strict=True):
        candidate = re.split(r"\s+[|–—]\s+|\s+-\s+", line.text)[0].strip()
        words = normalise(candidate).split()
        if label != "short line" or not 2 <= len(words) <= 25 or candidate.endswith("."):
            continue
        if BULLET.match(candidate):
            continue
        overlap = sum(word in body_words for word in words) / len(words)
        if overlap >= TITLE_MIN_OVERLAP and (best is None or overlap > best[0]):
            best = (overlap, candidate)
    return best[1] if best else None


def _text_article(
    raw: RawDocument,
    text: str,
    lines: Sequence[Line],
    labels: Sequence[str],
    body: tuple[Span, ...],
    highlights: tuple[Span, ...],
    dropped: tuple[Dropped, ...],
) -> Article:
    # The appended tail belongs to other stories: its sign-offs and dates are not this one's.
    own_lines = [line.text for line, label in zip(lines, labels, strict=True) if label != APPENDED]
    found: TextMetadata = text_metadata(own_lines, body[0].of(text))
    title = find_title(lines, labels)
    relabelled = _mark_title(text, dropped, title, before=body[0].start)
    return Article(
        id=raw.id or content_id("a", Path(raw.source).name, text),
        source=raw.source,
        text=text,
        body=body,
        title=title,
        outlet=found.outlet,
        published=found.published,
        byline=found.byline,
        dateline=found.dateline,
        agencies=found.agencies,
        highlights=highlights,
        dropped=tuple(sorted(relabelled, key=lambda d: d.span)),
    )


def _mark_title(
    text: str, dropped: tuple[Dropped, ...], title: str | None, before: int
) -> tuple[Dropped, ...]:
    """Give the headline line its own reason among the dropped lines above the body."""
    if title is None:
        return dropped
    return tuple(
        Dropped(d.span, "title")
        if d.reason == "short line" and d.span.start < before and d.span.of(text).startswith(title)
        else d
        for d in dropped
    )


__all__ = ["clean_text", "find_title", "line_label"]
