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
quote group with renderings both inside and outside keeps those outside, joined to the group
the regrouping put most of its renderings inside in (:func:`joined_groups`). Quote groups are not
followed like stories: one utterance quoted again years later would pull in every story
between. What this cannot see, a full regrouping (``storyline regroup``) does: a copy of a
text published more than the window apart, a new rendering of an old utterance that no
rendering inside matches, term weights (TF-IDF) counted over the whole store rather than
the neighbourhood. ``benchmarks/bench_window.py`` measures the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from storyline.dates import DateRange, date_range
from storyline.group.story_index import is_loose
from storyline.ids import content_id
from storyline.records import PubDate, QuoteGroup
from storyline.settings import Settings


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What the neighbourhood of a new article is found by: its stated date and embedding."""

    published: PubDate | None
    embedding: np.ndarray | None


class StoredArticles(Protocol):
    """What finding a neighbourhood asks of the stored articles (the store answers it)."""

    def dated_between(self, first: dt.date, last: dt.date) -> list[tuple[str, PubDate]]: ...

    def embeddings(self, loose_only: bool = False) -> tuple[list[str], np.ndarray]: ...

    def grouped_with(self, ids: Iterable[str]) -> set[str]: ...


#: A month-precise date is stored as its month's first day: a query for the days of a window
#: starts this many days earlier, so that the months overlapping it are found.
MONTH_DAYS = 31


def neighbourhood(
    store: StoredArticles, new: Mapping[str, NewArticle], settings: Settings
) -> set[str]:
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


def dated_near(store: StoredArticles, dates: Iterable[PubDate | None], reach: int) -> set[str]:
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


def nearest_loose(store: StoredArticles, new: Iterable[NewArticle], count: int) -> set[str]:
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
    it of the one ``stored`` group it shares most renderings with, whose id it keeps.

    Two found groups are never joined through a stored group they both share renderings with:
    the regrouping compared their renderings and kept them apart as different utterances, and
    joining them again would chain what the quote-group stage no longer chains (issue 24). So
    stored and found groups are paired one to one, most shared renderings first (ties by id);
    a stored group left unpaired keeps its renderings outside as a group of their own.
    """
    found_by_ref = {ref: g.id for g in found for ref in g.quotes}
    shared = Counter(
        (old.id, found_by_ref[ref]) for old in stored for ref in old.quotes if ref in found_by_ref
    )
    paired: dict[str, QuoteGroup] = {}  # found id → its stored group
    kept: set[str] = set()  # the stored groups paired
    stored_by_id = {g.id: g for g in stored}
    for (stored_id, found_id), _ in sorted(shared.items(), key=lambda pair: (-pair[1], pair[0])):
        if found_id not in paired and stored_id not in kept:
            paired[found_id] = stored_by_id[stored_id]
            kept.add(stored_id)
    joined = [_with_outside(g, paired[g.id], window) for g in found if g.id in paired]
    for old in stored:
        outside = tuple(r for r in old.quotes if r.article not in window)
        if old.id not in kept and outside:
            joined.append(replace(old, quotes=outside))
    taken = {g.id for g in joined}
    for group in found:
        if group.id in paired:
            continue
        # Its first rendering was a stored group's, which another found group took with more.
        if group.id in taken:
            parts = [part for r in group.quotes for part in (r.article, str(r.start), str(r.end))]
            group = replace(group, id=content_id("g", *parts))
        joined.append(group)
    return sorted(joined, key=lambda g: g.id)


def _with_outside(group: QuoteGroup, old: QuoteGroup, window: set[str]) -> QuoteGroup:
    """``group`` under ``old``'s id, with ``old``'s renderings outside the window first."""
    outside = [r for r in old.quotes if r.article not in window]
    return replace(group, id=old.id, quotes=tuple(dict.fromkeys([*outside, *group.quotes])))
