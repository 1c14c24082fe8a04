"""What the steps hand each other (stretches of quoted text, direct quotes, attributions) and
the parse context they share: paragraphs, sentences and tokens by position."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from storyline.annotate.quotes.cues import MARK_RE


@dataclass(frozen=True, slots=True)
class Stretch:
    """The inside of a pair of quote marks in the body text; ``closed`` if a mark closed it."""

    start: int
    end: int
    open_mark: int
    close_mark: int
    paragraph: int
    closed: bool


@dataclass(frozen=True, slots=True)
class Direct:
    """A direct quote as stretches of body text (more than one when broken or continued)."""

    stretches: tuple[Stretch, ...]

    @property
    def start(self) -> int:
        return self.stretches[0].start

    @property
    def end(self) -> int:
        return self.stretches[-1].end


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said it: the cue tokens and the speaker tokens (body-text token ranges)."""

    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    name: str | None
    #: Which rule found it (``"cue"``, ``"signature"``, ``"previous"``, ...): how strong the
    #: evidence is, which decides whether a reader is shown the speaker.
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """A quote in body-text character offsets, before mapping to the original text."""

    content: tuple[int, int]
    attribution: Attribution
    direct: bool
    paragraph: int
    #: The quoted pieces of a quote broken by its cue or continued over paragraphs, in order
    #: (empty for a quote in one piece): ``content`` spans them and what lies between.
    fragments: tuple[tuple[int, int], ...] = ()

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The quoted words' ranges: the fragments, or the whole content."""
        return self.fragments or (self.content,)


class Context:
    """The parse of one body with the lookups every rule needs (token by offset, entities)."""

    def __init__(self, doc: Any, paragraphs: list[tuple[int, int]]) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.paragraphs = paragraphs
        self.token_starts = [token.idx for token in doc]
        self.entity_of = {token.i: ent for ent in doc.ents for token in ent}
        self.chunk_of = {token.i: chunk for chunk in doc.noun_chunks for token in chunk}
        self._quoted: list[tuple[int, int]] = []
        #: Full names already looked up (speakers.py asks for the same few names again and
        #: again), cleared when the quoted ranges change.
        self.full_names: dict[str, str] = {}
        self._quoted_starts: list[int] = []
        self.person_words = {
            word for ent in doc.ents if ent.label_ == "PERSON" for word in ent.text.split()
        }

    def after_quote(self, stretch: Stretch) -> str:
        """The text of the stretch's paragraph after its closing mark, up to the next quote
        mark: what the writer says right after the quoted words."""
        end = self.paragraphs[stretch.paragraph][1]
        return MARK_RE.split(self.text[stretch.close_mark + 1 : end], maxsplit=1)[0]

    def paragraph_of(self, offset: int) -> int:
        starts = [start for start, _ in self.paragraphs]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list[Any]:
        first = max(bisect.bisect_right(self.token_starts, start) - 1, 0)
        last = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[first:last] if t.idx + len(t) > start]

    @property
    def quoted(self) -> list[tuple[int, int]]:
        """The quoted ranges (marks included), disjoint and in text order."""
        return self._quoted

    @quoted.setter
    def quoted(self, ranges: list[tuple[int, int]]) -> None:
        self._quoted = sorted(ranges)
        self._quoted_starts = [start for start, _ in self._quoted]
        self.full_names = {}

    def in_quote(self, offset: int) -> bool:
        # Called for most tokens of the body: a bisection, not a scan of every quote.
        at = bisect.bisect_right(self._quoted_starts, offset) - 1
        return at >= 0 and offset < self._quoted[at][1]
