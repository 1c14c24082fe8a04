"""Who is in a story: its cast (the actors its articles mention) and its quote groups (each
utterance with its renderings in the story's articles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyline.records import Corpus, Document, QuoteGroup, Story

__all__ = ["CAST_TYPES", "CastMember", "build_cast", "story_quote_groups"]

#: Entity types worth a place in the cast: actors, not places of passage or events.
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
    """Actors mentioned in the story, by number of articles then mentions."""
    article_ids = {d.article.id for d in documents}
    cast = []
    for entity in corpus.entities or []:
        refs = [r for r in entity.mentions if r.article in article_ids]
        if entity.type in CAST_TYPES and refs:
            articles = tuple(sorted({r.article for r in refs}))
            cast.append(
                CastMember(entity.id, entity.name, entity.type, entity.aliases, articles, len(refs))
            )
    return sorted(cast, key=lambda m: (-len(m.articles), -m.mentions, m.name, m.entity))


def story_quote_groups(corpus: Corpus, story: Story) -> list[QuoteGroup]:
    """Quote groups with a rendering in the story, most widely reported first.

    Each group keeps only its renderings in this story's articles (a group's id is global, so
    the same utterance repeated in a later story is still recognisable there).
    """
    members = set(story.articles)
    groups = [
        replace(g, quotes=tuple(r for r in g.quotes if r.article in members))
        for g in corpus.quote_groups or []
        if any(r.article in members for r in g.quotes)
    ]
    return sorted(groups, key=lambda g: (-len({r.article for r in g.quotes}), g.id))
