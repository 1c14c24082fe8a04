"""Who is in a story: its cast (the actors its articles mention) and its quote groups (each
utterance with its renderings in the story's articles), speaker by speaker."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from storyline.records import (
    UNATTRIBUTED,
    Corpus,
    Document,
    Entity,
    QuoteGroup,
    Ref,
    Span,
    Story,
)
from storyline.report.articles import article_key
from storyline.resolve.actors import is_outlet, outlet_keys

__all__ = [
    "CAST_TYPES",
    "CastMember",
    "SpeakerQuotes",
    "build_cast",
    "is_actor",
    "quotes_by_speaker",
    "story_quote_groups",
]

#: Entity types worth a place in the cast: actors, not places of passage or events. NORP is
#: a group heading its own noun phrase ("the Palestinians"); the same word as an adjective
#: ("Palestinian polls") has its own type (storyline.annotate.usage.ADJECTIVAL), left out.
CAST_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class CastMember:
    entity: str
    name: str
    type: str
    aliases: tuple[str, ...]
    articles: tuple[str, ...]
    mentions: int


def build_cast(corpus: Corpus, documents: Sequence[Document]) -> list[CastMember]:
    """Actors mentioned in the story, by number of articles then mentions.

    The outlets and agencies that report (the story's own, and the well-known ones) are
    who tells the story, not who is in it.
    """
    article_ids = {d.article.id for d in documents}
    outlets = outlet_keys(documents)
    cast = []
    for entity in corpus.entities or []:
        refs = [r for r in entity.mentions if r.article in article_ids]
        if refs and is_actor(entity, outlets):
            articles = tuple(sorted({r.article for r in refs}))
            cast.append(
                CastMember(entity.id, entity.name, entity.type, entity.aliases, articles, len(refs))
            )
    return sorted(cast, key=lambda m: (-len(m.articles), -m.mentions, m.name, m.entity))


def is_actor(entity: Entity, outlets: frozenset[str]) -> bool:
    """Whether ``entity`` may stand in a cast: an actor's type, and not one of the ``outlets``
    (:func:`storyline.resolve.actors.outlet_keys`) or a well-known outlet or agency."""
    return entity.type in CAST_TYPES and not is_outlet(entity, outlets)


def story_quote_groups(corpus: Corpus, story: Story) -> list[QuoteGroup]:
    """Quote groups with a rendering in the story, in the story's order: speaker by speaker,
    each where they first speak, and each speaker's utterances where they are first rendered
    (articles oldest first, then by position in the article); unattributed ones last.

    Every view that lists a story's quote groups (``show``, the web page, the Markdown and HTML
    reports, the API and the stories export) lists them in this order, which
    :func:`quotes_by_speaker` puts under one heading per speaker: a reader follows who said
    what as the story went, not one speaker's name repeated over each of their utterances.

    Each group keeps only its renderings in this story's articles, in the story's order (a
    group's id is global, so the same utterance repeated in a later story is still
    recognisable there).
    """
    members = set(story.articles)
    order = {a: article_key(corpus.document(a).article) for a in members}

    def position(ref: Ref) -> tuple[dt.date, str, int]:
        return (*order[ref.article], ref.start)

    groups = []
    for group in corpus.quote_groups or []:
        refs = sorted((r for r in group.quotes if r.article in members), key=position)
        if refs:
            groups.append(replace(group, quotes=tuple(refs)))
    groups.sort(key=lambda g: (position(g.quotes[0]), g.id))
    first: dict[tuple[str | None, str | None], int] = {}
    for n, group in enumerate(groups):
        first.setdefault(_speaker_key(group), n)
    # Stable: each speaker's groups stay in the story's order.
    return sorted(groups, key=lambda g: (_speaker_key(g) == (None, None), first[_speaker_key(g)]))


@dataclass(frozen=True, slots=True)
class SpeakerQuotes:
    """One heading of a story's quotes: a speaker (``entity`` None when the quotes are
    unattributed or their speaker is known by name only) and their quote groups."""

    entity: str | None
    name: str
    groups: tuple[QuoteGroup, ...]


def quotes_by_speaker(
    groups: Sequence[QuoteGroup], names: Mapping[str, str] | None = None
) -> list[SpeakerQuotes]:
    """``groups`` (as :func:`story_quote_groups` orders them) under one heading per speaker,
    in the order the speakers first come; ``names`` names entities a group does not name."""
    headings: dict[tuple[str | None, str | None], list[QuoteGroup]] = {}
    for group in groups:
        headings.setdefault(_speaker_key(group), []).append(group)
    return [
        SpeakerQuotes(entity, _heading(found[0], names or {}), tuple(found))
        for (entity, _), found in headings.items()
    ]


def _heading(group: QuoteGroup, names: Mapping[str, str]) -> str:
    return group.speaker_name or names.get(group.speaker_entity or "") or UNATTRIBUTED


def _speaker_key(group: QuoteGroup) -> tuple[str | None, str | None]:
    """Who a group is by: its entity, else the name its quotes give (else no one)."""
    if group.speaker_entity:
        return (group.speaker_entity, None)
    return (None, group.speaker_name)


def utterance_text(corpus: Corpus, ref: Ref) -> str:
    """What a quote group shows for one of its renderings: the words said in ``ref``, with
    the cue of a quote broken by it left out ('"A," he said, "b"' reads "A … b") and no
    comma the attribution left at its end, in one line."""
    document = corpus.document(ref.article)
    text = document.article.text
    quote = next(
        (
            q
            for q in document.quotes or []
            if q.content.start <= ref.start and ref.end <= q.content.end
        ),
        None,
    )
    whole = (Span(ref.start, ref.end),)
    parts = quote.parts_in(ref.start, ref.end) if quote is not None else whole
    pieces = [part.of(text).strip() for part in parts]
    words = " … ".join(piece.rstrip(",").rstrip() for piece in pieces if piece)
    shown = " ".join((words or text[ref.start : ref.end]).split()).rstrip(",")
    # A partial quote's clause ends with the quote's closing mark, and the comma before it
    # is the attribution's ('as "a stab in the back," and the United States said').
    return _COMMA_BEFORE_CLOSING.sub(r"\1", shown)


_COMMA_BEFORE_CLOSING = re.compile(r",([\"”»]+)$")
