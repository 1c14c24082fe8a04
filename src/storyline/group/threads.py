"""Threads: a story and its later developments.

A later story continues an earlier one when they share cast (named people, organisations and
places) and subject (the cosine of their centroids), within a time window; a later story whose
time expressions name days of the earlier one ("the talks of 9 February") refers back to it,
which the link's reason says and which lets a somewhat less similar story continue it.
Threads are the connected components of those links; each thread keeps a maximum spanning tree
of its links (the strongest ones) so that every link shown is one reason a person can read.

Only pairs of stories near each other by centroid are compared: each story's nearest stories
come from a usearch index, so the cost grows with the number of stories, not with its square.
A thread keeps the id of the earlier run's thread it shares most stories with
(:func:`storyline.group.lineage.inherit_ids`), so ids stay put when new articles arrive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

import numpy as np

from storyline.dates import DateRange
from storyline.group.lineage import inherit_ids
from storyline.group.stories import (
    DESCRIPTION_CHARS,
    SHORT_KEY_CHARS,
    entity_key,
    name_key,
    name_words,
    shorten,
)
from storyline.ids import content_id
from storyline.records import (
    Corpus,
    Document,
    Mention,
    NamedDate,
    PubDate,
    Story,
    StoryProfile,
    Thread,
    ThreadLink,
    TimeRef,
    stories_span,
)
from storyline.settings import ThreadSettings

if TYPE_CHECKING:
    from usearch.index import BatchMatches

#: How many shared names a link's reason lists.
REASON_NAMES = 3
#: How many recalled dates a link's reason lists.
REASON_DATES = 2
#: How many nearest stories (by centroid) each story is compared with. A link needs a cosine
#: near the similarity threshold, so a story's continuations are among its nearest stories;
#: 20 leaves room for the same-subject stories that fail the cast or time test (the many
#: reports of a long conflict) while keeping the comparisons linear in the number of stories.
NEIGHBOURS = 20
#: Up to this many stories the nearest are found by exact search: up to about this size it
#: costs no more than building and searching the approximate (HNSW) graph (384 dimensions, two
#: cores: 0.35-0.5 s against 0.45-0.9 s at 2,000 stories, about even at 4,000), and its answer
#: does not depend on the order stories were added in, as the graph's does.
EXACT_SEARCH_LIMIT = 4000
#: How much lower a cosine may be when the later story refers back to the earlier one's dates.
#: Naming the earlier event's days, on top of the shared names, is direct evidence of a
#: continuation, whose subject often moves on (an invitation, then the visit, then its
#: fallout); kept small because a date alone is shared by every event of that day.
RECALL_SIMILARITY_MARGIN = 0.05
#: Only a recalled date of at most this many days (a day, a week, a month) lowers the cosine
#: needed: "last year" overlaps every story of that year, so it is shown but proves little.
RECALL_MAX_DAYS = 31

#: Mention types that make an actor a thread can follow. Places (GPE) do not count: "U.S.",
#: "China" or "Moscow" are named by half the news of a day, so sharing them says nothing about
#: one affair going on; the cosine already rewards stories about the same place.
ACTOR_TYPES = frozenset({"PERSON", "ORG"})
#: News agencies and outlets articles name as their source ("CNBC reported", "(AP)"): the
#: same outlet in two stories says who reported them, not that one continues the other.
#: Each article's own outlet and agencies are added to these (:func:`outlet_keys`), so an
#: outlet not listed here is caught once its articles are read; these cover outlets quoted
#: by others, and the short names ("AP", "AFP") agencies sign with.
NEWS_OUTLETS = frozenset({
    "reuters", "thomson reuters", "associated press", "ap", "afp", "agence france presse",
    "dpa", "efe", "ansa", "upi", "united press international", "xinhua", "tass", "itar tass",
    "ria novosti", "interfax", "kyodo", "yonhap", "anadolu", "bloomberg", "bloomberg news",
    "cnbc", "cnn", "bbc", "bbc news", "nbc", "nbc news", "abc", "abc news", "cbs", "cbs news",
    "fox news", "msnbc", "npr", "pbs", "al jazeera", "rfe rl", "radio free europe",
    "radio free europe radio liberty", "radio liberty", "voice of america", "voa",
    "new york times", "washington post", "wall street journal", "wsj", "financial times",
    "guardian", "times", "usa today", "politico", "axios", "daily mail", "sky news",
    "deutsche welle", "dw", "france 24", "euronews", "rt", "sputnik",
})  # fmt: skip

_WORD = re.compile(r"\w+")


def outlet_form(key: str) -> str:
    """The form outlet names are compared in: without spaces, as "Al Jazeera" is also
    written "Aljazeera" and "RFE/RL" "RFERL"."""
    return key.replace(" ", "")


#: :data:`NEWS_OUTLETS` in :func:`outlet_form`.
KNOWN_OUTLETS = frozenset(map(outlet_form, NEWS_OUTLETS))

#: TimeML date values: a year, a month, or a day (optionally with a time), or an ISO week.
_TIMEML_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[\w:.+-]*)?)?)?")
_TIMEML_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True, slots=True)
class Link:
    earlier: StoryProfile
    later: StoryProfile
    cosine: float
    shared: tuple[str, ...]  # actors' entity keys, most mentioned first
    recalled: tuple[str, ...] = ()  # dates of the earlier story the later names, most named first
    #: For stories that may be over ``threads.evidence_after_days`` apart: at most how many
    #: days, and what shows the later continues the earlier ("recalls" or "actors").
    apart: int | None = None
    evidence: str | None = None


def story_order(story: Story) -> tuple[int, dt.date, str]:
    """Dated stories by start date, then undated ones; ties by id."""
    if story.start is None:
        return (1, dt.date.min, story.id)
    return (0, story.start, story.id)


def profile_story(
    story: Story, corpus: Corpus, outlets: Collection[str] = KNOWN_OUTLETS
) -> StoryProfile:
    """A story's centroid, its actors (:func:`actor_key`; ``outlets``, in :func:`outlet_form`,
    are no actors) and the dates it names."""
    documents = [corpus.document(article_id) for article_id in story.articles]
    vectors = np.array([np.asarray(d.embedding, dtype=np.float64) for d in documents])
    total = vectors.sum(axis=0)
    norm = float(np.linalg.norm(total))
    cast: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for document in documents:
        stopwords = function_words(document)
        for mention in document.mentions or []:
            key = actor_key(mention, stopwords, outlets)
            if key is not None:
                cast[key] += 1
                spellings.setdefault(key, Counter())[" ".join(mention.text.split())] += 1
    names = {key: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, c in spellings.items()}
    dates = named_dates(t for d in documents for t in d.timex or [])
    return StoryProfile(story, total / norm if norm else total, cast, names, dates)


def actor_key(mention: Mention, stopwords: Collection[str], outlets: Collection[str]) -> str | None:
    """The entity key of a person or organisation that may link stories, or None.

    None for places; for a function word ("Sie", "das", "Из", "He": every word of the mention
    is a stopword of its page's language) or a word in lower case ("kafir", "orang yang"),
    which English NER tags on other languages; for a key of one or two letters; and for a
    news outlet or agency (a person named in full, "Michael Bloomberg", is still a person).
    """
    if mention.type not in ACTOR_TYPES:
        return None
    key = entity_key(mention)
    words = [w.lower() for w in _WORD.findall(mention.text)]
    if key is None or not words or all(w in stopwords for w in words):
        return None
    if mention.text.lower() == mention.text != mention.text.upper():
        return None  # cased letters, none upper; scripts without case (Chinese) pass
    full_name = mention.type == "PERSON" and len(name_words(mention.text)) > 1
    # The surname of a full name ("Jack Ma") is an actor however short.
    if len(key.replace(" ", "")) <= SHORT_KEY_CHARS and not full_name:
        return None
    if outlet_form(key) in outlets and not full_name:
        return None
    return key


@cache
def _english_stoplist() -> frozenset[str]:
    from storyline.clean.language import stoplist

    return stoplist("English")


def function_words(document: Document) -> frozenset[str]:
    """The stopwords of the document's language, and English ones: an entity spelt only
    with them is a function word. Not every language's: their union (154,000 words, Finnish
    and Uzbek lists of thousands) holds "Bush", "Israel", "Google" and "Kim"."""
    from storyline.clean.language import STOPLIST_NAMES, page_stoplist

    language = document.article.language
    if language in STOPLIST_NAMES:
        return _with_english(language)
    return page_stoplist(document.article.body_text.splitlines()) | _english_stoplist()


@cache
def _with_english(language: str) -> frozenset[str]:
    from storyline.clean.language import STOPLIST_NAMES, stoplist

    return stoplist(STOPLIST_NAMES[language]) | _english_stoplist()


def outlet_keys(documents: Iterable[Document]) -> frozenset[str]:
    """The keys, in :func:`outlet_form`, of the well-known outlets and of the outlets and
    agencies of ``documents``."""
    names = (n for d in documents for n in (d.article.outlet, *d.article.agencies) if n)
    return KNOWN_OUTLETS | {outlet_form(k) for k in map(name_key, names) if k}


def named_dates(timexes: Iterable[TimeRef]) -> tuple[NamedDate, ...]:
    """The calendar dates among time expressions, each once with how often it is named."""
    counts: Counter[tuple[str, dt.date, dt.date]] = Counter()
    for timex in timexes:
        days = timeml_days(timex.value) if timex.value else None
        if days is not None:
            counts[days] += 1
    return tuple(NamedDate(label, first, last, n) for (label, first, last), n in counts.items())


def timeml_days(value: str) -> tuple[str, dt.date, dt.date] | None:
    """A TimeML date value as (label, first day, last day); None for durations, sets and the
    like ("P3D", "PRESENT_REF") and for impossible dates. A time of day counts as its day."""
    try:
        if week := _TIMEML_WEEK.fullmatch(value):
            monday = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return value, monday, monday + dt.timedelta(days=6)
        if not (date := _TIMEML_DATE.fullmatch(value)):
            return None
        year, month, day = date.groups()
        if day:
            first = dt.date(int(year), int(month), int(day))
            return first.isoformat(), first, first
        if month:
            span = DateRange.month(int(year), int(month))
            return f"{year}-{month}", span.first, span.last
        whole = DateRange.year(int(year))
        return year, whole.first, whole.last
    except ValueError:
        return None  # "2006-13", "2006-02-30", "2006-W60"


def story_days(story: Story) -> DateRange | None:
    """The days a story spans: to the end of its last month or year when only that is known."""
    if story.start is None:
        return None
    start = DateRange.of(PubDate(story.start, story.precision, "story"))
    return start.cover(DateRange.of(PubDate(story.end or story.start, story.precision, "story")))


def recalled_dates(earlier: StoryProfile, later: StoryProfile) -> tuple[NamedDate, ...]:
    """The dates the later story names that fall in the earlier story's span, most named first.

    A date counts only if it ends before the later story starts: "this year" in a report from
    March names its own time, not the February story's.
    """
    span = story_days(earlier.story)
    if span is None:
        return ()
    before = later.story.start
    hits = [
        d
        for d in later.dates
        if d.first <= span.last and span.first <= d.last and (before is None or d.last < before)
    ]
    return tuple(sorted(hits, key=lambda d: (-d.count, d.label)))


def pinpointed(recalled: Iterable[NamedDate]) -> bool:
    """Whether a recalled date is precise enough to lower the cosine a link needs."""
    return any(d.days <= RECALL_MAX_DAYS for d in recalled)


def days_between(earlier: Story, later: Story) -> int | None:
    if earlier.start is None or later.start is None:
        return None  # undated stories rely on content alone
    return (later.start - (earlier.end or earlier.start)).days


def most_days_between(earlier: Story, later: Story) -> int | None:
    """Days from the earlier story's end to the later one's start, as far apart as their
    dates allow: a story known only by its year ("2007") may start on its last day."""
    if earlier.start is None or later.start is None:
        return None
    end = DateRange.of(PubDate(earlier.end or earlier.start, earlier.precision, "story")).first
    start = DateRange.of(PubDate(later.start, later.precision, "story")).last
    return (start - end).days


def reason(link: Link) -> str:
    """A short human reason: "shares Hamas, Meshaal, Putin; refers back to 2006-02-09; similar
    subject (cos 0.62)", and for stories over a year apart what shows one continues the other:
    "; 16 months later, continuing it: it names the earlier story's dates"."""
    # Two keys may be written alike ("MacBook Pro" as a product and, mistagged, a person
    # called Pro): a reader sees the name once.
    names = list(dict.fromkeys(link.later.names.get(key) or link.earlier.names[key]
                               for key in link.shared))  # fmt: skip
    listed = ", ".join(sorted(names[:REASON_NAMES]))
    more = f" and {len(names) - REASON_NAMES} more" if len(names) > REASON_NAMES else ""
    recalls = ""
    if link.recalled:
        recalls = f"; refers back to {', '.join(link.recalled[:REASON_DATES])}"
    text = f"shares {listed}{more}{recalls}; similar subject (cos {link.cosine:.2f})"
    if link.apart is None:
        return text
    exact = days_between(link.earlier.story, link.later.story) == link.apart
    when = f"{'' if exact else 'up to '}{round(link.apart / 30.44)} months later"
    if link.evidence == "recalls":
        return f"{text}; {when}, continuing it: it names the earlier story's dates"
    return f"{text}; {when}, continuing it: {len(names)} people and organisations in common"


def candidate_pairs(
    centroids: np.ndarray, neighbours: int = NEIGHBOURS, exact_limit: int = EXACT_SEARCH_LIMIT
) -> list[tuple[int, int]]:
    """Row pairs ``(i, j)``, ``i < j``, where one row is among the other's ``neighbours``
    nearest by cosine: every pair when there are no more rows than ``neighbours + 1``."""
    count = len(centroids)
    if count < 2:
        return []
    from storyline.group.story_index import usearch_index

    Index, search = usearch_index().Index, usearch_index().search
    vectors = np.ascontiguousarray(centroids, dtype=np.float32)
    wanted = min(neighbours + 1, count)  # each row finds itself too
    if count <= exact_limit:
        matches = search(vectors, vectors, wanted, "cos", exact=True)
    else:
        index = Index(ndim=vectors.shape[1], metric="cos", dtype="f32")
        # One thread: a graph built concurrently differs from run to run, and so would threads.
        index.add(np.arange(count, dtype=np.uint64), vectors, threads=1)
        matches = index.search(vectors, wanted)
    found = cast("BatchMatches", matches)  # many queries give a batch
    pairs = set()
    for row, (keys, hits) in enumerate(zip(found.keys, found.counts, strict=True)):
        for other in (int(k) for k in keys[:hits]):
            if other != row:
                pairs.add((min(row, other), max(row, other)))
    return sorted(pairs)


class StoredThreads(Protocol):
    """What threading the stories of a neighbourhood needs from the store."""

    def story_centroids(self, outside: Collection[str]) -> tuple[list[str], np.ndarray]:
        """The ids and centroids (rows) of the stored stories that hold none of the articles
        ``outside`` names (those are being regrouped)."""
        ...

    def story_profiles(self, ids: Collection[str]) -> dict[str, StoryProfile]:
        """The stored profiles of the stories ``ids``, by id."""
        ...

    def threads_touching(self, articles: Collection[str], stories: Collection[str]) -> list[Thread]:
        """Stored threads holding a story with one of ``articles``, or one of ``stories``."""
        ...

    def stories_by_id(self, ids: Collection[str], outside: Collection[str]) -> dict[str, Story]:
        """The stored stories of ``ids`` that hold none of the articles ``outside`` names
        (their ``articles`` may be left empty: threading reads dates and titles)."""
        ...


def nearest_stories(
    stored: StoredThreads, centroids: np.ndarray, count: int, outside: Collection[str]
) -> list[list[StoryProfile]]:
    """For each of ``centroids``, the profiles of the ``count`` stored stories nearest to it
    by cosine, among those holding none of the articles ``outside``."""
    ids, matrix = stored.story_centroids(outside)
    if not ids or not len(centroids):
        return [[] for _ in centroids]
    cosines = np.asarray(centroids, dtype=np.float64) @ matrix.T
    take = min(count, len(ids))
    best = np.argsort(-cosines, axis=1, kind="stable")[:, :take]
    profiles = stored.story_profiles({ids[int(i)] for i in best.ravel()})
    return [[profiles[ids[int(i)]] for i in row] for row in best]


class ThreadStage:
    """Provides ``threads``: every story in exactly one thread.

    Threads already in ``corpus.threads`` (an earlier run's, loaded from the store) lend their
    ids to the new threads that continue them.

    With ``around`` (the store), ``corpus`` is only the neighbourhood of new articles
    (:mod:`storyline.group.window`): its stories are compared with their nearest stored stories,
    and only the threads they join or leave are rebuilt, from their stored links and the new
    ones; ``corpus.threads`` then holds those threads alone. A thread's maximum spanning tree
    over its old tree and the new links is the tree over all its links, so nothing is lost
    by keeping only the tree.
    """

    name: ClassVar[str] = "threads"
    needs: ClassVar[frozenset[str]] = frozenset({"stories", "embedding", "mentions", "timex"})
    provides: ClassVar[frozenset[str]] = frozenset({"threads", "story_profiles"})

    def __init__(self, settings: ThreadSettings, around: StoredThreads | None = None) -> None:
        self._settings = settings
        self._around = around

    def __call__(self, corpus: Corpus) -> Corpus:
        # Every article's outlet is no actor in any story: other outlets quote it ("CNBC
        # reported"). With a store these are the neighbourhood's outlets (and the well-known
        # ones); a stored profile was cleared of those of the run that made it.
        outlets = outlet_keys(corpus.documents)
        stories = corpus.stories or []
        here = {story.id: profile_story(story, corpus, outlets) for story in stories}
        corpus.story_profiles = here
        if self._around is not None:
            corpus.threads = self._rethread(list(here.values()), corpus, self._around)
            return corpus
        profiles = sorted(here.values(), key=lambda p: story_order(p.story))
        links = [as_record(link) for link in self.links(profiles)]
        old = {t.id: frozenset(t.stories) for t in corpus.threads or []}
        corpus.threads = self._built([p.story for p in profiles], links, old)
        return corpus

    def _built(
        self, stories: list[Story], links: list[ThreadLink], old: dict[str, frozenset[str]]
    ) -> list[Thread]:
        groups = _threads(stories, links)
        members = [[s.id for s in group] for group, _ in groups]
        ids = inherit_ids(members, old, lambda parts: content_id("t", *parts))
        return [
            build_thread(thread_id, group, tree)
            for thread_id, (group, tree) in zip(ids, groups, strict=True)
        ]

    def _rethread(
        self, here: list[StoryProfile], corpus: Corpus, stored: StoredThreads
    ) -> list[Thread]:
        """The threads the neighbourhood's stories join or leave, rebuilt."""
        window = {d.article.id for d in corpus.documents}
        here = sorted(here, key=lambda p: story_order(p.story))
        links = [as_record(link) for link in self.links(here)]
        if here:
            centroids = np.array([p.centroid for p in here])
            nearest = nearest_stories(stored, centroids, NEIGHBOURS, window)
            for profile, near in zip(here, nearest, strict=True):
                for other in near:
                    first, then = sorted((profile, other), key=lambda p: story_order(p.story))
                    link = self.link(first, then)
                    if link is not None:
                        links.append(as_record(link))
        here_ids = {p.story.id for p in here}
        linked = {i for k in links for i in (k.earlier, k.later)} - here_ids
        old_threads = stored.threads_touching(window, linked)
        kept = {s for t in old_threads for s in t.stories} | linked
        stories = stored.stories_by_id(kept, window)  # the window's old stories are gone
        links += [k for t in old_threads for k in t.links if {k.earlier, k.later} <= stories.keys()]
        everything = [*(p.story for p in here), *stories.values()]
        old = {t.id: frozenset(t.stories) for t in old_threads}
        return self._built(sorted(everything, key=story_order), links, old)

    def links(self, profiles: Sequence[StoryProfile]) -> list[Link]:
        """The qualifying (earlier, later) pairs among near stories; ``profiles`` in story
        order."""
        if not profiles:
            return []
        centroids = np.array([p.centroid for p in profiles])
        found = []
        for i, j in candidate_pairs(centroids):
            link = self.link(profiles[i], profiles[j])
            if link is not None:
                found.append(link)
        return found

    def link(self, earlier: StoryProfile, later: StoryProfile) -> Link | None:
        """The link from ``earlier`` to ``later``, or None: they must share actors and be
        similar; stories that may be over ``evidence_after_days`` apart need evidence that
        one continues the other: the later names days or months of the earlier (however late),
        or, up to ``max_days_apart``, they share ``evidence_shared_entities`` actors."""
        settings = self._settings
        common = earlier.cast.keys() & later.cast.keys()
        if len(common) < settings.min_shared_entities:
            return None
        cosine = float(earlier.centroid @ later.centroid)
        if cosine < settings.similarity - RECALL_SIMILARITY_MARGIN:
            return None
        recalled = recalled_dates(earlier, later)
        if cosine < settings.similarity and not pinpointed(recalled):
            return None
        apart = most_days_between(earlier.story, later.story)
        evidence = None
        if apart is not None and apart > settings.evidence_after_days:
            days = days_between(earlier.story, later.story)
            if pinpointed(recalled):
                evidence = "recalls"
            elif len(common) >= settings.evidence_shared_entities and (
                days is None or days <= settings.max_days_apart
            ):
                evidence = "actors"
            else:
                return None
        shared = sorted(common, key=lambda k: (-(earlier.cast[k] + later.cast[k]), k))
        dates = tuple(d.label for d in recalled)
        far = apart if evidence else None
        return Link(earlier, later, cosine, tuple(shared), dates, far, evidence)


def as_record(link: Link) -> ThreadLink:
    return ThreadLink(link.earlier.story.id, link.later.story.id, reason(link), link.cosine)


def _threads(
    stories: list[Story], links: list[ThreadLink]
) -> list[tuple[list[Story], list[ThreadLink]]]:
    """Connected components, each with the links of its maximum spanning tree; ``stories``
    in story order."""
    import networkx as nx

    rank = {s.id: n for n, s in enumerate(stories)}
    graph = nx.Graph()
    graph.add_nodes_from(rank)
    for link in links:
        graph.add_edge(link.earlier, link.later, weight=link.cosine, link=link)
    found = []
    for component in nx.connected_components(graph):
        group = sorted((stories[rank[i]] for i in component), key=lambda s: rank[s.id])
        tree = nx.maximum_spanning_tree(graph.subgraph(component))
        tree_links = [data["link"] for _, _, data in tree.edges(data=True)]
        tree_links.sort(key=lambda k: (rank[k.later], rank[k.earlier]))
        found.append((group, tree_links))
    return sorted(found, key=lambda item: rank[item[0][0].id])


def build_thread(thread_id: str, stories: list[Story], links: list[ThreadLink]) -> Thread:
    """A thread record; its title is its first story's (how the thread began)."""
    return Thread(
        id=thread_id,
        stories=tuple(s.id for s in stories),
        title=stories[0].title,
        description=describe_thread(stories),
        links=tuple(links),
    )


def describe_thread(stories: list[Story]) -> str:
    """One line: how many stories, over which dates, and where it stands now."""
    dates = stories_span(stories)
    span = f" from {dates[0]} to {dates[1]}" if dates else ""
    if len(stories) == 1:
        return shorten(stories[0].description, DESCRIPTION_CHARS)
    return shorten(f"{len(stories)} stories{span}; latest: {stories[-1].title}", DESCRIPTION_CHARS)
