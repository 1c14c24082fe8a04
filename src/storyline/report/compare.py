"""How each outlet told a story: the labels it puts on actors, whose voices it carries,
which facts it reports or leaves out, and where outlets disagree.

:func:`build_comparison` works from what the rest of the report already holds: the story's
documents with their entities and quotes, its timeline and quote groups, and the embedded
sentences of :class:`~storyline.present.SentencePool`. Every fact and every conflicting claim
carries its sources (:class:`Ref` spans into an article's ``text``).

Agreement and contradiction come from rules over aligned sentences (numbers with the noun they
count, dates, negation), not from a model: no packaged natural-language-inference model exists
(DESIGN §6), and a rule says exactly why it fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.dates import CARDINAL_WORDS, number_value
from storyline.records import Article, Corpus, Document, Entity, QuoteGroup, Ref, Span

if TYPE_CHECKING:
    from storyline.report.story import SentencePool, TimelineEntry

__all__ = [
    "Claim",
    "Comparison",
    "Conflict",
    "Fact",
    "Figure",
    "OutletView",
    "Voice",
    "build_comparison",
    "build_outlets",
    "figures_in",
    "find_conflicts",
    "is_statement",
    "labels_in_article",
    "normalise_space",
    "side_of",
    "source_keys",
]

UNKNOWN_OUTLET = "unknown"


def normalise_space(text: str) -> str:
    return " ".join(text.split())


_TERMINAL = re.compile(r"[.!?][\"'”’)]*$")


def is_statement(text: str, min_words: int) -> bool:
    """A full sentence, not a headline, caption or dateline: long enough and punctuated."""
    return len(text.split()) >= min_words and bool(_TERMINAL.search(text))


@dataclass(frozen=True, slots=True)
class Voice:
    """One speaker as one outlet carries them: how often, how many words, for which side."""

    entity: str
    quotes: int
    words: int
    side: str | None


@dataclass(frozen=True)
class OutletView:
    """One outlet's coverage: its articles, how it designates actors, whom it quotes.

    ``voices`` are entity ids, most quoted first; ``voice_details`` say how much each gets;
    ``sides_heard`` and ``sides_missing`` are the story's sides (the actors its speakers speak
    for) that this outlet quotes someone for, and those it quotes no one for.
    """

    outlet: str
    articles: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]
    voices: tuple[str, ...]
    voice_details: tuple[Voice, ...] = ()
    sides_heard: tuple[str, ...] = ()
    sides_missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """Something the story's articles report: a dated event, a quote, or a figure.

    ``outlets`` report it (``sources`` are their spans); ``missing`` are the story's other
    outlets, which do not.
    """

    kind: str  # "event" | "quote" | "figure"
    text: str
    date: str | None
    sources: tuple[Ref, ...]
    outlets: tuple[str, ...]
    missing: tuple[str, ...]


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


@dataclass(frozen=True)
class Comparison:
    outlets: list[OutletView]
    sides: tuple[str, ...]
    coverage: list[Fact]
    conflicts: list[Conflict]


def build_comparison(
    corpus: Corpus,
    documents: Sequence[Document],
    pool: SentencePool,
    timeline: Sequence[TimelineEntry],
    quote_groups: Sequence[QuoteGroup],
    align_similarity: float,
    same_similarity: float,
) -> Comparison:
    """The outlet-by-outlet view of a story (``documents``: its articles, copies included).

    Sentences of two outlets at ``align_similarity`` report one fact; at ``same_similarity``
    they make one statement (dates and denials are compared only then).
    """
    keys = source_keys([d.article for d in documents])
    primary = [d for d in documents if d.article.id not in corpus.duplicate_of]
    outlets = build_outlets(corpus, documents, keys)
    sides = tuple(sorted({s for view in outlets for s in view.sides_heard}))
    outlets = [_with_missing_sides(view, sides) for view in outlets]
    facts = _coverage(corpus, primary, pool, timeline, quote_groups, keys, align_similarity)
    return Comparison(
        outlets=outlets,
        sides=sides,
        coverage=facts,
        conflicts=find_conflicts(primary, pool, keys, align_similarity, same_similarity),
    )


def source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id → the source it is compared as: its outlet, or, when the outlet is unknown,
    the article itself ("unknown 1", "unknown 2"): two unsigned articles are not one outlet."""
    unknown = [a for a in articles if not a.outlet]
    numbered = {a.id: f"{UNKNOWN_OUTLET} {n}" for n, a in enumerate(unknown, 1)}
    if len(unknown) == 1:
        numbered = {unknown[0].id: UNKNOWN_OUTLET}
    return {a.id: a.outlet or numbered[a.id] for a in articles}


# --------------------------------------------------------------------------- outlets and voices


def build_outlets(
    corpus: Corpus, documents: Sequence[Document], keys: dict[str, str] | None = None
) -> list[OutletView]:
    """Per outlet: its articles, the phrases it designates actors with, the actors it quotes."""
    keys = keys or source_keys([d.article for d in documents])
    by_outlet: dict[str, list[Document]] = {}
    for document in documents:
        by_outlet.setdefault(keys[document.article.id], []).append(document)
    labels = {name: _outlet_labels(corpus, docs) for name, docs in by_outlet.items()}
    every_label = _labels_by_entity(labels.values())
    return [
        _outlet_view(corpus, name, docs, labels[name], every_label)
        for name, docs in sorted(by_outlet.items())
    ]


def _outlet_labels(corpus: Corpus, documents: list[Document]) -> dict[str, tuple[str, ...]]:
    labels: dict[str, list[str]] = {}
    for document in documents:
        for entity_id, phrases in labels_in_article(corpus, document).items():
            labels[entity_id] = _distinct([*labels.get(entity_id, []), *phrases])
    return {e: tuple(p) for e, p in sorted(labels.items())}


def _labels_by_entity(views: Iterable[dict[str, tuple[str, ...]]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for labels in views:
        for entity, phrases in labels.items():
            merged.setdefault(entity, []).extend(phrases)
    return merged


def _outlet_view(
    corpus: Corpus,
    outlet: str,
    documents: list[Document],
    labels: dict[str, tuple[str, ...]],
    every_label: dict[str, list[str]],
) -> OutletView:
    voices = _voices(corpus, documents, every_label)
    return OutletView(
        outlet=outlet,
        articles=tuple(d.article.id for d in documents),
        labels=labels,
        voices=tuple(v.entity for v in voices),
        voice_details=tuple(voices),
        sides_heard=tuple(sorted({v.side for v in voices if v.side})),
    )


def _with_missing_sides(view: OutletView, sides: tuple[str, ...]) -> OutletView:
    return replace(view, sides_missing=tuple(s for s in sides if s not in view.sides_heard))


def _voices(
    corpus: Corpus, documents: Iterable[Document], every_label: dict[str, list[str]]
) -> list[Voice]:
    """The speakers the outlet quotes, most quoted first, with their words and side."""
    quotes: dict[str, int] = {}
    words: dict[str, int] = {}
    for document in documents:
        text = document.article.text
        for quote in document.quotes or []:
            entity = corpus.entity_at(document.article.id, quote.speaker) if quote.speaker else None
            if entity is not None:
                quotes[entity.id] = quotes.get(entity.id, 0) + 1
                words[entity.id] = words.get(entity.id, 0) + len(quote.content.of(text).split())
    entities = {e: found for e in quotes if (found := corpus.entity(e)) is not None}
    actors = _actors(corpus)
    order = sorted(entities, key=lambda e: (-quotes[e], -words[e], e))
    return [
        Voice(
            e,
            quotes[e],
            words[e],
            side_of(
                entities[e], _designations(corpus, entities[e], every_label.get(e, [])), actors
            ),
        )
        for e in order
    ]


#: How many of an entity's mentions across the corpus are read for its side: enough to meet
#: its designations ("the Russian president"), few enough to cost nothing in a big store.
SIDE_MENTIONS = 200


def _designations(corpus: Corpus, entity: Entity, labels: list[str]) -> list[str]:
    """The story's labels of an entity, then how the whole corpus writes its mentions ("the
    Russian president", "Russian President Vladimir Putin"): a side stated anywhere counts."""
    written = []
    for ref in entity.mentions[:SIDE_MENTIONS]:
        text = corpus.document(ref.article).article.text[ref.start : ref.end]
        if " " in text:
            written.append(text)
    return [*labels, *written]


# --------------------------------------------------------------------------- sides
#
# A speaker's side is the actor they speak for: the country, organisation or movement their
# designations name ("Russian President", "Hamas political leader", "Israel's foreign ministry
# spokesman", "United Nations Secretary General"). Actors are the corpus's own entities of
# these types; nationality words reach their country by name ("Russian" → Russia, "Israeli"
# → Israel). Hand-written: the irregular demonyms and the institutions that stand for a state,
# which no packaged gazetteer maps (pycountry has names and codes, not demonyms).
_SIDE_TYPES = frozenset({"GPE", "ORG", "NORP"})
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
    (:func:`_actors`).
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
    if entity.type != "NORP":
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


def _actors(corpus: Corpus) -> dict[str, Entity]:
    """Lower-cased name and aliases → the GPE, ORG or NORP entity they name."""
    found: dict[str, Entity] = {}
    for entity in corpus.entities or []:
        if entity.type in _SIDE_TYPES:
            for name in (entity.name, *entity.aliases):
                found.setdefault(name.lower(), entity)
    return found


# --------------------------------------------------------------------------- coverage


def _coverage(
    corpus: Corpus,
    primary: Sequence[Document],
    pool: SentencePool,
    timeline: Sequence[TimelineEntry],
    quote_groups: Sequence[QuoteGroup],
    keys: dict[str, str],
    align_similarity: float,
) -> list[Fact]:
    """Every event, quote and figure of the story, with the outlets that report it."""
    everyone = tuple(sorted({keys[d.article.id] for d in primary}))
    texts = {d.article.id: d.article.text for d in primary}
    facts = [
        _fact("event", entry.text, entry.date, entry.sources, keys, everyone)
        for entry in timeline
        if not entry.publication
    ]
    for group in quote_groups:
        refs = tuple(r for r in group.quotes if r.article in texts)
        if refs:
            named = corpus.entity(group.speaker_entity or "")
            speaker = group.speaker_name or (named.name if named else "someone")
            shortest = min(
                (normalise_space(texts[r.article][r.start : r.end]) for r in refs), key=len
            )
            facts.append(_fact("quote", f"{speaker}: {shortest}", None, refs, keys, everyone))
    told = {ref for entry in timeline for ref in entry.sources}
    facts += _figure_facts(pool, keys, everyone, told, align_similarity)
    return facts


def _fact(
    kind: str,
    text: str,
    date: str | None,
    sources: tuple[Ref, ...],
    keys: dict[str, str],
    everyone: tuple[str, ...],
) -> Fact:
    outlets = tuple(sorted({keys[r.article] for r in sources if r.article in keys}))
    missing = tuple(o for o in everyone if o not in outlets)
    return Fact(kind, text, date, sources, outlets, missing)


def _figure_facts(
    pool: SentencePool,
    keys: dict[str, str],
    everyone: tuple[str, ...],
    told: set[Ref],
    align_similarity: float,
) -> list[Fact]:
    """Sentences with a figure ("three armed Palestinians were killed"), each joined by the
    closest sentence of every other outlet that counts the same thing in a similar sentence."""
    counted = {
        i: found for i, found in enumerate(pool.figures) if found and pool.refs[i] not in told
    }
    used: set[int] = set()
    facts = []
    for i in sorted(counted):
        if i in used:
            continue
        nouns = {f.noun for f in counted[i]}
        members = [i]
        for j in _aligned(pool, i, keys, align_similarity):
            if j in counted and j not in used and nouns & {f.noun for f in counted[j]}:
                members.append(j)
        used.update(members)
        sources = tuple(pool.refs[m] for m in members)
        facts.append(_fact("figure", pool.texts[i], None, sources, keys, everyone))
    return facts


def _aligned(pool: SentencePool, index: int, keys: dict[str, str], threshold: float) -> list[int]:
    """The closest sentence of each other source at ``threshold`` or above, closest first."""
    similarity = pool.vectors @ pool.vectors[index]
    own = keys[pool.refs[index].article]
    best: dict[str, int] = {}
    for other in np.flatnonzero(similarity >= threshold):
        source = keys.get(pool.refs[other].article)
        if source is None or source == own:
            continue
        if source not in best or similarity[other] > similarity[best[source]]:
            best[source] = int(other)
    return sorted(best.values(), key=lambda j: -similarity[j])


# --------------------------------------------------------------------------- figures


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


# --------------------------------------------------------------------------- conflicts

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
        for j in _aligned(pool, i, keys, align_similarity):
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

# --------------------------------------------------------------------------- labels
#
# How an outlet designates an actor ("the radical Palestinian movement Hamas", "Alexander
# Kalugin, Russia's special envoy for the Middle East,") is where outlets differ most.
# Candidates, each validated by `_is_label` (a role word, no verb of speech, not a list item):
#   - the mention itself when the resolver attached a description ("the Russian president");
#   - with the spaCy Doc still on the document (same batch as the NLP stage): the `appos`
#     dependency in both directions, kept only when comma-adjacent, and the pre-modifying
#     noun phrase ("Hamas political leader Khaled Meshaal") when the parse confirms the word
#     before the name is a noun and the name is not itself a modifier;
#   - without it (stored documents: the parse is transient): a text pattern for an apposition
#     between commas right after the mention, and the same pre-modifier pattern, guarded by a
#     list of nouns a name can modify ("a senior Hamas official").
_DETERMINERS = frozenset({"the", "a", "an"})
_TITLES = frozenset(
    {
        "president", "minister", "secretary", "general", "chancellor", "king", "queen",
        "sheikh", "amir", "emir", "prince", "spokesman", "spokeswoman", "ambassador",
        "envoy", "leader", "chairman", "director", "senator", "governor", "mayor", "premier",
    }
)  # fmt: skip
#: Words that make a phrase a clause, not a designation: verbs of speech, auxiliaries,
#: relative words and pronouns.
_CLAUSE_WORDS = frozenset(
    {
        "said", "says", "say", "told", "tells", "asked", "added", "according", "that", "is",
        "was", "are", "were", "has", "have", "had", "met", "who", "which", "whom", "whose",
        "where", "it", "he", "she", "they", "we", "i", "you", "not", "would", "will", "also",
        "urged", "called", "invited", "endorsed", "visiting", "meeting", "includes", "include",
    }
)  # fmt: skip
#: Where a pre-modifier stops, walking left from the name: clause words, prepositions and
#: conjunctions ("leaders of | the radical Palestinian movement Hamas").
_BOUNDARY = _CLAUSE_WORDS | {
    "with", "by", "from", "to", "of", "for", "and", "or", "but", "as", "in", "on", "at",
    "after", "before", "while", "when", "against", "between", "than", "if", "during", "about",
    "into",
}  # fmt: skip
_FUNCTION_WORDS = _DETERMINERS | {"of", "for", "and", "in", "on", "at", "to", "its", "his", "her"}
#: Nouns a name can modify ("Hamas official"): then the words before belong to that noun.
_ROLE_NOUNS = frozenset(
    {
        "official", "officials", "group", "movement", "government", "delegation", "member",
        "members", "militants", "fighters", "forces", "leader", "leaders", "spokesman",
    }
)  # fmt: skip
_WORD = re.compile(r"[\w'’.-]+")
_APPOSITION_AFTER = re.compile(r",\s+([^,;:()\"“”\n]{3,90}?),")
_MAX_LABEL_WORDS = 10


#: Entity types an outlet designates with labels: actors. A nationality ("Palestinian") or a
#: place of passage has no designation of its own: the words before it belong to a noun.
LABELLED_TYPES = frozenset({"PERSON", "ORG", "GPE"})


def labels_in_article(corpus: Corpus, document: Document) -> dict[str, list[str]]:
    """Entity id → the phrases this article designates it with, in order of appearance."""
    from storyline.annotate.nlp import PRONOUN

    # A pronoun designates nothing: the words around "he" are the sentence, not a label.
    pronouns = {m.span for m in document.mentions or [] if m.type == PRONOUN}
    mentions = corpus.mentions_in(document.article.id)
    people = {e.id: _names_of(e) for _, e in mentions if e.type == "PERSON"}
    found: dict[str, list[tuple[int, str]]] = {}
    for ref, entity in mentions:
        span = Span(ref.start, ref.end)
        if span in pronouns or entity.type not in LABELLED_TYPES:
            continue
        text = document.article.text
        phrases = [*_labels_at(document, span), *_group_of_name(text, span)]
        for phrase in (normalise_space(p) for p in phrases):
            if _is_label(phrase, entity) and not _names_someone_else(phrase, entity, people):
                found.setdefault(entity.id, []).append((ref.start, phrase))
    for position, phrase, entity in _group_descriptions(document, mentions, pronouns):
        found.setdefault(entity.id, []).append((position, phrase))
    return {
        entity: _distinct(phrase for _, phrase in sorted(phrases))
        for entity, phrases in found.items()
    }


def _distinct(phrases: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for phrase in phrases:
        if phrase.casefold() not in {p.casefold() for p in seen}:
            seen.append(phrase)
    return seen


def _names_someone_else(phrase: str, entity: Entity, people: dict[str, set[str]]) -> bool:
    """ "Israeli Foreign Minister Tzipi Livni" is Livni's designation, not a place's."""
    lower = phrase.lower()
    return any(
        other != entity.id and any(len(n.split()) > 1 and n in lower for n in names)
        for other, names in people.items()
    )


#: Head nouns of an organisation's designations: "the militant group", "the radical Islamic
#: movement", "the Hamas Islamist group".
_GROUP_HEADS = r"(?:group|movement|organi[sz]ation|faction|militia)"
#: A description with one to three modifiers before its head ("the militant group's" too);
#: a name inside it is that name's, so spans holding a mention are left out.
_GROUP_DESCRIPTION = re.compile(
    rf"\b[Tt]he (?:[A-Za-z][\w-]* ){{1,3}}{_GROUP_HEADS}\b(?!-\w|['’](?!s\b))"
)
_GROUP_AFTER_NAME = re.compile(rf"(?: [A-Za-z][\w-]*){{0,2}} {_GROUP_HEADS}\b(?!-\w|['’](?!s\b))")
_DETERMINER_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?) $")


def _group_of_name(text: str, span: Span) -> list[str]:
    """ "the Hamas Islamist group": a determiner, the name, and an organisation noun after it.

    The name modifies the noun here, and the noun phrase designates the name's organisation.
    """
    before = _DETERMINER_BEFORE.search(text, max(0, span.start - 4), span.start)
    after = _GROUP_AFTER_NAME.match(text, span.end)
    if before is None or after is None:
        return []
    return [text[before.start() : after.end()]]


def _group_descriptions(
    document: Document, mentions: Sequence[tuple[Ref, Entity]], pronouns: set[Span]
) -> Iterator[tuple[int, str, Entity]]:
    """ "the resistance group", "the Hamas Islamist group": organisation descriptions, each
    given to the organisation it names, else to the one the article has named most often
    before it (ties: the latest named). The outlet and the agencies it credits are no actors.

    The resolver leaves "the group" unresolved on purpose (any organisation can be one, and
    linking it cost MEANTIME B-cubed); a designation that an outlet chooses for the story's
    main actor is what the comparison needs, and that actor is the one the article names most.
    """
    article = document.article
    own = {n.lower() for n in (article.outlet, *article.agencies) if n}
    named = [
        (r, e)
        for r, e in mentions
        if e.type == "ORG" and Span(r.start, r.end) not in pronouns and e.name.lower() not in own
    ]
    by_name = {n.lower(): e for _, e in named for n in (e.name, *e.aliases)}
    # A name inside is that name's label (see _group_of_name); a nationality is a modifier.
    taken = [Span(r.start, r.end) for r, e in mentions if e.type != "NORP"]
    for part in article.body:
        for m in _GROUP_DESCRIPTION.finditer(article.text, part.start, part.end):
            words = m.group().split()[1:-1]
            if any(s.start < m.end() and m.start() < s.end for s in taken) or any(
                w.lower() in _BOUNDARY or w.lower() in _POSSESSIVE_DETERMINERS for w in words
            ):
                continue
            inside = next((by_name[w.lower()] for w in words if w.lower() in by_name), None)
            entity = inside or _most_named_before(named, m.start())
            phrase = normalise_space(m.group())
            if entity is not None and _is_label(phrase, entity):
                yield m.start(), phrase, entity


_POSSESSIVE_DETERMINERS = frozenset(
    {"this", "that", "these", "those", "its", "their", "his", "her"}
)


def _most_named_before(named: Sequence[tuple[Ref, Entity]], position: int) -> Entity | None:
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    entities: dict[str, Entity] = {}
    for ref, entity in named:
        if ref.end <= position:
            counts[entity.id] = counts.get(entity.id, 0) + 1
            latest[entity.id] = ref.start
            entities[entity.id] = entity
    if not counts:
        return None
    best = max(counts, key=lambda e: (counts[e], latest[e]))
    return entities[best]


def _labels_at(document: Document, span: Span) -> list[str]:
    """Candidate designations around one mention: from the parse if present, else patterns."""
    text = document.article.text
    own = span.of(text).split()
    labels = [" ".join(own)] if own and own[0].lower() in _DETERMINERS else []
    mention = _parsed_mention(document, span)
    if mention is not None:
        return (
            labels
            + _parse_appositions(text, span, mention)
            + _parse_premodifier(text, span, mention)
        )
    after = _APPOSITION_AFTER.match(text, span.end)
    before = None if _modifies_next_word(text, span) else _premodifier(text, span)
    return labels + [p for p in (after.group(1) if after else None, before) if p]


def _premodifier(text: str, span: Span) -> str | None:
    """The noun phrase ending right before a name: "the radical Palestinian movement"."""
    line = text[max(0, span.start - 120) : span.start].split("\n")[-1]
    tail = re.search(r"((?:[\w'’.-]+ )+)$", line)
    if not tail:
        return None
    words = tail.group(1).split()
    if not _is_head(words[-1]):
        return None
    kept: list[str] = []
    for word in reversed(words[-_MAX_LABEL_WORDS:]):
        if word.lower() in _BOUNDARY:
            break
        kept.insert(0, word)
        if word.lower() in _DETERMINERS or _is_possessive(word):
            break
    return " ".join(kept) if kept else None


def _modifies_next_word(text: str, span: Span) -> bool:
    """The name is itself a modifier ("a senior Hamas official"): what precedes is not its label."""
    following = re.match(r"\s?([a-z]+)", text[span.end : span.end + 40])
    if following is None:
        return False
    return following.group(1) in _ROLE_NOUNS or _is_title(following.group(1))


def _is_head(word: str) -> bool:
    """A role noun a designation can end on: a lowercase noun-looking word or a title."""
    if _is_title(word):
        return True
    lower = word.lower()
    looks_like_noun = not lower.endswith(("ing", "ed", "ly"))
    return word.isalpha() and word.islower() and lower not in _BOUNDARY and looks_like_noun


def _is_title(word: str) -> bool:
    lower = word.lower()
    return lower in _TITLES or lower.removesuffix("s") in _TITLES


def _is_possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "'", "’"))


def _is_label(phrase: str, entity: Entity) -> bool:
    """A designation, not a list item, clause or the name itself.

    It must hold a role word (a lowercase content word or a title): "the United States" in
    "Russia, the United States, the EU" is another actor, not a label of Russia.
    """
    words = _WORD.findall(phrase)
    bare = re.sub(r"^(?:the|a|an) ", "", phrase.lower())
    if not words or len(words) > _MAX_LABEL_WORDS or bare in _names_of(entity):
        return False
    if any(w.lower() in _CLAUSE_WORDS for w in words):
        return False
    first = words[0]
    if not (first.lower() in _DETERMINERS or first[0].isupper() or _is_possessive(first)):
        return False
    return any(
        _is_title(w) or (w.isalpha() and w.islower() and w not in _FUNCTION_WORDS) for w in words
    )


def _names_of(entity: Entity) -> set[str]:
    return {entity.name.lower(), *(a.lower() for a in entity.aliases)}


def _parsed_mention(document: Document, span: Span) -> Any:
    """The spaCy span of a mention, or None when there is no parse or it is not in the body."""
    doc: Any = document.parse
    body = document.article.body_view.from_source(span.start, span.end) if doc else None
    if body is None:
        return None
    mention = doc.char_span(body[0], body[1], alignment_mode="expand")
    return mention if mention is not None and len(mention) else None


def _parse_appositions(text: str, span: Span, mention: Any) -> list[str]:
    """ "Name, <appos>," and "<head>, Name": spaCy's `appos`, kept only when comma-adjacent.

    The adjacency check guards against the parser linking a name to a noun in a heading or
    another sentence (it parses across paragraph breaks).
    """
    doc = mention.doc
    labels = []
    for token in mention:
        for child in token.children:
            if child.dep_ == "appos" and child.i >= mention.end:
                phrase = doc[child.left_edge.i : child.right_edge.i + 1].text.strip(" ,")
                if _comma_between(doc.text, mention.end_char, child.left_edge.idx):
                    labels.append(phrase)
    root = mention.root
    if root.dep_ == "appos" and root.head.i < mention.start:
        head = root.head
        if _comma_between(doc.text, head.idx + len(head.text), mention.start_char):
            labels.append(doc[head.left_edge.i : head.i + 1].text)
    return labels


def _comma_between(text: str, start: int, end: int) -> bool:
    return re.fullmatch(r"\s*,\s*", text[start:end]) is not None


def _parse_premodifier(text: str, span: Span, mention: Any) -> list[str]:
    """The text pattern, confirmed by the parse: the word before is a noun and the name is
    not itself modifying a noun ("The quartet includes Russia", "a senior Hamas official")."""
    doc = mention.doc
    before = doc[mention.start - 1] if mention.start > 0 else None
    if before is None or before.pos_ not in {"NOUN", "PROPN"} or mention.root.dep_ == "compound":
        return []
    phrase = _premodifier(text, span)
    return [phrase] if phrase else []
