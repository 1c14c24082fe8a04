"""Rows and records: how each record is kept in the store's tables, and read back.

The storage edge: the row of each article, time expression, quote and story profile, the rows
of every cross-article table for a corpus (:func:`corpus_rows`) and their digest, and back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from storyline.records import (
    Article,
    Corpus,
    Document,
    Dropped,
    Entity,
    NamedDate,
    Precision,
    PubDate,
    Quote,
    Span,
    Story,
    StoryProfile,
    TimeRef,
    TimexType,
)
from storyline.store.schema import CORPUS_TABLES


class Float32Blob(bytes):
    """An article's embedding as float32 bytes: a BLOB in SQLite; PostgreSQL with pgvector
    stores it as a ``vector`` (the type tells its driver to)."""


def corpus_rows(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every cross-article table for ``corpus``, in a stable order. The entities'
    name keys are the resolve stage's (``corpus.entity_keys``): the store keeps them, it does
    not make them."""
    entities = corpus.entities or []
    stories = corpus.stories or []
    threads = corpus.threads or []
    groups = corpus.quote_groups or []
    inferred = sorted((corpus.inferred_dates or {}).items())
    return {
        "duplicates": sorted(corpus.duplicate_of.items()),
        "entities": [(e.id, e.name, e.type) for e in entities],
        "entity_aliases": [(e.id, a, i) for e in entities for i, a in enumerate(e.aliases)],
        "entity_mentions": [
            (e.id, r.article, r.start, r.end) for e in entities for r in e.mentions
        ],
        "stories": [
            (s.id, s.title, s.description, iso(s.start), iso(s.end), s.precision.value)
            for s in stories
        ],
        "story_articles": [(s.id, a, i) for s in stories for i, a in enumerate(s.articles)],
        "threads": [(t.id, t.title, t.description) for t in threads],
        "thread_stories": [(t.id, s, i) for t in threads for i, s in enumerate(t.stories)],
        "thread_links": [
            (t.id, k.earlier, k.later, k.reason, k.cosine) for t in threads for k in t.links
        ],
        "quote_groups": [(g.id, g.speaker_entity, g.speaker_name) for g in groups],
        "quote_group_members": [
            (g.id, r.article, r.start, r.end) for g in groups for r in g.quotes
        ],
        "inferred_dates": [
            (a, p.date.isoformat(), p.precision.value, p.origin) for a, p in inferred
        ],
        "inferred_timex": [
            timex_row(a, t) for a, _ in inferred for t in corpus.document(a).timex or []
        ],
        "entity_keys": entity_key_rows(entities, corpus.entity_keys or {}),
        "story_profiles": [
            profile_row(p) for _, p in sorted((corpus.story_profiles or {}).items())
        ],
    }


def entity_key_rows(
    entities: Iterable[Entity], keys: Mapping[str, Iterable[str]]
) -> list[tuple[Any, ...]]:
    """(key, entity id, type) for each name key given for each of ``entities``."""
    return [(key, e.id, e.type) for e in entities for key in sorted(keys.get(e.id, ()))]


def profile_row(profile: StoryProfile) -> tuple[Any, ...]:
    return (
        profile.story.id,
        np.asarray(profile.centroid, dtype=np.float64).tobytes(),
        json.dumps(sorted(profile.cast.items())),
        json.dumps(sorted(profile.names.items())),
        json.dumps(
            [[d.label, d.first.isoformat(), d.last.isoformat(), d.count] for d in profile.dates]
        ),
    )


def profile_from_row(story: Story, row: Sequence[Any]) -> StoryProfile:
    return StoryProfile(
        story=story,
        centroid=np.frombuffer(row[1], dtype=np.float64).copy(),
        cast=Counter(dict(json.loads(row[2]))),
        names=dict(json.loads(row[3])),
        dates=tuple(
            NamedDate(label, dt.date.fromisoformat(first), dt.date.fromisoformat(last), count)
            for label, first, last, count in json.loads(row[4])
        ),
    )


def digest(rows: dict[str, list[tuple[Any, ...]]]) -> str:
    """A digest of the cross-article rows: results equal to the stored ones are not written."""
    hashed = hashlib.sha256()
    for table in CORPUS_TABLES:
        hashed.update(f"{table}\0{rows[table]!r}\0".encode())
    return hashed.hexdigest()


def spans_json(spans: Iterable[Span]) -> str:
    return json.dumps([[s.start, s.end] for s in spans])


#: Columns of the ``articles`` table, in order: those of schema 1, then ``language`` (10),
#: then the origins of the title, the outlet and the byline (12), then the embedding's model
#: (13).
ARTICLE_COLUMNS = 23


def article_row(document: Document) -> tuple[Any, ...]:
    a = document.article
    published = a.published
    embedding = (
        None
        if document.embedding is None
        else Float32Blob(np.asarray(document.embedding, np.float32).tobytes())
    )
    return (
        a.id,
        a.source,
        a.text,
        a.title,
        a.outlet,
        published.date.isoformat() if published else None,
        published.precision.value if published else None,
        published.origin if published else None,
        int(published.inferred) if published else 0,
        a.byline,
        a.dateline,
        json.dumps(list(a.agencies)),
        a.url,
        spans_json(a.body),
        spans_json(a.highlights),
        json.dumps([[d.span.start, d.span.end, d.reason] for d in a.dropped]),
        spans_json(document.sentences or []),
        embedding,
        a.language,
        a.title_origin,
        a.outlet_origin,
        a.byline_origin,
        document.embedding_model,
    )


def embedding_of(blob: bytes | None) -> np.ndarray | None:
    """An article's stored embedding (float32 bytes) as a vector."""
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()


def article_from_row(row: Sequence[Any]) -> Article:
    published = None
    if row[5] is not None:
        published = PubDate(dt.date.fromisoformat(row[5]), Precision(row[6]), row[7], bool(row[8]))
    return Article(
        id=row[0],
        source=row[1],
        text=row[2],
        title=row[3],
        outlet=row[4],
        published=published,
        byline=row[9],
        dateline=row[10],
        agencies=tuple(json.loads(row[11])),
        url=row[12],
        body=tuple(Span(s, e) for s, e in json.loads(row[13])),
        highlights=tuple(Span(s, e) for s, e in json.loads(row[14])),
        dropped=tuple(Dropped(Span(s, e), reason) for s, e, reason in json.loads(row[15])),
        language=row[18],
        title_origin=row[19],
        outlet_origin=row[20],
        byline_origin=row[21],
    )


def timex_row(article_id: str, timex: TimeRef) -> tuple[Any, ...]:
    event = timex.event
    return (
        article_id,
        timex.span.start,
        timex.span.end,
        timex.text,
        timex.type.value,
        timex.value,
        event.start if event else None,
        event.end if event else None,
        None if timex.reports is None else int(timex.reports),
    )


def timex_from_row(row: Sequence[Any]) -> TimeRef:
    event = None if row[6] is None else Span(row[6], row[7])
    reports = None if row[8] is None else bool(row[8])
    return TimeRef(Span(row[1], row[2]), row[3], TimexType(row[4]), row[5], event, reports)


def quote_row(article_id: str, quote: Quote) -> tuple[Any, ...]:
    cue, speaker = quote.cue, quote.speaker
    return (
        article_id,
        quote.content.start,
        quote.content.end,
        cue.start if cue is not None else None,
        cue.end if cue is not None else None,
        speaker.start if speaker is not None else None,
        speaker.end if speaker is not None else None,
        quote.speaker_name,
        int(quote.direct),
        json.dumps([[f.start, f.end] for f in quote.fragments]) if quote.fragments else None,
    )


def quote_from_row(row: Sequence[Any]) -> Quote:
    return Quote(
        content=Span(row[1], row[2]),
        cue=None if row[3] is None else Span(row[3], row[4]),
        speaker=None if row[5] is None else Span(row[5], row[6]),
        speaker_name=row[7],
        direct=bool(row[8]),
        fragments=tuple(Span(s, e) for s, e in json.loads(row[9])) if row[9] else (),
    )


def story_from_row(row: Sequence[Any], articles: Sequence[str]) -> Story:
    """A ``stories`` row (id, title, description, start, end, precision) as a story holding
    ``articles``."""
    sid, title, description, start, end, precision = row
    return Story(
        sid, tuple(articles), title, description, date_of(start), date_of(end), Precision(precision)
    )


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def date_of(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
