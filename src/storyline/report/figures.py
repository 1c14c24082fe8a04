"""The counts a sentence states: "three armed Palestinians were killed" → (3, "palestinian").

Outlets that count one thing differently disagree (:mod:`storyline.report.conflicts`); a
count only some outlets give is a fact the others leave out (:mod:`storyline.report.compare`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.annotate.labels import normalise_space
from storyline.dates import CARDINAL_WORDS, number_value

__all__ = ["Figure", "figures_in"]


@dataclass(frozen=True, slots=True)
class Figure:
    """A number and what it counts: "three armed Palestinians" → (3, "palestinian")."""

    value: float
    noun: str
    text: str
    modifiers: frozenset[str] = frozenset()

    def counts_what(self, other: Figure) -> bool:
        """Whether two figures count one thing: one noun, and the modifiers of one among the
        other's ("three armed Palestinians", "two Palestinians"; not "31 fire trucks", "three
        ladder trucks")."""
        return self.noun == other.noun and (
            self.modifiers <= other.modifiers or other.modifiers <= self.modifiers
        )


_NUMERAL = (
    r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    rf"(?:{'|'.join(CARDINAL_WORDS)})(?:-(?:{'|'.join(CARDINAL_WORDS[:9])}))?"
)
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: A numeral, an optional scale, and the words after it (the noun counted is among them).
_FIGURE = re.compile(
    rf"(?<![\w$£€.,])(?P<num>{_NUMERAL})(?: (?P<scale>hundred|thousand|million|billion))?"
    r"(?P<words>(?: [A-Za-z][\w'’-]*){1,3})",
    re.IGNORECASE,
)
#: Words a counted noun phrase stops before: "three armed Palestinians | near the border".
_AFTER_NOUN = frozenset(
    {
        "of", "and", "or", "to", "in", "on", "at", "for", "near", "the", "a", "an", "was",
        "were", "is", "are", "had", "has", "have", "who", "that", "which", "said", "more",
        "than", "from", "by", "with", "into", "over", "during", "after", "before", "when",
    }
)  # fmt: skip
#: Nouns a number does not count events by: shares, and lengths of time ("three years ago",
#: "30 years" of a career), which the time expressions compare.
_NOT_COUNTED = frozenset(
    {
        "percent", "per", "times", "o'clock", "second", "seconds", "minute", "minutes", "hour",
        "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "decade",
        "decades", "century", "centuries",
    }
)  # fmt: skip
_YEARS = re.compile(r"(?:1[89]|20)\d\d")
_MAX_FIGURE_WORDS = 3


def figures_in(sentence: str) -> list[Figure]:
    """The counts a sentence states; years and percentages left out (dates are compared as
    dates, and a share needs its whole sentence to mean anything)."""
    found = []
    for m in _FIGURE.finditer(sentence):
        numeral = m["num"]
        phrase = _counted_phrase(m["words"].split())
        if _YEARS.fullmatch(numeral) or not phrase:
            continue
        last = len(phrase) - 1
        position = next((n for n, w in enumerate(phrase) if w.lower().endswith("s")), last)
        noun = phrase[position].lower()
        value = number_value(numeral.replace(",", "").replace("-", " "))
        if value is None or noun in _NOT_COUNTED or len(noun) < 3:
            continue  # "3 p.m." is a time, "10 percent" a share
        scale = _SCALE.get((m["scale"] or "").lower(), 1)
        text = sentence[m.start() : m.start("words")] + " " + " ".join(phrase)
        modifiers = frozenset(w.lower() for w in phrase[:position])
        found.append(
            Figure(float(value) * scale, noun.removesuffix("s"), normalise_space(text), modifiers)
        )
    return found


def _counted_phrase(words: list[str]) -> list[str]:
    """The words after a numeral up to the end of its noun phrase, at most three."""
    phrase = []
    for word in words[:_MAX_FIGURE_WORDS]:
        if word.lower() in _AFTER_NOUN:
            break
        phrase.append(word)
    return phrase
