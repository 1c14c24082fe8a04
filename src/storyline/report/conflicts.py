"""Where outlets disagree: counts, dates and denials that differ between aligned sentences of
two outlets.

Agreement and contradiction come from rules over aligned sentences (numbers with the noun they
count, dates, negation), not from a model: no packaged natural-language-inference model exists
(docs/architecture.md, "Dependencies"), and a rule says exactly why it fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from storyline.records import Document, Ref
from storyline.report.sentences import SentencePool, aligned, is_statement

__all__ = ["Claim", "Conflict", "find_conflicts"]


@dataclass(frozen=True, slots=True)
class Claim:
    outlet: str
    value: str
    source: Ref


@dataclass(frozen=True, slots=True)
class Conflict:
    """Outlets that disagree about one thing: a count, a date, or whether something happened.

    ``about`` names the thing ("Palestinians" for a count, the event for a date or negation).
    """

    kind: str  # "number" | "date" | "negation"
    about: str
    claims: tuple[Claim, ...]


#: Words that deny what a sentence states: "Hamas will not recognise Israel".
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|denied|denies|deny|refused|refuses|rejected|rejects)\b|"
    r"n['’]t\b",
    re.IGNORECASE,
)


def find_conflicts(
    primary: Sequence[Document],
    pool: SentencePool,
    keys: dict[str, str],
    align_similarity: float,
    same_similarity: float | None = None,
) -> list[Conflict]:
    """Numbers, dates and denials that differ between aligned sentences of two outlets.

    Counts conflict when two sentences at ``align_similarity`` or closer count the same noun
    differently; dates and negation only between sentences at ``same_similarity`` (the same
    statement: dates and "not" are too common to compare looser pairs).
    """
    same = same_similarity if same_similarity is not None else align_similarity
    days = _day_values(primary, pool)
    conflicts: dict[tuple[str, str, frozenset[Claim]], Conflict] = {}
    for i in range(len(pool.refs)):
        for j in aligned(pool, i, keys, align_similarity):
            if j < i:
                continue  # each pair once
            close = float(pool.vectors[i] @ pool.vectors[j]) >= same
            for conflict in _pair_conflicts(pool, keys, days, i, j, close):
                conflicts.setdefault(
                    (conflict.kind, conflict.about, frozenset(conflict.claims)), conflict
                )
    return list(conflicts.values())


def _pair_conflicts(
    pool: SentencePool,
    keys: dict[str, str],
    days: dict[int, frozenset[str]],
    i: int,
    j: int,
    close: bool,
) -> Iterator[Conflict]:
    a, b = pool.texts[i], pool.texts[j]
    if not (is_statement(a, STATEMENT_WORDS) and is_statement(b, STATEMENT_WORDS)):
        return  # date lines, headlines and captions state nothing to disagree on
    ref_a, ref_b = pool.refs[i], pool.refs[j]
    source_a, source_b = keys[ref_a.article], keys[ref_b.article]
    counts_b = pool.figures[j]
    for figure in pool.figures[i]:
        other = next((f for f in counts_b if f.counts_what(figure)), None)
        if other is not None and other.value != figure.value:
            claims = (Claim(source_a, figure.text, ref_a), Claim(source_b, other.text, ref_b))
            yield Conflict("number", figure.noun, claims)
    if not close or _QUOTE_MARK.search(a) or _QUOTE_MARK.search(b):
        return  # renderings of a quote differ in their clauses, not in what was said
    about = min(a, b, key=len)
    if days.get(i) and days.get(j) and not days[i] & days[j]:
        claims = (
            Claim(source_a, ", ".join(sorted(days[i])), ref_a),
            Claim(source_b, ", ".join(sorted(days[j])), ref_b),
        )
        yield Conflict("date", about, claims)
    denied_a, denied_b = _denies(a, b), _denies(b, a)
    if denied_a != denied_b and not (_NEGATION.search(a) and _NEGATION.search(b)):
        claims = (
            Claim(source_a, "denies" if denied_a else "affirms", ref_a),
            Claim(source_b, "denies" if denied_b else "affirms", ref_b),
        )
        yield Conflict("negation", about, claims)


#: How many words after "not" name what is denied ("did not | arrive in Moscow").
_DENIED_WORDS = 3
_STEM = 5  # "arrive" and "arrived", "recognise" and "recognised" share their first letters


def _denies(sentence: str, other: str) -> bool:
    """Whether ``sentence`` denies something ``other`` states: a negation whose next words
    (by their first letters) stand in ``other``. A "not" about something else is no conflict."""
    stems = {w[:_STEM] for w in _WORD.findall(other.lower()) if len(w) > 3}
    for m in _NEGATION.finditer(sentence):
        after = _WORD.findall(sentence[m.end() :].lower())[:_DENIED_WORDS]
        if any(len(w) > 3 and w[:_STEM] in stems for w in after):
            return True
    return False


#: Words a sentence needs to be compared for conflicts (the summary's ``min_words``).
STATEMENT_WORDS = 8
_QUOTE_MARK = re.compile(r"[\"“”]")


def _day_values(primary: Sequence[Document], pool: SentencePool) -> dict[int, frozenset[str]]:
    """Sentence index → the days its time expressions resolve to."""
    found = {
        i: frozenset(v for v in values if _DAY.fullmatch(v))
        for i, values in pool.time_values(primary).items()
    }
    return {i: days for i, days in found.items() if days}


_DAY = re.compile(r"\d{4}-\d\d-\d\d")

#: A word, with the apostrophes, dots and hyphens inside it.
_WORD = re.compile(r"[\w'’.-]+")
