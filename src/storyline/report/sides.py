"""The side a speaker speaks for: the country, organisation or movement their designations
name ("Russian President", "Hamas political leader", "Israel's foreign ministry spokesman")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from storyline.annotate.usage import ADJECTIVAL
from storyline.records import Corpus, Entity

__all__ = ["SIDE_TYPES", "actors_of", "side_of"]

# A speaker's side is the actor they speak for: the country, organisation or movement their
# designations name ("Russian President", "Hamas political leader", "Israel's foreign ministry
# spokesman", "United Nations Secretary General"). Actors are the corpus's own entities of
# these types; nationality words reach their country by name ("Russian" → Russia, "Israeli"
# → Israel). Hand-written: the irregular demonyms and the institutions that stand for a state,
# which no packaged gazetteer maps (pycountry has names and codes, not demonyms).
_NATIONALITIES = frozenset({"NORP", ADJECTIVAL})  # "Palestinians" and "Palestinian"
_SIDE_TYPES = frozenset({"GPE", "ORG", *_NATIONALITIES})
#: The types of the entities a side may be (a reader of one story reads them all, names only).
SIDE_TYPES = _SIDE_TYPES
_IRREGULAR_SIDES = {
    "american": "United States", "americans": "United States", "u.s.": "United States",
    "us": "United States", "washington": "United States", "state department": "United States",
    "white house": "United States", "pentagon": "United States", "british": "United Kingdom",
    "britain": "United Kingdom", "uk": "United Kingdom", "spanish": "Spain", "french": "France",
    "dutch": "Netherlands", "swiss": "Switzerland", "greek": "Greece", "kremlin": "Russia",
    "moscow": "Russia", "beijing": "China", "chinese": "China", "un": "United Nations",
    "u.n.": "United Nations", "eu": "European Union", "european union": "European Union",
}  # fmt: skip
_COUNTRY_PREFIX = 4  # "Russi(an)" → "Russi(a)", "Israel(i)" → "Israel", "Qatar(i)" → "Qatar"


def side_of(entity: Entity, labels: Sequence[str], actors: dict[str, Entity]) -> str | None:
    """The actor a speaker speaks for, from their name, aliases and designations, if any.

    ``actors`` maps lower-cased names to the corpus's GPE, ORG and NORP entities
    (:func:`actors_of`).
    """
    if entity.type in _SIDE_TYPES:
        return _side_name(entity.name, actors)
    for phrase in (*labels, *entity.aliases, entity.name):
        for candidate in _side_candidates(phrase):
            side = _side_name(candidate, actors)
            if side and side.casefold() != entity.name.casefold():
                return side
    return None


def _side_candidates(phrase: str) -> Iterator[str]:
    """Word runs of a phrase that may name an actor: capitalised words, one or two at a time."""
    words = [
        w.rstrip(",").removesuffix("'s").removesuffix("’s").rstrip("'’") for w in phrase.split()
    ]
    for n, word in enumerate(words):
        if word[:1].isupper() or word.lower() in _IRREGULAR_SIDES:
            if n + 1 < len(words) and words[n + 1][:1].isupper():
                yield f"{word} {words[n + 1]}"
            yield word


def _side_name(candidate: str, actors: dict[str, Entity], bodies: bool = True) -> str | None:
    """The side a word run names; ``bodies``: a state's body ("Russian Foreign Ministry")
    stands for the state its first word names."""
    lower = candidate.lower()
    if lower in _IRREGULAR_SIDES:
        return _IRREGULAR_SIDES[lower]
    entity = actors.get(lower)
    if entity is None:
        return None
    if bodies and entity.type == "ORG" and " " in entity.name:
        first = _side_name(entity.name.split()[0], actors, bodies=False)
        if first and first != entity.name and actors.get(first.lower(), entity).type == "GPE":
            return first
    if entity.type not in _NATIONALITIES:
        return entity.name
    country = next(
        (
            e.name
            for e in actors.values()
            if e.type == "GPE" and e.name[:_COUNTRY_PREFIX].lower() == lower[:_COUNTRY_PREFIX]
        ),
        None,
    )
    return country or entity.name


def actors_of(corpus: Corpus) -> dict[str, Entity]:
    """Lower-cased name and aliases → the GPE, ORG or NORP entity they name."""
    found: dict[str, Entity] = {}
    for entity in corpus.entities or []:
        if entity.type in _SIDE_TYPES:
            for name in (entity.name, *entity.aliases):
                found.setdefault(name.lower(), entity)
    return found
