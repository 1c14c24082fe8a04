"""How each outlet told a story: the labels it puts on actors, whose voices it carries,
which facts it reports or leaves out, and where outlets disagree.

:func:`build_comparison` works from what the rest of the report already holds: the story's
documents with their entities and quotes, its timeline and quote groups, and the embedded
sentences of :class:`~storyline.report.sentences.SentencePool`. Every fact and every
conflicting claim carries its sources (:class:`Ref` spans into an article's ``text``).
Labels come from :mod:`storyline.annotate.labels`, sides from :mod:`storyline.report.sides`,
disagreements from :mod:`storyline.report.conflicts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from storyline.annotate.labels import distinct, labels_in_article, normalise_space
from storyline.records import Article, Corpus, Document, Entity, QuoteGroup, Ref
from storyline.report.articles import UNKNOWN_OUTLET, in_language, main_language
from storyline.report.conflicts import Conflict, find_conflicts
from storyline.report.sentences import SentencePool, aligned
from storyline.report.sides import actors_of, side_of
from storyline.report.timeline import TimelineEntry
from storyline.resolve.entities import speaker_entity

__all__ = [
    "Comparison",
    "Fact",
    "OutletView",
    "Voice",
    "build_comparison",
    "build_outlets",
    "reported_by_some",
    "source_keys",
]


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
            labels[entity_id] = distinct([*labels.get(entity_id, []), *phrases])
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
            entity = speaker_entity(corpus, document.article.id, quote)
            if entity is not None:
                quotes[entity.id] = quotes.get(entity.id, 0) + 1
                words[entity.id] = words.get(entity.id, 0) + len(quote.words(text).split())
    entities = {e: found for e in quotes if (found := corpus.entity(e)) is not None}
    actors = actors_of(corpus)
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
    if corpus.mention_texts is not None and entity.id in corpus.mention_texts:
        texts = list(corpus.mention_texts[entity.id][:SIDE_MENTIONS])
    else:
        texts = [
            corpus.document(ref.article).article.text[ref.start : ref.end]
            for ref in entity.mentions[:SIDE_MENTIONS]
        ]
    return [*labels, *(text for text in texts if " " in text)]


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
    """Every event, quote and figure of the story, with the outlets that report it (and those
    that do not, among the outlets whose articles are in the story's main language)."""
    language = main_language(primary)
    everyone = tuple(sorted({keys[d.article.id] for d in primary if in_language(d, language)}))
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


def reported_by_some(coverage: Sequence[Fact]) -> list[Fact]:
    """The events and figures some of the story's outlets report and others leave out: events
    in the timeline's order, then figures in reading order.

    Quotes are left to the quote groups, which show each rendering under its outlet: listed
    here too, one speaker's many statements would crowd out the events.
    """
    uneven = [f for f in coverage if f.missing and f.outlets and f.kind != "quote"]
    return sorted(uneven, key=lambda f: f.kind != "event")


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
        for j in aligned(pool, i, keys, align_similarity):
            if j in counted and j not in used and nouns & {f.noun for f in counted[j]}:
                members.append(j)
        used.update(members)
        sources = tuple(pool.refs[m] for m in members)
        facts.append(_fact("figure", pool.texts[i], None, sources, keys, everyone))
    return facts
