"""Step 5 of entity resolution: what a reader resolves without thinking, a pronoun or a
description, linked to the nearest entity before it that it can stand for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from storyline.annotate.nlp import (
    DESCRIPTION,
    DESCRIPTION_TYPES,
    PRONOUN,
    PRONOUN_TYPES,
)
from storyline.records import Ref
from storyline.resolve.names import REFERRING_TYPES, MentionItem, entity_type

#: How far back (characters) a pronoun looks for its antecedent: far enough for "GM said on
#: Monday that it", not into the next topic. A description names its actor more plainly and
#: looks further ("the Russian leader" after a quoted paragraph). MEANTIME B-cubed F1
#: (benchmarks/bench_entities.py): pronouns 0.644 at 200-300, 0.647 at 400, flat beyond;
#: descriptions 0.657 at 400, 0.656 at 600 (kept: the seed title needs 404), 0.655 at 800.
PRONOUN_WINDOW_CHARS = 400
DESCRIPTION_WINDOW_CHARS = 600
#: A relative pronoun stands for the phrase it follows ("Citigroup, which fell"): where the
#: mention right before it is not that phrase ("the new iPhone 3.0 software, which"), an
#: earlier name is no better guess. Two characters: a comma or bracket and a space. MEANTIME
#: through analyze: B-cubed P 0.739 → 0.745, F1 0.6730 → 0.6732.
RELATIVE = frozenset({"which", "who", "whom", "whose"})
RELATIVE_WINDOW_CHARS = 2
#: "They" and "their" point at a group or at things more often than at a company named
#: sentences before ("GM and Chrysler ... their workforces", "the planes ... fit them"): only a
#: name close by is trusted. MEANTIME through analyze: B-cubed P 0.745 → 0.749, F1 0.6732 →
#: 0.6744 at 100; direct F1 0.6769 at 30, 0.6771 at 100, 0.6763 at 150, 0.6759 at 400.
PLURAL = frozenset({"they", "them", "their", "themselves"})
PLURAL_WINDOW_CHARS = 100
#: Heads a company's legal name holds whatever the company does ("Ford Motor Company"): such a
#: name is no better a guess for "the company" than the nearest company ("General Motors
#: said that the company"). MEANTIME through analyze: B-cubed F1 0.6758 → 0.6766.
LEGAL_HEADS = frozenset({"company", "corporation"})
#: Heads with no types that a name right before them names as a whole: "the Nasdaq index" is
#: the Nasdaq, "the United Auto Workers union" the UAW (not "store": "the Apple store" is no
#: Apple).
NAMED_BY_HEAD = frozenset({"index", "union", "group"})


@dataclass(frozen=True)
class Roots:
    """What link_references needs of the named clusters, by root."""

    root_of: dict[Ref, str]  # every named mention
    types: dict[str, str]
    words: dict[str, frozenset[str]]  # the words of all its names

    @classmethod
    def build(cls, clusters: dict[str, list[MentionItem]]) -> Roots:
        return cls(
            root_of={item.ref: root for root, found in clusters.items() for item in found},
            types={root: entity_type(found) for root, found in clusters.items()},
            words={
                root: frozenset(w for item in found for w in item.key.split())
                for root, found in clusters.items()
            },
        )


def link_references(items: list[MentionItem], roots: Roots) -> Iterator[tuple[str, MentionItem]]:
    """Step 5: (root, mention) for each pronoun or description with an antecedent.

    A description that ends with a name ("Apple CEO Steve Jobs") is that name, one that holds
    a name of its kind is that one ("the new Airbus A380 superjumbo airliner"), and one right
    before a name of its kind is that one ("European aircraft manufacturer, Airbus,"). Otherwise
    the antecedent is the nearest mention before it in the article, named or already linked,
    whose entity has a type the word can stand for ("he": a person; "the company": an ORG)
    within the word's window (a relative pronoun's is the gap after the phrase it follows),
    and for a description, first one whose name holds its head ("the airline": China Eastern
    Airlines, even after a mention of Airbus).
    """
    root_of = roots.root_of
    ends = {(ref.article, ref.end): root for ref, root in root_of.items()}
    recent: list[tuple[int, str]] = []  # (end offset, root) of the article so far
    article = None
    for n, item in enumerate(items):  # in (article, offset) order
        if item.ref.article != article:
            article, recent = item.ref.article, []
        if item.ref in root_of:
            recent.append((item.ref.end, root_of[item.ref]))
        elif item.type in REFERRING_TYPES:
            root = ends.get((article, item.ref.end)) or _named_inside(items, n, roots)
            root = root or _named_after(items, n, roots)
            root = root or _antecedent(item, recent, roots)
            if root is not None:
                recent.append((item.ref.end, root))
                yield root, item


#: Characters between a description and the name it is in apposition with: a space or ", "
#: (MEANTIME through analyze: B-cubed F1 0.6784 → 0.6805, P 0.750 → 0.752).
APPOSITION_GAP = 2


def _named_after(items: list[MentionItem], n: int, roots: Roots) -> str | None:
    """The name of a fitting type that the description ``items[n]`` stands right before: "the
    American auto company Chrysler", "European aircraft manufacturer, Airbus"."""
    item = items[n]
    if item.type != DESCRIPTION:
        return None
    wanted = DESCRIPTION_TYPES.get(item.key.split()[-1], frozenset())
    for after in items[n + 1 :]:
        if after.ref.article != item.ref.article or after.ref.start > item.ref.end + APPOSITION_GAP:
            break
        root = roots.root_of.get(after.ref)
        if root is not None and after.ref.start >= item.ref.end and roots.types[root] in wanted:
            return root
    return None


def _named_inside(items: list[MentionItem], n: int, roots: Roots) -> str | None:
    """The last named mention of a fitting type inside the description ``items[n]``.

    Mentions inside it follow it in (article, start, end) order, until one starts after it.
    """
    item = items[n]
    if item.type != DESCRIPTION:
        return None
    head = item.key.split()[-1]
    wanted = DESCRIPTION_TYPES.get(head, frozenset())
    head_start = item.ref.end - len(head)
    found = None
    for inner in items[n + 1 :]:
        if inner.ref.article != item.ref.article or inner.ref.start >= item.ref.end:
            break
        root = roots.root_of.get(inner.ref)
        if root is None or inner.ref.end > item.ref.end:
            continue
        # "the Nasdaq index", "the United Auto Workers union": the name the head follows.
        named_by_head = head in NAMED_BY_HEAD and 0 < head_start - inner.ref.end <= 1
        # A description that ends in no head word is a name with its role before it
        # ("automobile manufacturer Chrysler LLC"): the name inside is it, of any type
        # (MEANTIME through analyze: B-cubed F1 0.6778 → 0.6784).
        designated = head not in DESCRIPTION_TYPES
        if roots.types[root] in wanted or named_by_head or designated:
            found = root
    return found


def _antecedent(item: MentionItem, recent: list[tuple[int, str]], roots: Roots) -> str | None:
    """The nearest fitting entity mentioned in the window before ``item``, if any."""
    near = _in_window(item, recent)
    if item.type == PRONOUN:
        wanted = PRONOUN_TYPES.get(item.key, frozenset())
        return next((root for root in near if roots.types[root] in wanted), None)
    head = item.key.split()[-1]
    wanted = DESCRIPTION_TYPES.get(head, frozenset())
    typed = [root for root in near if roots.types[root] in wanted]
    # A head with no types of its own ("the index") is only trusted where a name holds it.
    holders = [] if head in LEGAL_HEADS else (typed if wanted else near)
    named = [root for root in holders if {head, head + "s"} & roots.words[root]]
    return next(iter(named or typed), None)


def _in_window(item: MentionItem, recent: list[tuple[int, str]]) -> list[str]:
    """Roots mentioned before ``item`` within its window, nearest first."""
    window = DESCRIPTION_WINDOW_CHARS
    if item.type == PRONOUN:
        window = PRONOUN_WINDOW_CHARS
        if item.key in RELATIVE:
            window = RELATIVE_WINDOW_CHARS
        elif item.key in PLURAL:
            window = PLURAL_WINDOW_CHARS
    near = []
    for end, root in reversed(recent):
        if item.ref.start - end > window:
            break
        if end <= item.ref.start:
            near.append(root)
    return near
