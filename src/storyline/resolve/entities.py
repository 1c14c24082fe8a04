"""Step 6 of entity resolution, and the stage: each cluster of mentions becomes an entity named
by its most frequent full form; resolved speakers of quotes map to their entity; entities found
again take the ids of the stored ones they are (:func:`link_to_known`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from storyline.annotate.nlp import (
    FIRST_PERSON,
    PRONOUN,
)
from storyline.ids import content_id
from storyline.records import Corpus, Document, Entity, Mention, Quote, Ref, Span
from storyline.resolve.actors import OUTLET_TYPE, is_outlet_name, outlet_keys
from storyline.resolve.merging import cluster_mentions, types_agree
from storyline.resolve.names import (
    SILENT_TYPES,
    MentionItem,
    collect_mentions,
    defined_acronyms,
    entity_type,
    name_key,
    person_names_match,
    tokens_match,
    whole_names,
)
from storyline.settings import ResolveSettings


def canonical_form(items: list[MentionItem]) -> str:
    """The most frequent full form (two words or more when there is one); ties: longer name."""
    items = whole_names(items) or items
    full = [item for item in items if " " in item.key] or items
    counts = Counter(item.form for item in full)
    words = {item.form: len(item.key.split()) for item in full}
    return min(counts, key=lambda form: (-counts[form], -words[form], -len(form), form))


def build_entity(items: list[MentionItem], outlets: frozenset[str] = frozenset()) -> Entity:
    """The entity of one cluster; an outlet's name (``outlets``: :func:`outlet_keys`) is an
    organisation whatever spaCy read it as ("Zahar told Aljazeera": a PERSON)."""
    name = canonical_form(items)
    label = OUTLET_TYPE if is_outlet_name(name, outlets) else entity_type(items)
    return Entity(
        id=content_id("e", label, name_key(name)),
        name=name,
        type=label,
        aliases=tuple(sorted({item.form for item in whole_names(items)} - {name})),
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


#: The first person plural: inside a quote, the side the speaker speaks for.
FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})


def speaker_sides(documents: list[Document], entities: list[Entity]) -> Iterator[tuple[str, Ref]]:
    """(entity id, span) for "we", "us" and "our" inside a quote whose speaker speaks for one
    organisation: the speaker itself ("Boeing said"), or the one named in the words that
    describe the speaker ("Northrop Grumman CEO Ron Sugar said"). The nearest organisation
    before the quote is often another (the customer, the rival).
    """
    by_article: dict[str, list[tuple[Ref, Entity]]] = defaultdict(list)
    for entity in entities:
        for ref in entity.mentions:
            by_article[ref.article].append((ref, entity))
    for document in sorted(documents, key=lambda d: d.article.id):
        refs = by_article.get(document.article.id, [])
        mentions = document.mentions or []
        for quote in document.quotes or []:
            side = None if quote.speaker is None else _side_of(quote.speaker, mentions, refs)
            if side is None:
                continue
            for mention in mentions:
                plural = mention.type == PRONOUN and mention.text.lower() in FIRST_PLURAL
                if plural and any(_within(mention.span, part) for part in quote.parts()):
                    yield side.id, Ref(document.article.id, mention.span.start, mention.span.end)


def _side_of(
    speaker: Span, mentions: list[Mention], refs: list[tuple[Ref, Entity]]
) -> Entity | None:
    """The one organisation named in the longest mention that holds the speaker's span."""
    around = max(
        (m.span for m in mentions if _within(speaker, m.span)),
        key=lambda span: span.end - span.start,
        default=speaker,
    )
    orgs = {
        e.id: e for ref, e in refs if e.type == "ORG" and _within(Span(ref.start, ref.end), around)
    }
    return next(iter(orgs.values())) if len(orgs) == 1 else None


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def add_speaker_mentions(corpus: Corpus, entities: list[Entity], similarity: float) -> list[Entity]:
    """Entities with the spans of pronoun and title speakers added to their mentions.

    A speaker span the resolver linked to another entity (its own guess for "he") moves.
    """
    extra: dict[str, set[Ref]] = defaultdict(set)
    for entity_id, ref in speaker_refs(corpus.documents, EntityLookup(entities, similarity)):
        extra[entity_id].add(ref)
    for entity_id, ref in speaker_sides(corpus.documents, entities):
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
            if types_agree(label, entity.type):
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
    """Provides ``entities``: one per real actor across all articles, and ``entity_keys``: the
    name keys each is found again under (:func:`entity_keys`).

    With ``known`` (stored entities by name key), the corpus is part of the store and each
    entity it finds takes the id of the stored entity it is (:func:`link_to_known`).
    """

    name: ClassVar[str] = "resolve"
    needs: ClassVar[frozenset[str]] = frozenset({"mentions", "quotes"})
    provides: ClassVar[frozenset[str]] = frozenset({"entities", "entity_keys"})

    def __init__(self, settings: ResolveSettings, known: KnownEntities | None = None) -> None:
        self._settings = settings
        self._known = known

    def __call__(self, corpus: Corpus) -> Corpus:
        similarity = self._settings.name_similarity
        documents = corpus.documents
        acronyms = defined_acronyms(documents)
        clusters = cluster_mentions(collect_mentions(documents), similarity, acronyms)
        outlets = outlet_keys(documents)
        built = (build_entity(c, outlets) for c in clusters)
        entities = sorted(distinct_ids(built), key=lambda e: e.id)
        if self._known is not None:
            entities = link_to_known(entities, self._known)
        corpus.entities = add_speaker_mentions(corpus, entities, similarity)
        corpus.entity_keys = {e.id: frozenset(entity_keys(e)) for e in corpus.entities}
        return corpus
