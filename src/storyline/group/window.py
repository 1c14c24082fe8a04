"""The neighbourhood of new articles: what adding them to a store can change.

Regrouping the whole store for every new batch makes each new article cost more as the store
grows (issue 9: 1.81x at 10,000 articles). The grouping rules are local, so a regrouping of
the articles new ones can reach gives what they change:

- a story holds articles at most ``stories.max_days_apart`` days apart, and a new article is
  placed among the stories of its nearest articles (``story_index``): every stored article
  dated within that many days of a new one, and, of the articles dated loosely or not at all
  (which the story index compares with every article), the ``stories.neighbours`` nearest to
  each new article by embedding;
- then, over and over until nothing is added, every article that shares a story or a text
  (dedup) with one already in: their results are rebuilt with it.

The corpus stages run over those articles alone, except three that reach further: entities
found again take the ids of the stored entities they are (``resolve.link_to_known``);
threads, which span years, are rebuilt where the neighbourhood's stories join or leave them,
against the nearest stored stories by their stored profiles (``threads.ThreadStage``); and a
quote group with renderings both inside and outside keeps those outside, joined by whatever
the regrouping put with its renderings inside (:func:`joined_groups`). Quote groups are not
followed like stories: one utterance quoted again years later would pull in every story
between. What this cannot see, a full regrouping (``storyline regroup``) does: a copy of a
text published more than the window apart, a new rendering of an old utterance that no
rendering inside matches, term weights (TF-IDF) counted over the whole store rather than
the neighbourhood. ``benchmarks/bench_window.py`` measures the difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from storyline.group.stories import DateRange, date_range
from storyline.group.story_index import is_loose
from storyline.records import PubDate, QuoteGroup
from storyline.settings import Settings
from storyline.store.store import Store


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What the neighbourhood of a new article is found by: its stated date and embedding."""

    published: PubDate | None
    embedding: np.ndarray | None


#: A month-precise date is stored as its month's first day: a query for the days of a window
#: starts this many days earlier, so that the months overlapping it are found.
MONTH_DAYS = 31


def neighbourhood(store: Store, new: Mapping[str, NewArticle], settings: Settings) -> set[str]:
    """The ids of the new articles and of the stored articles they can change the results
    of (see the module docstring)."""
    found = set(new)
    found |= dated_near(store, [a.published for a in new.values()], settings.stories.max_days_apart)
    found |= nearest_loose(store, new.values(), settings.stories.neighbours)
    frontier = set(found)
    while frontier:
        frontier = store.grouped_with(frontier) - found
        found |= frontier
    return found


def dated_near(store: Store, dates: Iterable[PubDate | None], reach: int) -> set[str]:
    """Stored articles dated (to the day or month) within ``reach`` days of any of ``dates``."""
    found: set[str] = set()
    for window in merged(widened(dates, reach)):
        start = window.first - dt.timedelta(days=MONTH_DAYS)
        for article_id, published in store.dated_between(start, window.last):
            days = date_range(published)
            if days is not None and not is_loose(days) and days.days_to(window) == 0:
                found.add(article_id)
    return found


def widened(dates: Iterable[PubDate | None], reach: int) -> list[DateRange]:
    """The days around each date that is not loose, ``reach`` days wider on each side."""
    margin = dt.timedelta(days=reach)
    ranges = (date_range(published) for published in dates)
    return [
        DateRange(days.first - margin, days.last + margin)
        for days in ranges
        if days is not None and not is_loose(days)
    ]


def merged(ranges: list[DateRange]) -> list[DateRange]:
    """Overlapping or touching ranges joined, in order (one query per stretch of days)."""
    joined: list[DateRange] = []
    for days in sorted(ranges, key=lambda r: (r.first, r.last)):
        if joined and days.first <= joined[-1].last + dt.timedelta(days=1):
            joined[-1] = joined[-1].cover(days)
        else:
            joined.append(days)
    return joined


def nearest_loose(store: Store, new: Iterable[NewArticle], count: int) -> set[str]:
    """The ``count`` stored articles nearest by embedding to each new article among those the
    story index compares it with whatever the dates: the loosely dated ones, and for a new
    loosely dated article every article."""
    vectors = [a for a in new if a.embedding is not None]
    loose_new = [a for a in vectors if is_loose(date_range(a.published))]
    found: set[str] = set()
    if vectors:
        ids, matrix = store.embeddings(loose_only=True)
        found |= _nearest(ids, matrix, [a.embedding for a in vectors], count)
    if loose_new:
        ids, matrix = store.embeddings()
        found |= _nearest(ids, matrix, [a.embedding for a in loose_new], count)
    return found


def _nearest(
    ids: list[str], matrix: np.ndarray, queries: list[np.ndarray | None], count: int
) -> set[str]:
    if not ids:
        return set()
    cosines = np.stack([np.asarray(q, dtype=np.float32) for q in queries]) @ matrix.T
    take = min(count, len(ids))
    best = np.argpartition(-cosines, take - 1, axis=1)[:, :take]
    return {ids[i] for i in best.ravel()}


def joined_groups(
    found: list[QuoteGroup], stored: list[QuoteGroup], window: set[str]
) -> list[QuoteGroup]:
    """The quote groups ``found`` inside ``window``, each joined with the renderings outside
    it of the ``stored`` groups it shares a rendering with (and so with the other groups
    found that share one of those). A joined group keeps the stored id it holds most
    renderings of, and the speaker found inside."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(("found", g.id) for g in found)
    found_by_ref = {ref: g.id for g in found for ref in g.quotes}
    for group in stored:
        graph.add_node(("stored", group.id))
        for ref in group.quotes:
            if ref in found_by_ref:
                graph.add_edge(("stored", group.id), ("found", found_by_ref[ref]))
    found_by_id = {g.id: g for g in found}
    stored_by_id = {g.id: g for g in stored}
    joined = []
    for component in nx.connected_components(graph):
        inside = [found_by_id[i] for kind, i in sorted(component) if kind == "found"]
        old = [stored_by_id[i] for kind, i in sorted(component) if kind == "stored"]
        outside = [r for g in old for r in g.quotes if r.article not in window]
        refs = list(dict.fromkeys([*outside, *(r for g in inside for r in g.quotes)]))
        if not refs:
            continue  # a stored group all of whose renderings were inside, now elsewhere
        keeper = max(old, key=lambda g: (len(set(g.quotes) & set(refs)), g.id)) if old else None
        speaker = inside[0] if inside else old[0]
        joined.append(
            QuoteGroup(
                id=keeper.id if keeper else inside[0].id,
                speaker_entity=speaker.speaker_entity,
                speaker_name=speaker.speaker_name,
                quotes=tuple(refs),
            )
        )
    return sorted(joined, key=lambda g: g.id)
