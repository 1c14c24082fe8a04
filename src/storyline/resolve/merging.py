"""Steps 3-4 of entity resolution: full names merged (equal, fuzzy or phonetic; companies with
their company words, names cut short or with a country or maker in front), then single words
attached to the one full name they can stand for. Candidates come from blocks, never all pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storyline.annotate.nlp import (
    UNLABELLED,
)
from storyline.resolve.names import (
    MAX_ACRONYM,
    PERSON,
    REFERRING_TYPES,
    MentionItem,
    Partition,
    acronym_of,
    majority_type,
    metaphone_of,
    person_names_match,
    tokens_match,
)
from storyline.resolve.references import Roots, link_references


@dataclass(frozen=True)
class _Keys:
    """What is known of each key across the corpus."""

    type_of: dict[str, str]  # majority label
    labelled_person: frozenset[str]  # keys spaCy labelled PERSON at least once
    articles_of: dict[str, frozenset[str]]

    @classmethod
    def build(cls, items: list[MentionItem]) -> _Keys:
        labels: dict[str, list[str]] = defaultdict(list)
        articles: dict[str, set[str]] = defaultdict(set)
        for item in items:
            labels[item.key].append(item.type)
            articles[item.key].add(item.ref.article)
        return cls(
            type_of={key: majority_type(types) for key, types in labels.items()},
            labelled_person=frozenset(k for k, types in labels.items() if PERSON in types),
            articles_of={key: frozenset(found) for key, found in articles.items()},
        )

    def full_names(self, label: str | None = None) -> list[str]:
        return sorted(
            k for k in self.type_of if " " in k and (label is None or self.type_of[k] == label)
        )


def word_blocks(word: str) -> set[str]:
    """Blocking keys of a name word: two spellings that can match share at least one.

    Candidates are looked up by these instead of comparing every name to every other, so the
    cost of resolving an article does not grow with the number of names already known. A
    fuzzy match (ratio 88 or more) keeps the start or the end of the word; a phonetic match
    keeps its metaphone code.
    """
    return {f"m:{metaphone_of(word)}", f"<:{word[:3]}", f">:{word[-3:]}"}


class _BlockIndex:
    """Keys by blocking key; ``candidates`` are the keys sharing a block with a word."""

    def __init__(self, keys: Iterable[str], word_of: Callable[[str], str]) -> None:
        self._blocks: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            for block in word_blocks(word_of(key)):
                self._blocks[block].add(key)

    def candidates(self, word: str) -> list[str]:
        return sorted(set().union(*(self._blocks.get(b, set()) for b in word_blocks(word))))


def _surname(key: str) -> str:
    return key.split()[-1]


def merge_full_names(keys: _Keys, partition: Partition, similarity: float) -> None:
    """Step 3: merge multi-word keys naming one actor."""
    people = keys.full_names(PERSON)
    by_surname = _BlockIndex(people, _surname)
    for a in people:
        for b in by_surname.candidates(_surname(a)):
            if a < b and person_names_match(a, b, similarity):
                partition.union(a, b)
    # A person's full name under another label ("Aleksandr Kalugin" as ORG) is still the person.
    for other in keys.full_names():
        if keys.type_of[other] != PERSON:
            for person in by_surname.candidates(_surname(other)):
                if person_names_match(other, person, similarity):
                    partition.union(other, person)
    _merge_close_names(keys, partition, similarity)
    _merge_company_forms(keys, partition)
    _merge_shortened_names(keys, partition)
    _merge_owned_names(keys, partition)


def _merge_close_names(keys: _Keys, partition: Partition, similarity: float) -> None:
    """Names of one type and length whose spellings are close ("Dow Jones" / "Dow-Jones")."""
    from rapidfuzz import fuzz

    others = sorted(k for k, label in keys.type_of.items() if label != PERSON)
    index = _BlockIndex(others, lambda key: key)
    for a in others:
        for b in index.candidates(a):
            same_kind = keys.type_of[a] == keys.type_of[b] and len(a.split()) == len(b.split())
            if a < b and same_kind and fuzz.ratio(a, b) >= similarity:
                partition.union(a, b)


#: Words after a company's short name that say what it is, not which ("Apple Computer",
#: "Ford Motor Company" are Apple and Ford; MEANTIME B-cubed F1 0.598 → 0.611). Only when the
#: short name is itself known as an organisation, so "General Motors" stays whole.
COMPANY_WORDS = frozenset(
    {
        *("company", "computer", "computers", "motor", "motors", "group", "holdings"),
        *("industries", "international", "incorporated", "worldwide", "limited"),
    }
)
ORG = "ORG"


def _merge_company_forms(keys: _Keys, partition: Partition) -> None:
    for key in keys.full_names(ORG):
        words = key.split()
        while len(words) > 1 and words[-1] in COMPANY_WORDS:
            words.pop()
        short = " ".join(words)
        if short != key and keys.type_of.get(short) == ORG:
            partition.union(key, short)


#: Labels of names a writer shortens once given in full ("the Dow Jones"): places are not
#: ("Middle East" is not the Middle East Quartet, "Wall Street" not the Wall Street Journal).
SHORTENED_TYPES = frozenset({ORG, "PRODUCT", UNLABELLED})


def _merge_shortened_names(keys: _Keys, partition: Partition) -> None:
    """A name cut short at the end ("Dow Jones" of "Dow Jones Industrial Average") joins its
    longer form when only one longer form of it is known (MEANTIME B-cubed F1 +0.004).
    """
    longer: dict[str, set[str]] = defaultdict(set)
    for key in keys.full_names():
        words = key.split()
        for n in range(2, len(words)):
            longer[" ".join(words[:n])].add(key)
    for short, forms in sorted(longer.items()):
        if short in keys.type_of and len(forms) == 1:
            (form,) = forms
            label = keys.type_of[short]
            if label == keys.type_of[form] and label in SHORTENED_TYPES:
                partition.union(short, form)


#: Labels of names that can stand before another name without changing who it is: a
#: country ("U.S. Air Force" is the Air Force) or a maker ("Airbus A380" is the A380).
OWNER_TYPES = frozenset({"GPE", ORG})
#: Labels of names whose one-word remainder is still a name ("Apple Macintosh"): for other
#: labels it is too often a common word ("Automotive News").
MODEL_TYPES = frozenset({"PRODUCT", UNLABELLED})


def _merge_owned_names(keys: _Keys, partition: Partition) -> None:
    """A name with its country or maker in front is the name without it (MEANTIME B-cubed F1
    0.647 → 0.651)."""
    for key in keys.full_names():
        words = key.split()
        for n in range(1, len(words)):
            owner, rest = " ".join(words[:n]), " ".join(words[n:])
            owned = keys.type_of.get(owner) in OWNER_TYPES and rest in keys.type_of
            owned = owned and (" " in rest or keys.type_of[key] in MODEL_TYPES)
            if owned and types_agree(keys.type_of[rest], keys.type_of[key]):
                partition.union(key, rest)
                break


#: Labels of the names that qualify an organisation's name by its country ("Israeli Foreign
#: Ministry", "Russia's foreign ministry").
PLACE_TYPES = frozenset({"GPE", "NORP"})
#: Characters between a place and the name it qualifies: "'s " at most.
PLACE_GAP_CHARS = 3
#: Endings that make a country's name its people's ("Israel" → "Israeli", "Russia" →
#: "Russian", "China" → "Chinese"), once a final vowel or "y" is dropped ("Germany" → "German").
DEMONYM_ENDINGS = ("", "n", "an", "ian", "i", "ese", "ish")


def same_place(a: str, b: str) -> bool:
    """Two place keys for one country: equal, or one its people's name ("israel" / "israeli")."""
    return a == b or _demonym_of(a, b) or _demonym_of(b, a)


def _demonym_of(country: str, people: str) -> bool:
    stems = {country, country[:-1]} if country[-1:] in "aeiouy" else {country}
    return any(people == stem + ending for stem in stems for ending in DEMONYM_ENDINGS)


def _qualified_forms(keys: _Keys) -> dict[str, list[tuple[str, str]]]:
    """Organisations' names of two words or more by the qualified forms known of them, with
    their qualifiers: "foreign ministry" → [("israeli", "israeli foreign ministry"), ...].
    Mostly a country, which the corpus need not name alone; only the article decides which
    qualified form a bare name is (:meth:`_Attacher._qualified_owner`)."""
    forms: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in keys.full_names(ORG):
        words = key.split()
        for n in range(1, len(words) - 1):
            qualifier, rest = " ".join(words[:n]), " ".join(words[n:])
            if keys.type_of.get(rest) == ORG:
                forms[rest].append((qualifier, key))
    return forms


def types_agree(a: str, b: str) -> bool:
    return a == b or UNLABELLED in (a, b)


class _Attacher:
    """Step 4: where a single word (surname, first name, acronym) belongs."""

    def __init__(
        self, keys: _Keys, partition: Partition, similarity: float, items: list[MentionItem]
    ) -> None:
        self._keys = keys
        self._partition = partition
        self._similarity = similarity
        self._people = {k for k in keys.full_names() if self._is_person_root(k)}
        self._by_surname = _BlockIndex(self._people, _surname)
        self._named = keys.full_names()
        self._by_first: dict[str, list[str]] = defaultdict(list)
        self._by_acronym: dict[str, list[str]] = defaultdict(list)
        for key in self._named:
            self._by_first[key.split()[0]].append(key)
            self._by_acronym[acronym_of(key)].append(key)
        self._articles_of_root: dict[str, set[str]] = defaultdict(set)
        for key in self._named:
            self._articles_of_root[partition.find(key)] |= keys.articles_of[key]
        self._owner_cache: dict[tuple[str, str], set[str]] = {}
        self._qualified = _qualified_forms(keys)
        self._places: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for item in items:
            if keys.type_of.get(item.key) in PLACE_TYPES:
                self._places[item.ref.article].append((item.ref.end, item.key))

    def _qualified_owner(self, item: MentionItem) -> str | None:
        """The qualified form an organisation's bare name stands for in its article: the one
        whose place stands just before it ("Israel's foreign ministry" → Israeli Foreign
        Ministry), else the only one the article names ("the Foreign Ministry" after "the
        Russian Foreign Ministry"). Never one of another article on the bare name alone: every
        country has a foreign ministry.
        """
        forms = self._qualified.get(item.key)
        if not forms or self._keys.type_of[item.key] != ORG:
            return None
        here = self._place_before(item)
        if here is not None:
            fitting = {self._partition.find(f) for place, f in forms if same_place(place, here)}
            return next(iter(fitting)) if len(fitting) == 1 else None
        roots = {self._partition.find(f) for _, f in forms}
        return self._unique_owner(roots, item.ref.article, local_only=True)

    def _place_before(self, item: MentionItem) -> str | None:
        """The place named right before ``item`` ("Israel" of "Israel's foreign ministry")."""
        for end, key in self._places.get(item.ref.article, []):
            if 0 <= item.ref.start - end <= PLACE_GAP_CHARS:
                return key
        return None

    def _is_person_root(self, key: str) -> bool:
        root = self._partition.find(key)
        return self._keys.type_of[key] == PERSON or self._keys.type_of.get(root) == PERSON

    def root_for(self, item: MentionItem) -> str:
        if " " in item.key:
            return self._qualified_owner(item) or self._partition.find(item.key)
        maybe_person = item.key in self._keys.labelled_person
        found = self._surname_owner(item, local_only=not maybe_person)
        found = found or self._acronym_owner(item)
        found = found or self._first_word_owner(item)
        return found or self._partition.find(item.key)

    def _surname_owner(self, item: MentionItem, local_only: bool) -> str | None:
        cache_key = ("surname", item.key)
        if cache_key not in self._owner_cache:
            self._owner_cache[cache_key] = {
                self._partition.find(k)
                for k in self._by_surname.candidates(item.key)
                if tokens_match(_surname(k), item.key, self._similarity)
            }
        return self._unique_owner(self._owner_cache[cache_key], item.ref.article, local_only)

    def _first_word_owner(self, item: MentionItem) -> str | None:
        """A first name ("Steve") of one person named in full in the article, if the model
        took it for a person once: it often labels a first name alone otherwise.

        Not for organisations: "Apple" is not "Apple Corps" even where only that one is named
        in full (MEANTIME B-cubed F1 0.647 → 0.630).
        """
        if item.key not in self._keys.labelled_person:
            return None
        owners = {
            self._partition.find(k) for k in self._by_first.get(item.key, []) if k in self._people
        }
        return self._unique_owner(owners, item.ref.article, local_only=True)

    def _acronym_owner(self, item: MentionItem) -> str | None:
        if not item.form.isupper() or len(item.key) > MAX_ACRONYM:
            return None
        cache_key = ("acronym", item.key)
        if cache_key not in self._owner_cache:
            label = self._keys.type_of[item.key]
            self._owner_cache[cache_key] = {
                self._partition.find(k)
                for k in self._by_acronym.get(item.key, [])
                if self._keys.type_of[k] == label
            }
        return self._unique_owner(self._owner_cache[cache_key], item.ref.article, False)

    def _unique_owner(self, owners: set[str], article: str, local_only: bool) -> str | None:
        """The one candidate named in the same article, else (if allowed) in the corpus."""
        local = sorted(o for o in owners if self._named_in(o, article))
        if len(local) == 1:
            return local[0]
        if not local and not local_only and len(owners) == 1:
            return next(iter(owners))
        return None

    def _named_in(self, root: str, article: str) -> bool:
        return article in self._articles_of_root.get(root, set())


def cluster_mentions(
    items: list[MentionItem], similarity: float, acronyms: dict[str, set[str]] | None = None
) -> list[list[MentionItem]]:
    """Steps 2-5: the mentions of each actor, clusters in a deterministic order.

    ``acronyms`` are those the texts define (:func:`defined_acronyms`): one defined for a
    single name is that name across the corpus.
    """
    names = [item for item in items if item.type not in REFERRING_TYPES]
    keys = _Keys.build(names)
    partition = Partition(keys.type_of)
    merge_full_names(keys, partition, similarity)
    for short, longs in sorted((acronyms or {}).items()):
        defined = {partition.find(k) for k in longs if k in keys.type_of}
        if short in keys.type_of and len(defined) == 1:
            partition.union(short, defined.pop())
    attacher = _Attacher(keys, partition, similarity, names)
    clusters: dict[str, list[MentionItem]] = defaultdict(list)
    for item in names:
        clusters[attacher.root_for(item)].append(item)
    roots = Roots.build(clusters)
    for root, item in link_references(items, roots):
        clusters[root].append(item)
    return [clusters[root] for root in sorted(clusters)]
