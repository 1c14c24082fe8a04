"""Threads: a story and its later developments.

A later story continues an earlier one when they share cast (named people, organisations and
places) and subject (the cosine of their centroids), within a time window. Threads are the
connected components of those links; each thread keeps a maximum spanning tree of its links
(the strongest ones) so that every link shown is one reason a person can read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from storyline.ids import content_id
from storyline.records import Corpus, Story, Thread, ThreadLink
from storyline.settings import ThreadSettings
from storyline.stories import DESCRIPTION_CHARS, entity_key, shorten

#: How many shared names a link's reason lists.
REASON_NAMES = 3


@dataclass(frozen=True, slots=True)
class StoryProfile:
    """What linking knows about one story: its centroid and its cast."""

    story: Story
    centroid: np.ndarray
    cast: Counter[str]  # entity key → number of mentions across the story's articles
    names: dict[str, str]  # entity key → its most frequent spelling


@dataclass(frozen=True, slots=True)
class Link:
    earlier: StoryProfile
    later: StoryProfile
    cosine: float
    shared: tuple[str, ...]  # entity keys, most mentioned first


def story_order(story: Story) -> tuple[int, dt.date, str]:
    """Dated stories by start date, then undated ones; ties by id."""
    if story.start is None:
        return (1, dt.date.min, story.id)
    return (0, story.start, story.id)


def profile_story(story: Story, corpus: Corpus) -> StoryProfile:
    documents = [corpus.document(article_id) for article_id in story.articles]
    vectors = np.array([np.asarray(d.embedding, dtype=np.float64) for d in documents])
    total = vectors.sum(axis=0)
    norm = float(np.linalg.norm(total))
    cast: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for mention in (m for d in documents for m in d.mentions or []):
        key = entity_key(mention)
        if key is not None:
            cast[key] += 1
            spellings.setdefault(key, Counter())[" ".join(mention.text.split())] += 1
    names = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in spellings.items()}
    return StoryProfile(story, total / norm if norm else total, cast, names)


def days_between(earlier: Story, later: Story) -> int | None:
    if earlier.start is None or later.start is None:
        return None  # undated stories rely on content alone
    return (later.start - (earlier.end or earlier.start)).days


def reason(link: Link) -> str:
    """A short human reason: "shares Hamas, Moscow, Putin; similar subject (cos 0.62)"."""
    names = [link.later.names.get(key) or link.earlier.names[key] for key in link.shared]
    listed = ", ".join(sorted(names[:REASON_NAMES]))
    more = f" and {len(names) - REASON_NAMES} more" if len(names) > REASON_NAMES else ""
    return f"shares {listed}{more}; similar subject (cos {link.cosine:.2f})"


class ThreadStage:
    """Provides ``threads``: every story in exactly one thread."""

    name: ClassVar[str] = "threads"
    needs: ClassVar[frozenset[str]] = frozenset({"stories", "embedding", "mentions"})
    provides: ClassVar[frozenset[str]] = frozenset({"threads"})

    def __init__(self, settings: ThreadSettings) -> None:
        self._settings = settings

    def __call__(self, corpus: Corpus) -> Corpus:
        stories = sorted(corpus.stories or [], key=story_order)
        profiles = [profile_story(story, corpus) for story in stories]
        links = self.links(profiles)
        corpus.threads = [build_thread(group, tree) for group, tree in _threads(profiles, links)]
        return corpus

    def links(self, profiles: list[StoryProfile]) -> list[Link]:
        """Every qualifying (earlier, later) pair; ``profiles`` are in story order."""
        found = []
        for n, earlier in enumerate(profiles):
            for later in profiles[n + 1 :]:
                link = self.link(earlier, later)
                if link is not None:
                    found.append(link)
        return found

    def link(self, earlier: StoryProfile, later: StoryProfile) -> Link | None:
        days = days_between(earlier.story, later.story)
        if days is not None and days > self._settings.max_days_apart:
            return None
        common = earlier.cast.keys() & later.cast.keys()
        shared = sorted(common, key=lambda k: (-(earlier.cast[k] + later.cast[k]), k))
        cosine = float(earlier.centroid @ later.centroid)
        if len(shared) < self._settings.min_shared_entities:
            return None
        if cosine < self._settings.similarity:
            return None
        return Link(earlier, later, cosine, tuple(shared))


def _threads(
    profiles: list[StoryProfile], links: list[Link]
) -> list[tuple[list[StoryProfile], list[Link]]]:
    """Connected components, each with the links of its maximum spanning tree."""
    import networkx as nx

    rank = {p.story.id: n for n, p in enumerate(profiles)}
    graph = nx.Graph()
    graph.add_nodes_from(rank)
    for link in links:
        graph.add_edge(link.earlier.story.id, link.later.story.id, weight=link.cosine, link=link)
    found = []
    for component in nx.connected_components(graph):
        group = sorted((profiles[rank[i]] for i in component), key=lambda p: rank[p.story.id])
        tree = nx.maximum_spanning_tree(graph.subgraph(component))
        tree_links = [data["link"] for _, _, data in tree.edges(data=True)]
        tree_links.sort(key=lambda k: (rank[k.later.story.id], rank[k.earlier.story.id]))
        found.append((group, tree_links))
    return sorted(found, key=lambda item: rank[item[0][0].story.id])


def build_thread(group: list[StoryProfile], links: list[Link]) -> Thread:
    """A thread record; its title is its first story's (how the thread began)."""
    stories = [p.story for p in group]
    return Thread(
        id=content_id("t", stories[0].id),
        stories=tuple(s.id for s in stories),
        title=stories[0].title,
        description=describe_thread(stories),
        links=tuple(ThreadLink(k.earlier.story.id, k.later.story.id, reason(k)) for k in links),
    )


def describe_thread(stories: list[Story]) -> str:
    """One line: how many stories, over which dates, and where it stands now."""
    dates = [d for s in stories for d in (s.start, s.end) if d is not None]
    span = f" from {min(dates).isoformat()} to {max(dates).isoformat()}" if dates else ""
    if len(stories) == 1:
        return shorten(stories[0].description, DESCRIPTION_CHARS)
    return shorten(f"{len(stories)} stories{span}; latest: {stories[-1].title}", DESCRIPTION_CHARS)
