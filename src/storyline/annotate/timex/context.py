"""The record of a time expression, the anchor it is resolved against, and the sentence context a
rule may consult (tense, cues around the match)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from storyline.records import Precision, TimexType


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression found in a text: ``text[start:end]`` and its TimeML value."""

    start: int
    end: int
    type: TimexType
    value: str | None


_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")
#: Words whose period ends no sentence: clock times, titles, months, initials ("at 4 a.m. EDT
#: Thursday", "Gen. Schwarzkopf", "Jan. 14", "Joann S. Lublin"). Breaking there cut the tense
#: of "will leave at 4 a.m. EDT Thursday" off its date.
_ABBREVIATION = re.compile(
    r"(?:\b(?:[ap]\.m|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Jan|Feb|Mar|Apr|Aug|"
    r"Sept?|Oct|Nov|Dec|No|vs|U\.S|U\.N)|(?<![\w.])[A-Z])$"
)
#: How far (characters) a sentence is looked for around an expression.
_SENTENCE_REACH = 300
_FUTURE = re.compile(
    r"\b(?:will|won't|would|might|shall|is to|are to|due to|expected to|scheduled|set to|"
    r"plans? to|planning to|planned for|intends? to|going to|as (?:soon|early) as|"
    r"next(?! to\b))\b|'ll\b",  # "next to the embassy" is a place
    re.IGNORECASE,
)
#: Past forms; a participle after "be"/"been" ("will be held") is no mark of the past.
_PAST = re.compile(
    r"(?<!\bbe )(?<!\bbeen )\b(?:said|says|was|were|had|did|told|met|went|came|took|made|held|"
    r"spoke|gave|saw|left|began|won|lost|fell|rose|sent|broke|sought|thought|brought|bought|"
    r"caught|fought|taught|found|felt|kept|led|paid|stood|struck|threw|wrote|chose|drew|drove|"
    r"flew|grew|knew|shook|spent|sold|built|meant|heard|became|fled|hung|hid|laid|ran|sat|stole|"
    r"swore|tore|woke|wore|withdrew|arose|blew|dealt|froze|got|shot|stuck|swept|upheld|ago|last|since|"
    r"(?!(?:united|hundred|indeed|need|speed|red|bed|seed|feed|proceed|succeed|exceed|shed|breed|"
    r"greed|ted|fred|ahmed|mohammed|mohamed|sacred|naked|wicked|kindred|rugged|beloved)\b)\w+ed)\b",
    re.IGNORECASE,
)


#: A quotation mark between a tense marker and an expression: the speaker's "said" outside a
#: quote is not the tense of what the quote says.
_QUOTE_MARK = re.compile(r"``|''|[\"“”]")


@dataclass(frozen=True, slots=True)
class Context:
    text: str
    anchor: dt.date | None
    precision: Precision

    def at(self, needed: Precision) -> dt.date | None:
        """The anchor, if it is known at least as precisely as ``needed``."""
        if self.anchor is None or self.precision.fineness < needed.fineness:
            return None
        return self.anchor

    def future(self, start: int, end: int) -> bool:
        """Whether the nearest tense marker of the sentence around ``[start, end)`` is future."""
        return self.tense(start, end) is True

    def tense(self, start: int, end: int) -> bool | None:
        """True (future), False (past) or None (no marker): the nearest marker in the sentence.

        A marker after the expression counts at twice its distance: the verb a date belongs to
        mostly comes first ("said on March 2 it would" is past). TempEval-3 train value F1
        0.7872 → 0.7877 (benchmarks/bench_time.py); the tense of the verb the parse hangs the
        expression from scored the same, 0.7877.

        A marker across a quotation mark counts only when none is on the expression's side of
        it: in "``The father will leave at 4 a.m. Thursday,'' Castro said", the quote's "will"
        is the tense, not "said". 0.8216 → 0.8221 (the same benchmark).
        """
        sentence_start, sentence_end = self._sentence(start, end)
        best: tuple[bool, int, bool] | None = None
        for pattern, is_future in ((_FUTURE, True), (_PAST, False)):
            for m in pattern.finditer(self.text, sentence_start, sentence_end):
                if start <= m.start() < end:
                    continue  # the expression's own words ("last week") say nothing of tense
                if m.start() >= end:
                    distance, between = 2 * (m.start() - end), self.text[end : m.start()]
                else:
                    distance, between = start - m.end(), self.text[m.end() : start]
                key = (_QUOTE_MARK.search(between) is not None, distance, is_future)
                if best is None or key[:2] < best[:2]:
                    best = key
        return None if best is None else best[2]

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        after = next(_breaks(self.text, end, end + _SENTENCE_REACH), None)
        last = after.start() if after else min(len(self.text), end + _SENTENCE_REACH)
        return start_of_sentence(self.text, start), last

    def before(self, start: int, width: int = 30) -> str:
        return self.text[max(0, start - width) : start]

    def after(self, end: int, width: int = 30) -> str:
        return self.text[end : end + width]


Result = tuple[TimexType, str | None] | None
Resolver = Callable[[re.Match[str], Context], Result]


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    resolve: Resolver
    #: The rule matches names ("Christmas Day"), whose capitals say nothing.
    names: bool = False


def start_of_sentence(text: str, position: int) -> int:
    """Where the sentence holding ``position`` begins (at most ``_SENTENCE_REACH`` before)."""
    reach = max(0, position - _SENTENCE_REACH)
    breaks = list(_breaks(text, reach, position))
    return breaks[-1].end() if breaks else reach


def _breaks(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The sentence breaks in ``text[start:end]``, but for the period of an abbreviation."""
    for m in _SENTENCE_BREAK.finditer(text, start, end):
        if m.group()[0] != "." or not _ABBREVIATION.search(text, max(0, m.start() - 6), m.start()):
            yield m
