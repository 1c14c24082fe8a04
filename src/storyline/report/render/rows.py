"""The JSON shapes storyline gives out, in one place: the rows of the JSONL exports (a
contract: see "The export contract" in docs/architecture.md) and the HTTP API's answers,
which are made of the same rows.

Field names are relied on by other tools: change them only with docs/architecture.md.
Offsets index an article's ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.group.membership import Membership, membership_reason
from storyline.records import (
    Article,
    Corpus,
    Document,
    Entity,
    Quote,
    QuoteGroup,
    ReadFailure,
    Ref,
    Span,
    Story,
    stories_span,
)
from storyline.report.articles import thread_stories
from storyline.report.cast import CastMember
from storyline.report.compare import Fact, OutletView, reported_by_some
from storyline.report.conflicts import Conflict
from storyline.report.story import StoryReport, ThreadStep, story_reports
from storyline.report.summary import SummarySentence, build_thread_summary
from storyline.report.timeline import TimelineEntry
from storyline.resolve.entities import speaker_entity
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "article_item_row",
    "article_row",
    "article_rows",
    "dropped_rows",
    "entity_row",
    "membership_row",
    "outlet_count_row",
    "posted_row",
    "ref_rows",
    "story_item_row",
    "story_page_row",
    "story_row",
    "story_rows",
    "thread_rows",
    "thread_step_row",
    "vector_values",
]

# --------------------------------------------------------------------------- the export contract


def article_rows(corpus: Corpus, vectors: bool = False) -> Iterator[dict[str, Any]]:
    """One row per article, by id, with the fields of the export contract; with ``vectors``,
    each with its embedding too (``vector``, see :func:`vector_values`)."""
    for document in sorted(corpus.documents, key=lambda d: d.article.id):
        yield article_row(corpus, document, vectors)


def article_row(corpus: Corpus, document: Document, vector: bool = False) -> dict[str, Any]:
    article = document.article
    story = corpus.story_of(article.id)
    thread = corpus.thread_of(story.id) if story else None
    row: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        # ISO 639-1; None for an article stored before languages were (docs/architecture.md).
        "language": article.language,
        "published": article.published.iso() if article.published else None,
        # A date the article's story gave it, not one it states (docs/architecture.md,
        # The export contract).
        "published_inferred": bool(article.published and article.published.inferred),
        "text": article.text,
        "body": article.body_text,
        "duplicate_of": corpus.duplicate_of.get(article.id),
        "story": story.id if story else None,
        "thread": thread.id if thread else None,
        "entities": _entity_rows(corpus, document),
        "quotes": _quote_rows(corpus, document),
        "timex": _timex_rows(document),
    }
    if vector:
        row["vector"] = vector_values(document.embedding)
    return row


def vector_values(embedding: np.ndarray | None) -> list[float] | None:
    """An article's embedding as JSON numbers (None: it has none), each value the shortest
    decimal that reads back as the stored float32 (numpy's ``str`` of a float32). Lossless:
    read back as float32 it is the vector story grouping compared, bit for bit, so cosines
    computed from the export are the store's. It costs 13.3 characters a value, against 22
    for the same values written as float64 and 11.6 for 6 significant digits (512 random unit
    values)."""
    if embedding is None:
        return None
    return [float(str(value)) for value in np.asarray(embedding, dtype=np.float32)]


def _entity_rows(corpus: Corpus, document: Document) -> list[dict[str, Any]]:
    # A mention is its own entity's, never that of a longer or shorter mention around it: a
    # pronoun the resolver left unlinked has none.
    exact = {Span(r.start, r.end): e for r, e in corpus.mentions_in(document.article.id)}
    rows = []
    for mention in document.mentions or []:
        entity = exact.get(mention.span)
        rows.append(
            {
                "start": mention.span.start,
                "end": mention.span.end,
                "text": mention.text,
                "type": mention.type,
                "entity": entity.id if entity else None,
                "name": entity.name if entity else None,
            }
        )
    return rows


def _quote_rows(corpus: Corpus, document: Document) -> list[dict[str, Any]]:
    article = document.article
    rows = []
    for quote in document.quotes or []:
        speaker = speaker_entity(corpus, article.id, quote)
        group = corpus.group_of(article.id, quote.content)
        rows.append(
            {
                "content": _content_row(quote),
                "cue": quote.cue.of(article.text) if quote.cue else None,
                "speaker": (
                    {"start": quote.speaker.start, "end": quote.speaker.end}
                    if quote.speaker
                    else None
                ),
                "speaker_name": quote.speaker_name,
                "speaker_entity": speaker.id if speaker else None,
                "direct": quote.direct,
                "group": group.id if group else None,
            }
        )
    return rows


def _content_row(quote: Quote) -> dict[str, Any]:
    """The content span; a quote broken by its cue adds its ``fragments``, which leave the
    cue out (DESIGN.md §3)."""
    row: dict[str, Any] = {"start": quote.content.start, "end": quote.content.end}
    if quote.fragments:
        row["fragments"] = [[part.start, part.end] for part in quote.fragments]
    return row


def _timex_rows(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "start": t.span.start,
            "end": t.span.end,
            "text": t.text,
            "value": t.value,
            "event": {"start": t.event.start, "end": t.event.end} if t.event else None,
            "reports": t.reports,
        }
        for t in document.timex or []
    ]


def story_rows(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> Iterator[dict[str, Any]]:
    """One row per story with the ``stories`` fields of the export contract."""
    for report in story_reports(corpus, settings, embedder):
        yield story_row(report)


def story_row(report: StoryReport) -> dict[str, Any]:
    story = report.story
    return {
        "id": story.id,
        "thread": report.thread.id if report.thread else None,
        "title": story.title,
        "description": story.description,
        "articles": list(story.articles),
        "start": story.iso_range()[0],
        "end": story.iso_range()[1],
        "timeline": [_timeline_row(e) for e in report.timeline],
        "background": [_timeline_row(e) for e in report.background],
        "cast": [_cast_row(m) for m in report.cast],
        "quote_groups": [_group_row(g) for g in report.quote_groups],
        "outlets": [_outlet_row(o) for o in report.outlets],
        "sides": list(report.sides),
        "coverage": [_fact_row(f) for f in report.coverage],
        "conflicts": [_conflict_row(c) for c in report.conflicts],
        "summary": _summary_rows(report.summary),
    }


def _summary_rows(summary: Iterable[SummarySentence]) -> list[dict[str, Any]]:
    return [{"sentence": s.sentence, "sources": ref_rows(s.sources)} for s in summary]


def _fact_row(fact: Fact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "text": fact.text,
        "date": fact.date,
        "outlets": list(fact.outlets),
        "missing": list(fact.missing),
        "sources": ref_rows(fact.sources),
    }


def _conflict_row(conflict: Conflict) -> dict[str, Any]:
    return {
        "kind": conflict.kind,
        "about": conflict.about,
        "claims": [
            {"outlet": c.outlet, "value": c.value, "source": ref_rows([c.source])[0]}
            for c in conflict.claims
        ],
    }


def thread_rows(
    corpus: Corpus, settings: SummarySettings, embedder: Embedder | None = None
) -> Iterator[dict[str, Any]]:
    """One row per thread: its stories in time order, each link with its reason, and the
    thread's cited summary."""
    for thread in sorted(corpus.threads or [], key=lambda t: t.id):
        start, end = stories_span(thread_stories(corpus, thread)) or (None, None)
        yield {
            "id": thread.id,
            "title": thread.title,
            "description": thread.description,
            "stories": list(thread.stories),
            "start": start,
            "end": end,
            "links": [
                {"earlier": k.earlier, "later": k.later, "reason": k.reason} for k in thread.links
            ],
            "summary": _summary_rows(build_thread_summary(corpus, thread, settings, embedder)),
        }


def ref_rows(refs: Iterable[Ref]) -> list[dict[str, Any]]:
    return [{"article": r.article, "start": r.start, "end": r.end} for r in refs]


def _timeline_row(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "date": entry.date,
        "precision": entry.precision,
        "inferred": entry.inferred,
        "text": entry.text,
        "sources": ref_rows(entry.sources),
    }


def _cast_row(member: CastMember) -> dict[str, Any]:
    return {
        "entity": member.entity,
        "name": member.name,
        "aliases": list(member.aliases),
        "articles": list(member.articles),
    }


def _group_row(group: QuoteGroup) -> dict[str, Any]:
    return {
        "group": group.id,
        "speaker_entity": group.speaker_entity,
        "speaker_name": group.speaker_name,
        "quotes": ref_rows(group.quotes),
    }


def _outlet_row(view: OutletView) -> dict[str, Any]:
    return {
        "outlet": view.outlet,
        "articles": list(view.articles),
        "labels": {entity: list(phrases) for entity, phrases in view.labels.items()},
        "voices": list(view.voices),
        "voice_details": [
            {"entity": v.entity, "quotes": v.quotes, "words": v.words, "side": v.side}
            for v in view.voice_details
        ],
        "sides_heard": list(view.sides_heard),
        "sides_missing": list(view.sides_missing),
    }


# --------------------------------------------------------------------------- the HTTP API


def story_item_row(story: Story, outlets: Sequence[str], thread: str | None) -> dict[str, Any]:
    """A story as the API's list gives it: its dates, how many articles, which outlets."""
    start, end = story.iso_range()
    return {
        "id": story.id,
        "title": story.title,
        "description": story.description,
        "start": start,
        "end": end,
        "articles": len(story.articles),
        "outlets": list(outlets),
        "thread": thread,
    }


def story_page_row(
    report: StoryReport,
    articles: Sequence[Article],
    duplicate_of: dict[str, str],
    steps: Sequence[ThreadStep],
) -> dict[str, Any]:
    """One story as the API gives it: its ``stories`` row, the languages of its articles (the
    one most are in first), its articles in the story's order, its thread's stories
    (``thread_items``) and, of its coverage, what only some outlets report
    (``reported_by_some``: every item the other views list, none left out)."""
    row = story_row(report)
    row["languages"] = list(report.languages())
    row["reported_by_some"] = [_fact_row(f) for f in reported_by_some(report.coverage)]
    row["article_items"] = [article_item_row(a, duplicate_of.get(a.id)) for a in articles]
    row["thread_items"] = [thread_step_row(step) for step in steps]
    row["membership"] = [membership_row(m) for m in report.membership]
    return row


def membership_row(member: Membership) -> dict[str, Any]:
    """Why an article is in its story: the member it is closest to, the pair's score and its
    parts (``evidence``, null for a story of one original), what the two share, and the
    reason in words."""
    evidence = member.evidence
    return {
        "article": member.article,
        "closest": member.closest,
        "copy_of": member.copy_of,
        "evidence": (
            {
                "score": evidence.score,
                "embedding": evidence.dense,
                "words": evidence.words,
                "names": evidence.names,
                "years": evidence.years,
                "shared_quote": evidence.shared_quote,
            }
            if evidence
            else None
        ),
        "names": list(member.names),
        "words": list(member.words),
        "days_apart": member.days_apart,
        "reason": membership_reason(member),
    }


def article_item_row(article: Article, duplicate_of: str | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "language": article.language,
        "published": article.published.iso() if article.published else None,
        "duplicate_of": duplicate_of,
    }


def thread_step_row(step: ThreadStep) -> dict[str, Any]:
    return {
        "id": step.story.id,
        "title": step.story.title,
        "dates": step.story.date_label(),
        "continues_because": step.continues_because,
    }


def dropped_rows(article: Article) -> list[dict[str, Any]]:
    """What cleaning left out of the article's body, and why."""
    return [{"start": d.span.start, "end": d.span.end, "reason": d.reason} for d in article.dropped]


def entity_row(
    entity: Entity, stories: Sequence[Story], quote_groups: Sequence[QuoteGroup]
) -> dict[str, Any]:
    """One entity: its name, type and aliases, its stories, the quotes it speaks."""
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "aliases": list(entity.aliases),
        "stories": [s.id for s in stories],
        "quote_groups": [{"group": g.id, "quotes": ref_rows(g.quotes)} for g in quote_groups],
    }


def outlet_count_row(outlet: str, articles: int, stories: int) -> dict[str, Any]:
    return {"outlet": outlet, "articles": articles, "stories": stories}


def posted_row(
    added: Sequence[str],
    already_stored: Sequence[str],
    failures: Iterable[ReadFailure],
    stories: Sequence[str],
) -> dict[str, Any]:
    """What adding articles did: those added, those already stored, those skipped (with the
    reason), and the stories the added ones are in."""
    return {
        "added": list(added),
        "already_stored": list(already_stored),
        "skipped": [{"source": f.source, "reason": f.reason} for f in failures],
        "stories": list(stories),
    }
