"""Cross-document entity resolution: every spelling of one actor becomes one entity.

The steps, over all mentions of the corpus:

1. Normalise each mention to a key: transliterated to ASCII, lower case, no possessive,
   punctuation, apostrophes, leading "the" or titles ("Khalid Mish'al's" → "khalid mishal").
2. Give each key one type: the majority label of its mentions. spaCy's small model labels one
   string differently from sentence to sentence ("Hamas" as ORG and GPE); one string in one
   corpus names one thing.
3. Merge full names: people when first and last names match (equal, fuzzy or phonetic:
   Khaled Mashaal = Khalid Mish'al), other types when the whole key is a close fuzzy match.
4. Attach single words: a surname joins the one person whose full name ends with it (first in
   the same article, then in the corpus); an acronym joins the one full name with its initials.
5. Name each entity by its most frequent full form; map resolved speakers of quotes ("he",
   "the Russian president") to their entity, so ``Corpus.entity_at`` finds them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from storyline.ids import content_id
from storyline.records import Corpus, Document, Entity, Quote, Ref, Span
from storyline.settings import ResolveSettings

PERSON = "PERSON"
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
    return " ".join(tokens)


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
            key = name_key(mention.text)
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


def merge_full_names(keys: _Keys, partition: _Partition, similarity: float) -> None:
    """Step 3: merge multi-word keys naming one actor."""
    people = keys.full_names(PERSON)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if person_names_match(a, b, similarity):
                partition.union(a, b)
    # A person's full name under another label ("Aleksandr Kalugin" as ORG) is still the person.
    for other in keys.full_names():
        if keys.type_of[other] != PERSON:
            for person in people:
                if person_names_match(other, person, similarity):
                    partition.union(other, person)
    _merge_close_names(keys, partition, similarity)


def _merge_close_names(keys: _Keys, partition: _Partition, similarity: float) -> None:
    from rapidfuzz import fuzz

    by_type: dict[str, list[str]] = defaultdict(list)
    for key, label in sorted(keys.type_of.items()):
        if label != PERSON:
            by_type[label].append(key)
    for group in by_type.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                same_length = len(a.split()) == len(b.split())
                if same_length and fuzz.ratio(a, b) >= similarity:
                    partition.union(a, b)


class _Attacher:
    """Step 4: where a single word (surname or acronym) belongs, per article."""

    def __init__(self, keys: _Keys, partition: _Partition, similarity: float) -> None:
        self._keys = keys
        self._partition = partition
        self._similarity = similarity
        self._people = [k for k in keys.full_names() if self._is_person_root(k)]
        self._named = keys.full_names()
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
        return found or self._partition.find(item.key)

    def _surname_owner(self, item: MentionItem, local_only: bool) -> str | None:
        cache_key = ("surname", item.key)
        if cache_key not in self._owner_cache:
            self._owner_cache[cache_key] = {
                self._partition.find(k)
                for k in self._people
                if tokens_match(k.split()[-1], item.key, self._similarity)
            }
        return self._unique_owner(self._owner_cache[cache_key], item.ref.article, local_only)

    def _acronym_owner(self, item: MentionItem) -> str | None:
        if not item.form.isupper() or len(item.key) > MAX_ACRONYM:
            return None
        cache_key = ("acronym", item.key)
        if cache_key not in self._owner_cache:
            label = self._keys.type_of[item.key]
            self._owner_cache[cache_key] = {
                self._partition.find(k)
                for k in self._named
                if self._keys.type_of[k] == label and acronym_of(k) == item.key
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
    """Steps 2-4: the mentions of each actor, clusters in a deterministic order."""
    keys = _Keys.build(items)
    partition = _Partition(keys.type_of)
    merge_full_names(keys, partition, similarity)
    attacher = _Attacher(keys, partition, similarity)
    clusters: dict[str, list[MentionItem]] = defaultdict(list)
    for item in items:
        clusters[attacher.root_for(item)].append(item)
    return [clusters[root] for root in sorted(clusters)]


def canonical_form(items: list[MentionItem]) -> str:
    """The most frequent full form (two words or more when there is one); ties: longer name."""
    full = [item for item in items if " " in item.key] or items
    counts = Counter(item.form for item in full)
    words = {item.form: len(item.key.split()) for item in full}
    return min(counts, key=lambda form: (-counts[form], -words[form], -len(form), form))


def entity_type(items: list[MentionItem]) -> str:
    """People named in full are people whatever spaCy said of a surname alone."""
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
        aliases=tuple(sorted({item.form for item in items} - {name})),
        mentions=tuple(sorted({item.ref for item in items})),
    )


class EntityLookup:
    """Finds the entity a name stands for in one article (speaker names of quotes)."""

    def __init__(self, entities: list[Entity], similarity: float = 88.0) -> None:
        self._similarity = similarity
        self._keys: dict[str, set[str]] = {}
        self._articles: dict[str, set[str]] = defaultdict(set)
        self._by_id = {entity.id: entity for entity in entities}
        for entity in sorted(entities, key=lambda e: e.id):
            self._keys[entity.id] = {name_key(n) for n in (entity.name, *entity.aliases)} - {""}
            for ref in entity.mentions:
                self._articles[ref.article].add(entity.id)

    def find(self, article_id: str, name: str) -> Entity | None:
        """The entity named ``name`` in the article, else the one entity of that name anywhere."""
        key = name_key(name)
        if not key:
            return None
        local = sorted(self._articles.get(article_id, set()))
        found = self._unique(local, key) or self._unique(sorted(self._by_id), key, exact=True)
        return self._by_id[found] if found else None

    def _unique(self, entity_ids: list[str], key: str, exact: bool = False) -> str | None:
        matches = [e for e in entity_ids if key in self._keys[e]]
        if not matches and not exact:
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


def speaker_refs(
    documents: list[Document], lookup: EntityLookup, corpus: Corpus
) -> Iterator[tuple[str, Ref]]:
    """(entity id, speaker span) for speakers no mention of their own entity covers."""
    for document in sorted(documents, key=lambda d: d.article.id):
        article_id = document.article.id
        for quote in document.quotes or []:
            if quote.speaker is None or not quote.speaker_name:
                continue
            named = lookup.find(article_id, quote.speaker_name)
            if named is not None and _entity_at(corpus, article_id, quote.speaker) != named.id:
                yield named.id, Ref(article_id, quote.speaker.start, quote.speaker.end)


def _entity_at(corpus: Corpus, article_id: str, span: Span) -> str | None:
    found = corpus.entity_at(article_id, span)
    return found.id if found else None


def add_speaker_mentions(corpus: Corpus, entities: list[Entity], similarity: float) -> list[Entity]:
    """Entities with the spans of pronoun and title speakers added to their mentions."""
    probe = Corpus(documents=corpus.documents, entities=entities)
    extra: dict[str, set[Ref]] = defaultdict(set)
    for entity_id, ref in speaker_refs(corpus.documents, EntityLookup(entities, similarity), probe):
        extra[entity_id].add(ref)
    return [
        _with_mentions(entity, extra[entity.id]) if entity.id in extra else entity
        for entity in entities
    ]


def _with_mentions(entity: Entity, refs: set[Ref]) -> Entity:
    from dataclasses import replace

    return replace(entity, mentions=tuple(sorted(set(entity.mentions) | refs)))


class ResolveStage:
    """Provides ``entities``: one per real actor across all articles."""

    name: ClassVar[str] = "resolve"
    needs: ClassVar[frozenset[str]] = frozenset({"mentions", "quotes"})
    provides: ClassVar[frozenset[str]] = frozenset({"entities"})

    def __init__(self, settings: ResolveSettings) -> None:
        self._settings = settings

    def __call__(self, corpus: Corpus) -> Corpus:
        similarity = self._settings.name_similarity
        clusters = cluster_mentions(collect_mentions(corpus.documents), similarity)
        entities = sorted((build_entity(c) for c in clusters), key=lambda e: e.id)
        corpus.entities = add_speaker_mentions(corpus, entities, similarity)
        return corpus
