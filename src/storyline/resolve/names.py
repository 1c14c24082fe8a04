"""Steps 1-2 of entity resolution: each mention's name key (ASCII, lower case, no possessive,
punctuation or title) and the one type a key gets; the tests that two names are one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from storyline.annotate.nlp import (
    DESCRIPTION,
    PRONOUN,
)
from storyline.annotate.usage import ADJECTIVAL
from storyline.records import Document, Ref

PERSON = "PERSON"
#: Mention types that point at an actor named elsewhere: linked to an antecedent, never named.
REFERRING_TYPES = frozenset({PRONOUN, DESCRIPTION})
#: Labels of words that describe a speaker without being one ("an Israeli source").
SILENT_TYPES = frozenset({"NORP", ADJECTIVAL})
#: Tie-break between labels of one key: the order in which a wrong label costs least.
TYPE_PREFERENCE = ("PERSON", "ORG", "GPE", "LOC", "NORP", ADJECTIVAL, "FAC", "EVENT")
#: Words before a name that say what the person is, not who ("President Putin"). Words that
#: also start names of organisations ("General Motors", "King Digital") are left out.
TITLES = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "sheikh", "sheik", "amir", "emir"),
        *("president", "vice", "prime", "minister", "chancellor", "secretary", "ambassador"),
        *("senator", "sen", "governor", "gov", "envoy", "spokesman", "spokeswoman"),
        *("ceo", "chairman"),
    }
)
#: Legal forms after a company's name: "Apple Inc." is Apple (MEANTIME B-cubed F1 0.521 → 0.527).
LEGAL_FORMS = frozenset(
    {"inc", "corp", "corporation", "co", "ltd", "llc", "plc", "nv", "sa", "ag", "gmbh"}
)
#: Words left out of an acronym ("United Nations" → UN, "Bank of America" → BOA).
ACRONYM_SKIP = frozenset({"of", "and", "for", "the", "de", "la", "du"})
MAX_ACRONYM = 6
#: An acronym as written: capitals, maybe a lower-case letter inside ("BoA"), 2-6 letters.
_ACRONYM = re.compile(r"[A-Z][A-Za-z&]{0,4}[A-Z]")

# A possessive inside a name too: "Boeing's 787" is the Boeing 787, "Apple Computer's Mac OS"
# Apple's Mac OS, which the owned-name rule then finds.
_POSSESSIVE = re.compile(r"['’]s?$|['’]s(?=\s)")
# "Mish'al" → "mishal", "U.S." → "us" (MEANTIME B-cubed F1 0.508 → 0.521 with "U.S." as "US").
_INNER_MARK = re.compile(r"(?<=\w)['’`.](?=\w)|(?<=\b\w)\.")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# A model number in the plural is the model: "787s", "A380s" (MEANTIME B-cubed F1 0.6607 →
# 0.6612).
_MODEL_PLURAL = re.compile(r"^([a-z]*[0-9]+[a-z0-9]*?)s$")


@dataclass(frozen=True, slots=True)
class MentionItem:
    """One mention of the corpus, normalised."""

    ref: Ref
    form: str  # as written, tidied: the spelling shown to people
    key: str  # normalised: what names are compared by
    type: str


def display_form(text: str) -> str:
    """A mention as written, tidied for display: one space, no possessive, no leading "the"."""
    form = " ".join(text.split())
    form = re.sub(r"['’]s$|(?<=s)['’]$", "", form)
    return re.sub(r"^the\s+", "", form, flags=re.IGNORECASE)


def name_key(text: str) -> str:
    """The normalised key names are compared by: ``"Khalid Mish'al's"`` → ``"khalid mishal"``."""
    from anyascii import anyascii

    ascii_text = anyascii(" ".join(text.split())).lower().strip()
    ascii_text = _POSSESSIVE.sub("", ascii_text)
    ascii_text = _INNER_MARK.sub("", ascii_text)
    tokens = _NON_WORD.sub(" ", ascii_text).split()
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens = tokens[:-1]
    return " ".join(_MODEL_PLURAL.sub(r"\1", token) for token in tokens)


@cache
def metaphone_of(token: str) -> str:
    import jellyfish

    return jellyfish.metaphone(token)


def sound_alike(a: str, b: str) -> bool:
    """Metaphone keys equal and the match rating approach agrees: two spellings of one sound.

    Both must agree, so that one coarse code alone does not merge names ("Abbas"/"Abbasi"
    still do: a known limit); "Khaled"/"Khalid", "Mashaal"/"Mish'al", "Alexander"/"Aleksandr"
    pass.
    """
    import jellyfish

    return metaphone_of(a) == metaphone_of(b) and bool(jellyfish.match_rating_comparison(a, b))


def tokens_match(a: str, b: str, similarity: float) -> bool:
    """Two name words are one spelling of the other: equal, close, or alike in sound.

    Words shorter than three letters must be equal: phonetic codes of "Li" and "Le" say nothing.
    """
    if a == b:
        return True
    if min(len(a), len(b)) < 3:
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= similarity or sound_alike(a, b)


def person_names_match(a: str, b: str, similarity: float) -> bool:
    """Two full names (two words or more) of one person: same surname and same first name.

    A shared first name is not enough ("Mahmoud Zahar" is not "Mahmoud Abbas"); an initial
    matches a first name; middle names are ignored.
    """
    first_a, *_, last_a = a.split()
    first_b, *_, last_b = b.split()
    if not tokens_match(last_a, last_b, similarity):
        return False
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return tokens_match(first_a, first_b, similarity)


def acronym_of(key: str) -> str:
    return "".join(word[0] for word in key.split() if word not in ACRONYM_SKIP)


class Partition:
    """Union-find over keys; the smallest key is the root, so results do not depend on order."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b))
            self._parent[high] = low


def collect_mentions(documents: list[Document]) -> list[MentionItem]:
    """Every mention of the corpus with a non-empty key, in (article, offset) order."""
    items = []
    for document in sorted(documents, key=lambda d: d.article.id):
        for mention in document.mentions or []:
            referring = mention.type in REFERRING_TYPES
            key = " ".join(mention.text.lower().split()) if referring else name_key(mention.text)
            # A legal form alone ("LLC" of "Chrysler LLC", which spaCy may label apart)
            # names no one (MEANTIME through analyze: B-cubed F1 0.6766 → 0.6778).
            if key and (referring or key not in LEGAL_FORMS):
                ref = Ref(document.article.id, mention.span.start, mention.span.end)
                items.append(MentionItem(ref, display_form(mention.text), key, mention.type))
    return sorted(items, key=lambda item: (item.ref, item.type))


def defined_acronyms(documents: list[Document]) -> dict[str, set[str]]:
    """Acronyms the text defines, by key: "Singapore Airlines (SIA)" → {"sia": {"singapore
    airlines"}}. The writer says the two are one, so this holds where no initials match
    (MEANTIME through analyze: B-cubed F1 0.666 → 0.668)."""
    defined: dict[str, set[str]] = {}
    for document in documents:
        text = document.article.text
        names = sorted(
            (m for m in document.mentions or [] if m.type not in REFERRING_TYPES),
            key=lambda m: m.span,
        )
        for long, short in pairwise(names):
            between = text[long.span.end : short.span.start]
            closed = text[short.span.end : short.span.end + 1] == ")"
            if between.strip() != "(" or not closed or not _ACRONYM.fullmatch(short.text):
                continue
            long_key, short_key = name_key(long.text), name_key(short.text)
            if " " in long_key and long_key[0] == short_key[0]:
                defined.setdefault(short_key, set()).add(long_key)
    return defined


def majority_type(types: Iterable[str]) -> str:
    counts = Counter(types)
    return min(counts, key=lambda t: (-counts[t], _type_rank(t), t))


def _type_rank(label: str) -> int:
    return TYPE_PREFERENCE.index(label) if label in TYPE_PREFERENCE else len(TYPE_PREFERENCE)


def whole_names(items: list[MentionItem]) -> list[MentionItem]:
    return [item for item in items if item.type not in REFERRING_TYPES]


def entity_type(items: list[MentionItem]) -> str:
    """People named in full are people whatever spaCy said of a surname alone."""
    items = whole_names(items) or items
    if any(item.type == PERSON and " " in item.key for item in items):
        return PERSON
    return majority_type(item.type for item in items)
