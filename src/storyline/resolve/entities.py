"""Cross-document entity resolution: every spelling of one actor becomes one entity.

The steps, over all mentions of the corpus:

1. Normalise each mention to a key: transliterated to ASCII, lower case, no possessive,
   punctuation, apostrophes, leading "the" or titles ("Khalid Mish'al's" → "khalid mishal").
2. Give each key one type: the majority label of its mentions. spaCy's small model labels one
   string differently from sentence to sentence ("Hamas" as ORG and GPE); one string in one
   corpus names one thing.
3. Merge full names: people when first and last names match (equal, fuzzy or phonetic:
   Khaled Mashaal = Khalid Mish'al), other types when the whole key is a close fuzzy match;
   a company with its company words ("Apple Computer"), a name cut short ("the Dow Jones")
   or with its country or maker in front ("U.S. Air Force", "Airbus A380") is the name.
   Candidates come from blocks (metaphone, first and last letters), never from all pairs, so
   the cost per article does not grow with the names already known.
4. Attach single words: a surname joins the one person whose full name ends with it (first in
   the same article, then in the corpus); a first name the one person of the article with it;
   an acronym joins the one full name with its initials.
5. Link what a reader resolves without thinking (nlp.py finds them): a pronoun ("he", "its")
   or a description ("the company", "the Russian leader", "Apple CEO") joins the nearest
   entity before it that it can stand for; a description that holds a name is that name.
6. Name each entity by its most frequent full form; map resolved speakers of quotes ("he",
   "the Russian president") to their entity, so ``Corpus.entity_at`` finds them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from storyline.annotate.nlp import (
    DESCRIPTION,
    DESCRIPTION_TYPES,
    FIRST_PERSON,
    PRONOUN,
    PRONOUN_TYPES,
    UNLABELLED,
)
from storyline.ids import content_id
from storyline.records import Corpus, Document, Entity, Quote, Ref, Span
from storyline.settings import ResolveSettings

PERSON = "PERSON"
#: Mention types that point at an actor named elsewhere: linked to an antecedent, never named.
REFERRING_TYPES = frozenset({PRONOUN, DESCRIPTION})
#: Labels of words that describe a speaker without being one ("an Israeli source").
SILENT_TYPES = frozenset({"NORP"})
#: Tie-break between labels of one key: the order in which a wrong label costs least.
TYPE_PREFERENCE = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
#: Words before a name that say what the person is, not who ("President Putin"). Words that
#: also start names of organisations ("General Motors", "King Digital") are left out.
TITLES = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "sheikh", "sheik"),
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

_POSSESSIVE = re.compile(r"['’]s?$")
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
def _metaphone(token: str) -> str:
    import jellyfish

    return jellyfish.metaphone(token)


def sound_alike(a: str, b: str) -> bool:
    """Metaphone keys equal and the match rating approach agrees: two spellings of one sound.

    Both must agree, so that one coarse code alone does not merge names ("Abbas"/"Abbasi"
    still do: a known limit); "Khaled"/"Khalid", "Mashaal"/"Mish'al", "Alexander"/"Aleksandr"
    pass.
    """
    import jellyfish

    return _metaphone(a) == _metaphone(b) and bool(jellyfish.match_rating_comparison(a, b))


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


class _Partition:
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
            if key:
                ref = Ref(document.article.id, mention.span.start, mention.span.end)
                items.append(MentionItem(ref, display_form(mention.text), key, mention.type))
    return sorted(items, key=lambda item: (item.ref, item.type))


def majority_type(types: Iterable[str]) -> str:
    counts = Counter(types)
    return min(counts, key=lambda t: (-counts[t], _type_rank(t), t))


def _type_rank(label: str) -> int:
    return TYPE_PREFERENCE.index(label) if label in TYPE_PREFERENCE else len(TYPE_PREFERENCE)


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
    return {f"m:{_metaphone(word)}", f"<:{word[:3]}", f">:{word[-3:]}"}


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


def merge_full_names(keys: _Keys, partition: _Partition, similarity: float) -> None:
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


def _merge_close_names(keys: _Keys, partition: _Partition, similarity: float) -> None:
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


def _merge_company_forms(keys: _Keys, partition: _Partition) -> None:
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


def _merge_shortened_names(keys: _Keys, partition: _Partition) -> None:
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


def _merge_owned_names(keys: _Keys, partition: _Partition) -> None:
    """A name with its country or maker in front is the name without it (MEANTIME B-cubed F1
    0.647 → 0.651)."""
    for key in keys.full_names():
        words = key.split()
        for n in range(1, len(words)):
            owner, rest = " ".join(words[:n]), " ".join(words[n:])
            owned = keys.type_of.get(owner) in OWNER_TYPES and rest in keys.type_of
            owned = owned and (" " in rest or keys.type_of[key] in MODEL_TYPES)
            if owned and _types_agree(keys.type_of[rest], keys.type_of[key]):
                partition.union(key, rest)
                break


def _types_agree(a: str, b: str) -> bool:
    return a == b or UNLABELLED in (a, b)


class _Attacher:
    """Step 4: where a single word (surname, first name, acronym) belongs."""

    def __init__(self, keys: _Keys, partition: _Partition, similarity: float) -> None:
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

    def _is_person_root(self, key: str) -> bool:
        root = self._partition.find(key)
        return self._keys.type_of[key] == PERSON or self._keys.type_of.get(root) == PERSON

    def root_for(self, item: MentionItem) -> str:
        if " " in item.key:
            return self._partition.find(item.key)
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
        """A first name ("Steve") of one person named in full in the article.

        Not for organisations: "Apple" is not "Apple Corps" even where only that one is named
        in full (MEANTIME B-cubed F1 0.647 → 0.630).
        """
        if self._keys.type_of[item.key] != PERSON:
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


def cluster_mentions(items: list[MentionItem], similarity: float) -> list[list[MentionItem]]:
    """Steps 2-5: the mentions of each actor, clusters in a deterministic order."""
    names = [item for item in items if item.type not in REFERRING_TYPES]
    keys = _Keys.build(names)
    partition = _Partition(keys.type_of)
    merge_full_names(keys, partition, similarity)
    attacher = _Attacher(keys, partition, similarity)
    clusters: dict[str, list[MentionItem]] = defaultdict(list)
    for item in names:
        clusters[attacher.root_for(item)].append(item)
    roots = _Roots.build(clusters)
    for root, item in link_references(items, roots):
        clusters[root].append(item)
    return [clusters[root] for root in sorted(clusters)]


#: How far back (characters) a pronoun looks for its antecedent: far enough for "GM said on
#: Monday that it", not into the next topic. A description names its actor more plainly and
#: looks further ("the Russian leader" after a quoted paragraph). MEANTIME B-cubed F1
#: (benchmarks/bench_entities.py): pronouns 0.644 at 200-300, 0.647 at 400, flat beyond;
#: descriptions 0.657 at 400, 0.656 at 600 (kept: the seed title needs 404), 0.655 at 800.
PRONOUN_WINDOW_CHARS = 400
DESCRIPTION_WINDOW_CHARS = 600


@dataclass(frozen=True)
class _Roots:
    """What link_references needs of the named clusters, by root."""

    root_of: dict[Ref, str]  # every named mention
    types: dict[str, str]
    words: dict[str, frozenset[str]]  # the words of all its names

    @classmethod
    def build(cls, clusters: dict[str, list[MentionItem]]) -> _Roots:
        return cls(
            root_of={item.ref: root for root, found in clusters.items() for item in found},
            types={root: entity_type(found) for root, found in clusters.items()},
            words={
                root: frozenset(w for item in found for w in item.key.split())
                for root, found in clusters.items()
            },
        )


def link_references(items: list[MentionItem], roots: _Roots) -> Iterator[tuple[str, MentionItem]]:
    """Step 5: (root, mention) for each pronoun or description with an antecedent.

    A description that ends with a name ("Apple CEO Steve Jobs") is that name, and one that
    holds a name of its kind is that one ("the new Airbus A380 superjumbo airliner"). Otherwise
    the antecedent is the nearest mention before it in the article, named or already linked,
    whose entity has a type the word can stand for ("he": a person; "the company": an ORG),
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
            root = root or _antecedent(item, recent, roots)
            if root is not None:
                recent.append((item.ref.end, root))
                yield root, item


def _named_inside(items: list[MentionItem], n: int, roots: _Roots) -> str | None:
    """The last named mention of a fitting type inside the description ``items[n]``.

    Mentions inside it follow it in (article, start, end) order, until one starts after it.
    """
    item = items[n]
    if item.type != DESCRIPTION:
        return None
    wanted = DESCRIPTION_TYPES.get(item.key.split()[-1], frozenset())
    found = None
    for inner in items[n + 1 :]:
        if inner.ref.article != item.ref.article or inner.ref.start >= item.ref.end:
            break
        root = roots.root_of.get(inner.ref)
        if root is not None and inner.ref.end <= item.ref.end and roots.types[root] in wanted:
            found = root
    return found


def _antecedent(item: MentionItem, recent: list[tuple[int, str]], roots: _Roots) -> str | None:
    """The nearest fitting entity mentioned in the window before ``item``, if any."""
    near = _in_window(item, recent)
    if item.type == PRONOUN:
        wanted = PRONOUN_TYPES.get(item.key, frozenset())
        return next((root for root in near if roots.types[root] in wanted), None)
    head = item.key.split()[-1]
    wanted = DESCRIPTION_TYPES.get(head, frozenset())
    typed = [root for root in near if roots.types[root] in wanted]
    # A head with no types of its own ("the index") is only trusted where a name holds it.
    named = [root for root in (typed if wanted else near) if {head, head + "s"} & roots.words[root]]
    return next(iter(named or typed), None)


def _in_window(item: MentionItem, recent: list[tuple[int, str]]) -> list[str]:
    """Roots mentioned before ``item`` within its window, nearest first."""
    window = PRONOUN_WINDOW_CHARS if item.type == PRONOUN else DESCRIPTION_WINDOW_CHARS
    near = []
    for end, root in reversed(recent):
        if item.ref.start - end > window:
            break
        if end <= item.ref.start:
            near.append(root)
    return near


def canonical_form(items: list[MentionItem]) -> str:
    """The most frequent full form (two words or more when there is one); ties: longer name."""
    items = _names(items) or items
    full = [item for item in items if " " in item.key] or items
    counts = Counter(item.form for item in full)
    words = {item.form: len(item.key.split()) for item in full}
    return min(counts, key=lambda form: (-counts[form], -words[form], -len(form), form))


def _names(items: list[MentionItem]) -> list[MentionItem]:
    return [item for item in items if item.type not in REFERRING_TYPES]


def entity_type(items: list[MentionItem]) -> str:
    """People named in full are people whatever spaCy said of a surname alone."""
    items = _names(items) or items
    if any(item.type == PERSON and " " in item.key for item in items):
        return PERSON
    return majority_type(item.type for item in items)


def build_entity(items: list[MentionItem]) -> Entity:
    name = canonical_form(items)
    label = entity_type(items)
    return Entity(
        id=content_id("e", label, name_key(name)),
        name=name,
        type=label,
        aliases=tuple(sorted({item.form for item in _names(items)} - {name})),
        mentions=tuple(sorted({item.ref for item in items})),
    )


def distinct_ids(entities: Iterable[Entity]) -> list[Entity]:
    """Entities whose names give one id (two people called "Smith" that nothing merged)
    told apart: the one mentioned first keeps the name's id, the others' ids also hash
    their first mention, so the same corpus always gives the same ids."""
    from dataclasses import replace

    by_id: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        by_id[entity.id].append(entity)
    distinct = []
    for same in by_id.values():
        first, *others = sorted(same, key=lambda e: e.mentions[:1])
        distinct.append(first)
        for entity in others:
            ref = entity.mentions[0] if entity.mentions else Ref("", 0, 0)
            suffix = (ref.article, str(ref.start), str(ref.end), *entity.aliases)
            distinct.append(replace(entity, id=content_id("e", entity.type, entity.name, *suffix)))
    return distinct


class EntityLookup:
    """Finds the entity a name stands for in one article (speaker names of quotes)."""

    def __init__(self, entities: list[Entity], similarity: float = 88.0) -> None:
        self._similarity = similarity
        self._keys: dict[str, set[str]] = {}
        self._articles: dict[str, set[str]] = defaultdict(set)
        self._by_key: dict[str, list[str]] = defaultdict(list)  # indexed: no scan of all
        self._by_id = {entity.id: entity for entity in entities}
        for entity in sorted(entities, key=lambda e: e.id):
            self._keys[entity.id] = {name_key(n) for n in (entity.name, *entity.aliases)} - {""}
            for key in self._keys[entity.id]:
                self._by_key[key].append(entity.id)
            for ref in entity.mentions:
                self._articles[ref.article].add(entity.id)

    def find(self, article_id: str, name: str) -> Entity | None:
        """The entity named ``name`` in the article, else the one entity of that name anywhere."""
        key = name_key(name)
        if not key:
            return None
        local = sorted(self._articles.get(article_id, set()))
        named = self._by_key.get(key, [])
        found = self._unique(local, key) or (named[0] if len(named) == 1 else None)
        return self._by_id[found] if found else None

    def _unique(self, entity_ids: list[str], key: str) -> str | None:
        matches = [e for e in entity_ids if key in self._keys[e]]
        if not matches:
            matches = [e for e in entity_ids if self._names_match(e, key)]
        return matches[0] if len(matches) == 1 else None

    def _names_match(self, entity_id: str, key: str) -> bool:
        for known in self._keys[entity_id]:
            if " " in key and " " in known:
                if person_names_match(key, known, self._similarity):
                    return True
            elif " " not in key and tokens_match(known.split()[-1], key, self._similarity):
                return True
        return False


def speaker_entity(
    corpus: Corpus, article_id: str, quote: Quote, lookup: EntityLookup | None = None
) -> Entity | None:
    """The entity who said ``quote``: the entity at its speaker span, else its speaker name.

    A nationality never speaks: in "an Israeli government source" or "the Russian leader" the
    NORP mention only describes the speaker, so it is passed over.
    """
    if quote.speaker is not None:
        found = corpus.entity_at(article_id, quote.speaker)
        if found is not None and found.type not in SILENT_TYPES:
            return found
    if quote.speaker_name:
        return (lookup or EntityLookup(corpus.entities or [])).find(article_id, quote.speaker_name)
    return None


def speaker_refs(documents: list[Document], lookup: EntityLookup) -> Iterator[tuple[str, Ref]]:
    """(entity id, span) for speakers that are not yet a mention of their entity, and for
    the first person inside what they said ("I", "my").

    The quote stage resolved the speaker with the parse at hand, so its answer stands even
    where a mention already holds the span ("the Russian president", found as "president").
    """
    # An actor of a large store has thousands of mentions: look them up in a set, not a tuple.
    mentions: dict[str, frozenset[Ref]] = {}
    for document in sorted(documents, key=lambda d: d.article.id):
        article_id = document.article.id
        for quote in document.quotes or []:
            if quote.speaker is None or not quote.speaker_name:
                continue
            named = lookup.find(article_id, quote.speaker_name)
            if named is None:
                continue
            if named.id not in mentions:
                mentions[named.id] = frozenset(named.mentions)
            known = mentions[named.id]
            speaker = Ref(article_id, quote.speaker.start, quote.speaker.end)
            for ref in (speaker, *_first_person_in(document, quote.content)):
                if ref not in known:
                    yield named.id, ref


def _first_person_in(document: Document, content: Span) -> Iterator[Ref]:
    for mention in document.mentions or []:
        inside = content.start <= mention.span.start and mention.span.end <= content.end
        if inside and mention.type == PRONOUN and mention.text.lower() in FIRST_PERSON:
            yield Ref(document.article.id, mention.span.start, mention.span.end)


def add_speaker_mentions(corpus: Corpus, entities: list[Entity], similarity: float) -> list[Entity]:
    """Entities with the spans of pronoun and title speakers added to their mentions.

    A speaker span the resolver linked to another entity (its own guess for "he") moves.
    """
    extra: dict[str, set[Ref]] = defaultdict(set)
    for entity_id, ref in speaker_refs(corpus.documents, EntityLookup(entities, similarity)):
        extra[entity_id].add(ref)
    claimed = set().union(*extra.values())
    return [_with_mentions(entity, extra.get(entity.id, set()), claimed) for entity in entities]


def _with_mentions(entity: Entity, refs: set[Ref], claimed: set[Ref]) -> Entity:
    from dataclasses import replace

    if not refs and claimed.isdisjoint(entity.mentions):
        return entity
    kept = {ref for ref in entity.mentions if ref not in claimed or ref in refs}
    return replace(entity, mentions=tuple(sorted(kept | refs)))


#: Stored entities by name key: key → (entity id, type) of every stored entity with a name or
#: alias of that key (``Store.entities_with_keys``).
KnownEntities = Callable[[set[str]], dict[str, list[tuple[str, str]]]]


def entity_keys(entity: Entity) -> set[str]:
    """The name keys an entity is known under: its name's and its aliases'."""
    keys = {name_key(entity.name), *(name_key(alias) for alias in entity.aliases)}
    return {key for key in keys if key}


def link_to_known(entities: list[Entity], known: KnownEntities) -> list[Entity]:
    """Entities found in part of the corpus, given the ids of the stored entities they are.

    When only the neighbourhood of new articles is resolved again (:mod:`storyline.group.window`),
    an actor also named outside it must keep its stored id, or the store would hold it twice.
    An entity is the stored one whose names share a key with its own and whose type agrees;
    with several, the one that shares its name's key, then the most keys, then the smallest
    id. Two entities that turn out to be one stored entity are merged. Exact keys only: the
    fuzzy merges of the full resolution ran inside the neighbourhood, and a stored entity is
    itself the result of them.
    """
    from dataclasses import replace

    keys_of = {entity.id: entity_keys(entity) for entity in entities}
    stored = known(set().union(*keys_of.values())) if entities else {}
    merged: dict[str, Entity] = {}
    for entity in entities:
        target = _known_id(entity, keys_of[entity.id], stored) or entity.id
        if target in merged:
            merged[target] = _merged(merged[target], entity)
        else:
            merged[target] = replace(entity, id=target)
    return sorted(merged.values(), key=lambda e: e.id)


def _known_id(
    entity: Entity, keys: set[str], stored: dict[str, list[tuple[str, str]]]
) -> str | None:
    shared: Counter[str] = Counter()
    for key in keys:
        for entity_id, label in stored.get(key, []):
            if _types_agree(label, entity.type):
                shared[entity_id] += 1
    if not shared:
        return None
    own = {entity_id for entity_id, _ in stored.get(name_key(entity.name), [])}
    return min(shared, key=lambda i: (i not in own, -shared[i], i))


def _merged(first: Entity, second: Entity) -> Entity:
    from dataclasses import replace

    aliases = (set(first.aliases) | set(second.aliases) | {second.name}) - {first.name}
    mentions = tuple(sorted(set(first.mentions) | set(second.mentions)))
    return replace(first, aliases=tuple(sorted(aliases)), mentions=mentions)


class ResolveStage:
    """Provides ``entities``: one per real actor across all articles.

    With ``known`` (stored entities by name key), the corpus is part of the store and each
    entity it finds takes the id of the stored entity it is (:func:`link_to_known`).
    """

    name: ClassVar[str] = "resolve"
    needs: ClassVar[frozenset[str]] = frozenset({"mentions", "quotes"})
    provides: ClassVar[frozenset[str]] = frozenset({"entities"})

    def __init__(self, settings: ResolveSettings, known: KnownEntities | None = None) -> None:
        self._settings = settings
        self._known = known

    def __call__(self, corpus: Corpus) -> Corpus:
        similarity = self._settings.name_similarity
        clusters = cluster_mentions(collect_mentions(corpus.documents), similarity)
        entities = sorted(distinct_ids(build_entity(c) for c in clusters), key=lambda e: e.id)
        if self._known is not None:
            entities = link_to_known(entities, self._known)
        corpus.entities = add_speaker_mentions(corpus, entities, similarity)
        return corpus
