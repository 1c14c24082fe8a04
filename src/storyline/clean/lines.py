"""Lines of a text as spans of it, and the word-level normal form both cleaners compare by."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storyline.records import Span

WORD = re.compile(r"\w+")
#: Characters that show nothing, which str.strip keeps: zero-width spaces and joiners, the
#: word joiner, a byte-order mark. A line of only these is blank (pages pad images with them).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line: its span in the original text (outer whitespace left out)."""

    span: Span
    text: str


def split_lines(text: str) -> list[Line]:
    """Every non-blank line of ``text``, as stripped spans of it (a line of invisible
    characters is blank)."""
    lines = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped.strip(INVISIBLE):
            start = offset + len(raw) - len(raw.lstrip())
            lines.append(Line(Span(start, start + len(stripped)), stripped))
        offset += len(raw) + 1
    return lines


def normalise(text: str) -> str:
    """Lower-cased words joined by single spaces: what two renderings of one line share."""
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def too_long(chars: int, limit: int) -> str:
    return (
        f"{chars:,} characters of text, more than an article may have "
        f"({limit:,}, clean.max_text_chars)"
    )
