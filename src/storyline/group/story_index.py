"""Incremental story clustering: each new article re-clusters only its neighbourhood.

Why this shape: single-pass clustering (join the best story or start one) depends on arrival
order and splits events whose first reports differ (the previous story stage, ECB+ dev B-cubed
F1 0.872), while average linkage over all articles redoes the whole corpus for every new
article. Here a new article asks an ANN index for its nearest articles within its time window;
the stories those belong to are dissolved, and the pool (those stories' articles and the new
one) is clustered again by average linkage. Stories outside the pool are untouched, so the
cost per article depends on the size of its neighbourhood, not on the size of the store, and
shuffled arrival orders score within a few thousandths of one another
(benchmarks/bench_clustering.py --orders; figures in benchmarks/RESULTS.md).

Within a pool, a pair counts at its full score only when the two articles are among each
other's best partners (or score very high): events of the same kind look alike, but each
article's nearest neighbours come from its own event (:func:`near_pairs_only`).

Stories of more than ``max_dissolve`` articles enter a pool whole (their most recent
articles stand for them), which bounds the pool; re-clustered stories inherit the id of the
old story they share most articles with (:mod:`storyline.group.lineage`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from storyline.dates import DateRange, date_range
from storyline.group.lineage import FreshId, inherit_ids
from storyline.records import PubDate
from storyline.settings import StorySettings

#: Pair score of two articles whose dates are too far apart to report one event: low enough
#: that no average over a realistic pool lets them share a story.
CANNOT_LINK = -1.0
#: Buckets below this size are searched exactly, larger ones through HNSW: about where the two
#: cost the same on this machine (384 dimensions; the thread stage measured the same limit).
EXACT_SEARCH_LIMIT = 5_000


@dataclass(frozen=True, slots=True)
class Profile:
    """What story building knows about one article."""

    article_id: str
    vector: np.ndarray
    terms: Counter[str]  # words and word pairs, stopwords left out
    cast: Counter[str]  # entity keys of its PERSON/ORG/GPE mentions
    years: frozenset[int]  # the years its time expressions name most often
    published: PubDate | None
    quote_groups: frozenset[str]  # the groups (utterances) this article quotes
    language: str | None = None  # ISO 639-1, None when unknown
    covered: bool = True  # whether the English-only stages read it (else: numbers and names)
    embedded: bool = True  # whether the embedding model reads its language

    @property
    def dates(self) -> DateRange | None:
        return date_range(self.published)


def usearch_index() -> ModuleType:
    """The ``usearch.index`` module, imported after onnxruntime.

    Importing onnxruntime after usearch crashes the interpreter (segmentation fault, usearch
    2.26 with onnxruntime 1.32 on Linux x86-64; the other order is fine), and a process that
    groups stored articles before it embeds new ones would import them in that order.
    """
    import onnxruntime  # noqa: F401  (import order only, see above)
    import usearch.index

    return usearch.index


class _Bucket:
    """Vectors and the article ids behind them, searched by cosine.

    Small buckets (most time windows) are searched exactly with one matrix product: exact
    results do not depend on the order vectors came in, and below ``EXACT_SEARCH_LIMIT``
    that is as fast as a graph. A bucket that has grown past it moves to a usearch HNSW index
    when it is next searched, built on one thread so that the same input always gives the
    same graph. Vectors reach the graph only when a search needs them: inserting into HNSW
    costs about a millisecond a vector here, and a bucket that is never searched (the bucket of
    every article, when every article is dated) should not pay it.
    """

    def __init__(self, dimensions: int) -> None:
        self.ids: list[str] = []
        self._matrix = np.zeros((16, dimensions), dtype=np.float32)  # until the graph exists
        self._pending: list[np.ndarray] = []  # vectors added since the graph was last searched
        self._index: Any = None

    def add(self, article_id: str, vector: np.ndarray) -> None:
        row = len(self.ids)
        self.ids.append(article_id)
        if self._index is not None:
            self._pending.append(vector.astype(np.float32))
            return
        if row == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[row] = vector

    def nearest(self, vector: np.ndarray, count: int) -> list[tuple[str, float]]:
        """Up to ``count`` (article id, cosine) pairs, nearest first."""
        if not self.ids:
            return []
        if self._index is None and len(self.ids) < EXACT_SEARCH_LIMIT:
            cosines = self._matrix[: len(self.ids)] @ vector.astype(np.float32)
            top = _top_rows(cosines, count)
            return [(self.ids[int(row)], float(cosines[row])) for row in top]
        found = self._graph().search(vector.astype(np.float32), min(count, len(self.ids)))
        pairs = zip(found.keys, found.distances, strict=True)
        return [(self.ids[int(key)], 1.0 - float(distance)) for key, distance in pairs]

    def _graph(self) -> Any:
        """The HNSW index, holding every vector added so far (the matrix goes once it exists)."""
        if self._index is None:
            self._index = usearch_index().Index(
                ndim=self._matrix.shape[1], metric="cos", dtype="f32"
            )
            self._pending = list(self._matrix[: len(self.ids)])
            self._matrix = self._matrix[:0]
        if self._pending:
            first = len(self.ids) - len(self._pending)
            keys = np.arange(first, len(self.ids), dtype=np.uint64)
            self._index.add(keys, np.stack(self._pending), threads=1)
            self._pending = []
        return self._index


def _top_rows(values: np.ndarray, count: int) -> np.ndarray:
    """Rows of the ``count`` largest values, largest first, ties by row: what a stable sort
    of the whole array gives, without sorting it all (buckets hold up to a few thousand)."""
    if count < len(values):
        cut = np.partition(values, len(values) - count)[len(values) - count]
        rows = np.flatnonzero(values >= cut)
    else:
        rows = np.arange(len(values))
    return rows[np.argsort(-values[rows], kind="stable")][:count]


#: A date range longer than this (a year-precise date) is loose, as is no date at all.
LOOSE_DAYS = 62


def is_loose(dates: DateRange | None) -> bool:
    """Whether an article with these dates may belong to a story of any date (it relies on
    content): undated, or dated only to the year. Such articles are searched everywhere."""
    return dates is None or (dates.last - dates.first).days > LOOSE_DAYS


class TimeBuckets:
    """ANN search within a time window: one index per window-long span of days.

    A dated article is searched for in the buckets its window overlaps, plus the loose bucket
    (undated and year-precise articles, which may belong to any story: they rely on content).
    A loose article is searched for everywhere.
    """

    def __init__(self, dimensions: int, window_days: int) -> None:
        self._dimensions = dimensions
        self._width = max(1, window_days)
        self._dated: dict[int, _Bucket] = {}
        self._loose = _Bucket(dimensions)
        self._everything = _Bucket(dimensions)

    def add(self, article_id: str, vector: np.ndarray, dates: DateRange | None) -> None:
        self._everything.add(article_id, vector)
        keys = self._keys(dates, reach=0)
        if keys is None:
            self._loose.add(article_id, vector)
            return
        for key in keys:
            self._dated.setdefault(key, _Bucket(self._dimensions)).add(article_id, vector)

    def nearest(
        self, vector: np.ndarray, dates: DateRange | None, count: int
    ) -> list[tuple[str, float]]:
        keys = self._keys(dates, reach=1)
        if keys is None:
            return self._everything.nearest(vector, count)
        buckets = [self._dated[k] for k in keys if k in self._dated] + [self._loose]
        best: dict[str, float] = {}
        for bucket in buckets:
            for article_id, cosine in bucket.nearest(vector, count):
                best[article_id] = max(cosine, best.get(article_id, -1.0))
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:count]

    def _keys(self, dates: DateRange | None, reach: int) -> range | None:
        """Bucket keys a date range covers, widened by ``reach`` buckets each side."""
        if dates is None or is_loose(dates):
            return None
        first = dates.first.toordinal() // self._width - reach
        return range(first, dates.last.toordinal() // self._width + reach + 1)


@dataclass
class _Unit:
    """Articles that move together in a pool: one article, or a large story kept whole."""

    members: list[str]  # every article of the unit
    sample: list[str]  # the articles whose pair scores stand for it


class StoryIndex:
    """Stories built one article at a time; see the module docstring for the method.

    ``fresh_id`` names a story that inherits no old id (given its articles in arrival order).
    """

    def __init__(
        self,
        settings: StorySettings,
        dimensions: int,
        fresh_id: FreshId,
    ) -> None:
        self._settings = settings
        self._fresh_id = fresh_id
        self._profiles: dict[str, Profile] = {}
        self._order: dict[str, int] = {}  # arrival rank: a stable tie-breaker
        self.home: dict[str, str] = {}  # article id → story id
        self.members: dict[str, list[str]] = {}  # story id → article ids in arrival order
        self._terms = TermTable()
        self._cast = TermTable()
        self._ann = TimeBuckets(dimensions, settings.max_days_apart)

    def __len__(self) -> int:
        return len(self._profiles)

    def restore(self, story_id: str, profiles: Sequence[Profile]) -> None:
        """Put back a story found by an earlier run, as it was (no re-clustering)."""
        for profile in profiles:
            self._remember(profile)
            self.home[profile.article_id] = story_id
        self.members[story_id] = [p.article_id for p in profiles]

    def add(self, profile: Profile) -> str:
        """Place one new article; returns the id of the story it ends up in."""
        candidates = self._candidate_stories(profile)
        self._remember(profile)
        units = [_Unit([profile.article_id], [profile.article_id])]
        old: dict[str, frozenset[str]] = {}
        for story_id in candidates:
            members = self.members.pop(story_id)
            old[story_id] = frozenset(members)
            units += self._units_of(members)
        groups = self._cluster(units)
        # Stories outside the pool keep their ids: a new story must not take one of them.
        ids = inherit_ids(groups, old, self._fresh_id, in_use=self.members.keys())
        for story_id, group in zip(ids, groups, strict=True):
            self.members[story_id] = group
            self.home.update(dict.fromkeys(group, story_id))
        return self.home[profile.article_id]

    def _remember(self, profile: Profile) -> None:
        self._profiles[profile.article_id] = profile
        self._order[profile.article_id] = len(self._order)
        self._terms.add(profile.article_id, profile.terms)
        self._cast.add(profile.article_id, profile.cast)
        self._ann.add(profile.article_id, profile.vector, profile.dates)

    def _candidate_stories(self, profile: Profile) -> list[str]:
        """Stories of the nearest articles whose pair score reaches the candidate floor."""
        found = self._ann.nearest(profile.vector, profile.dates, self._settings.neighbours)
        neighbours = [self._profiles[article_id] for article_id, _ in found]
        if not neighbours:
            return []
        scores = self.pair_scores([profile, *neighbours])[0, 1:]
        stories: list[str] = []
        budget = self._settings.max_pool
        for neighbour, score in sorted(
            zip(neighbours, scores, strict=True), key=lambda item: -item[1]
        ):
            story_id = self.home[neighbour.article_id]
            if score < self._settings.candidate_floor or story_id in stories:
                continue
            size = min(len(self.members[story_id]), self._settings.max_dissolve)
            if size > budget:
                break
            stories.append(story_id)
            budget -= size
        return stories

    def _units_of(self, members: list[str]) -> list[_Unit]:
        """Small stories dissolve into single articles; large ones stay whole."""
        if len(members) <= self._settings.max_dissolve:
            return [_Unit([a], [a]) for a in members]
        return [_Unit(list(members), members[-self._settings.max_dissolve :])]

    def _cluster(self, units: list[_Unit]) -> list[list[str]]:
        """Average linkage over the units' near pair scores, stopping below the threshold."""
        s = self._settings
        rows = [a for unit in units for a in unit.sample]
        pairs = score_pairs(s, [self._profiles[a] for a in rows], self._terms, self._cast)
        scores = near_pairs_only(pairs.scores, s.near_rank, s.strong_pair, s.far_cap)
        # A strong pair: one that scores seed_pair, or that renders one utterance (a quote
        # group spans both) and reaches the threshold: two outlets quoting the same words
        # report one event even when they tell it differently (the seeds' Al Jazeera report
        # of Putin's invitation scores 0.48 with the others, and quotes what they quote).
        agree = (pairs.dense >= s.seed_dense) | ~pairs.both_read
        strong = ((scores >= s.seed_pair) & agree) | ((pairs.quotes > 0) & (scores >= s.threshold))
        position = {a: n for n, a in enumerate(rows)}
        groups = average_linkage(
            scores,
            [[position[a] for a in unit.sample] for unit in units],
            s.threshold,
            strong.astype(np.float64),
            s.seed_size,
        )
        found = [[a for u in group for a in units[u].members] for group in groups]
        return [sorted(group, key=self._order.__getitem__) for group in found]

    def pair_scores(self, profiles: Sequence[Profile]) -> np.ndarray:
        """The pair score matrix: the rule stories are built by (see :func:`score_pairs`)."""
        return score_pairs(self._settings, profiles, self._terms, self._cast).scores


@dataclass(frozen=True, slots=True)
class PairScores:
    """The pair score matrix of some articles, and the parts it is made of."""

    scores: np.ndarray
    dense: np.ndarray  # cosines of the embeddings
    words: np.ndarray  # TF-IDF cosines of words and word pairs
    names: np.ndarray  # TF-IDF cosines of people, organisations and places
    years: np.ndarray  # +1 / -1 / 0: the years talked about most agree, differ, are unknown
    quotes: np.ndarray  # 1 where the two render one utterance
    both_read: np.ndarray  # True where the English-only stages read both articles


def score_pairs(
    s: StorySettings, profiles: Sequence[Profile], terms: TermTable, cast: TermTable
) -> PairScores:
    """The rule stories are built by (see defaults.toml), with the document frequencies of
    ``terms`` and ``cast``: an index's own, or a stored corpus's when a story is explained."""
    dense = dense_cosines(profiles)
    words = terms.cosines([terms.row(p.article_id, p.terms) for p in profiles])
    names = cast.cosines([cast.row(p.article_id, p.cast) for p in profiles])
    content = (s.dense_weight * dense + s.term_weight * words + s.cast_weight * names) / (
        s.dense_weight + s.term_weight + s.cast_weight
    )
    # An article the English-only stages do not read has no names found: it is judged by its
    # embedding and its terms (numbers and names, in any language), or by its terms alone when
    # the embedding model does not read its language either.
    covered = np.array([p.covered for p in profiles])
    both = np.outer(covered, covered)
    embedded = np.array([p.embedded for p in profiles])
    both_embedded = np.outer(embedded, embedded)
    content_embedded = (s.unannotated_dense_weight * dense + s.term_weight * words) / (
        s.unannotated_dense_weight + s.term_weight
    )
    content = np.where(both, content, np.where(both_embedded, content_embedded, words))
    years, quotes = year_agreement(profiles), shared_quotes(profiles)
    scores = content + s.year_weight * years + s.quote_weight * quotes
    scores[too_far_apart(profiles, s.max_days_apart)] = CANNOT_LINK
    scores[both_embedded & (dense < s.min_dense)] = CANNOT_LINK
    scores[other_languages(profiles) & ~both_embedded] = CANNOT_LINK
    return PairScores(scores, dense, words, names, years, quotes, both)


def near_pairs_only(scores: np.ndarray, rank: int, strong: float, cap: float) -> np.ndarray:
    """``scores`` with the pairs that are not near each other capped at ``cap``.

    A pair is near when either article is among the other's ``rank`` best-scoring partners,
    or when its score reaches ``strong``. Why: two events of one kind (two earthquakes, two
    store fires) score about as high across events as within one, but each article's best
    partners come from its own event, so rank separates what the score alone cannot
    (ECB+ dev B-cubed F1 0.897 without this, 0.957 with it). Strong pairs stay near whatever
    their rank, so that an event reported far more than ``rank`` times does not fall apart.
    """
    size = scores.shape[0]
    if size <= 1:
        return scores
    partners = scores.copy()
    np.fill_diagonal(partners, -np.inf)
    count = min(rank, size - 1)
    best = np.argpartition(-partners, count - 1, axis=1)[:, :count]
    near = np.zeros(scores.shape, dtype=bool)
    near[np.arange(size)[:, None], best] = True
    near |= near.T
    near |= scores >= strong
    return np.where(near, scores, np.minimum(scores, cap))


def dense_cosines(profiles: Sequence[Profile]) -> np.ndarray:
    vectors = np.array([p.vector for p in profiles], dtype=np.float64)
    return vectors @ vectors.T


class TermTable:
    """Document frequencies of terms over the articles seen, and each article's terms as ids.

    An article's terms are turned into (term id, 1 + log tf) arrays once, when it arrives, so
    that scoring a pool is a few array operations rather than a loop over every word of every
    article in it (that loop was most of the story stage's time).
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._df = np.zeros(1024, dtype=np.float64)  # document frequency by term id
        self._log_df = np.zeros(1024, dtype=np.float64)  # log(1 + df), kept for the idf
        self._hits = np.zeros(1024, dtype=np.int64)  # scratch: zero between calls
        self._rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.documents = 0

    def add(self, article_id: str, counts: Counter[str]) -> None:
        """Count the article's terms in the document frequencies."""
        ids, _ = self.row(article_id, counts)
        self._df[ids] += 1
        self._log_df[ids] = np.log1p(self._df[ids])
        self.documents += 1

    def row(self, article_id: str, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """The article's (term ids, 1 + log tf), made once (an article is scored before it is
        added: its candidates are found against the articles already there)."""
        cached = self._rows.get(article_id)
        if cached is None:
            ids = np.fromiter(
                (self._ids.setdefault(term, len(self._ids)) for term in counts),
                dtype=np.int64,
                count=len(counts),
            )
            if len(self._ids) > len(self._df):
                more = (0, max(2 * len(self._df), len(self._ids)) - len(self._df))
                self._df = np.pad(self._df, more)
                self._log_df = np.pad(self._log_df, more)
                self._hits = np.pad(self._hits, more)
            tf = 1 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            cached = self._rows[article_id] = (ids, tf)
        return cached

    def cosines(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Cosines of (1 + log tf) * idf vectors, idf smoothed as in scikit-learn (never zero).

        The smoothing matters for small stores: with five articles, a word two of them share
        would otherwise weigh almost nothing.
        """
        if not rows:
            return np.zeros((0, 0))
        ids = np.concatenate([row_ids for row_ids, _ in rows])
        row_of = np.repeat(np.arange(len(rows)), [len(row_ids) for row_ids, _ in rows])
        idf = np.log1p(self.documents) + 1 - self._log_df[ids]
        weights = np.concatenate([tf for _, tf in rows]) * idf
        norms = np.sqrt(np.bincount(row_of, weights=weights**2, minlength=len(rows)))
        weights /= np.where(norms > 0, norms, 1.0)[row_of]
        # Only terms two rows share add to a product between rows; most of an article's terms
        # are its own, so the matrix is built over the shared ones (norms come from all terms).
        # They are counted in a scratch array indexed by term id (no sort of every id).
        np.add.at(self._hits, ids, 1)
        shared = self._hits[ids] > 1
        self._hits[ids] = 0
        columns, column_of = np.unique(ids[shared], return_inverse=True)
        matrix = np.zeros((len(rows), max(1, len(columns))))
        matrix[row_of[shared], column_of] = weights[shared]
        products = matrix @ matrix.T
        np.fill_diagonal(products, (norms > 0).astype(np.float64))
        return products


def year_agreement(profiles: Sequence[Profile]) -> np.ndarray:
    """+1 where two articles talk most about the same year, -1 about different years, else 0."""
    talks = indicator([p.years for p in profiles])
    overlap = talks @ talks.T > 0
    has = talks.any(axis=1)
    both = np.outer(has, has)
    return np.where(both, np.where(overlap, 1.0, -1.0), 0.0)


def shared_quotes(profiles: Sequence[Profile]) -> np.ndarray:
    """1 where two articles render one utterance (a quote group spans both)."""
    quoted = indicator([p.quote_groups for p in profiles])
    return (quoted @ quoted.T > 0).astype(np.float64)


def indicator(sets: Sequence[Iterable[object]]) -> np.ndarray:
    """One row per set, one column per distinct element: 1 where the set holds it."""
    columns: dict[object, int] = {}
    cells = [
        (row, columns.setdefault(item, len(columns))) for row, s in enumerate(sets) for item in s
    ]
    matrix = np.zeros((len(sets), max(1, len(columns))))
    for row, column in cells:
        matrix[row, column] = 1.0
    return matrix


def other_languages(profiles: Sequence[Profile]) -> np.ndarray:
    """Pairs written in two different languages (when both are known). Two languages share a
    story only when the embedding model reads both: their words and names alone (other
    scripts, other spellings) are too little to tell one event from another."""
    codes = np.array([p.language or "" for p in profiles])
    known = codes != ""
    return np.outer(known, known) & (codes[:, None] != codes[None, :])


def too_far_apart(profiles: Sequence[Profile], max_days: int) -> np.ndarray:
    """Pairs whose publication dates (when both known) are more than ``max_days`` apart."""
    ranges = [p.dates for p in profiles]
    dated = np.array([r is not None for r in ranges])
    first = np.array([r.first.toordinal() if r else 0 for r in ranges])
    last = np.array([r.last.toordinal() if r else 0 for r in ranges])
    gap = np.maximum(first[None, :] - last[:, None], first[:, None] - last[None, :])
    return np.outer(dated, dated) & (gap > max_days)


def average_linkage(
    scores: np.ndarray,
    units: Iterable[list[int]],
    threshold: float,
    strong: np.ndarray | None = None,
    seed_size: int = 0,
) -> list[list[int]]:
    """Merge the closest pair of groups while their mean pair score reaches ``threshold``.

    Groups start as ``units`` (lists of rows of ``scores``) and the result lists unit
    indices. Scores within a unit never count: its rows are one group from the start.
    With ``strong`` (a boolean matrix over the rows), a merge that makes a group of at most
    ``seed_size`` rows also needs one strong pair across the two groups (see defaults.toml
    ``[stories]`` ``seed_pair``).
    Hand-written (Lance-Williams update on pair sums, and on "any strong pair" for the seed
    rule) because the pools are small and scikit-learn's version would be a heavy dependency
    for a 30-line loop, without the seed rule.
    """
    units = list(units)
    membership = np.zeros((scores.shape[0], len(units)))
    for u, rows in enumerate(units):
        membership[rows, u] = 1.0
    sums = membership.T @ scores @ membership
    seeded = membership.T @ strong @ membership > 0 if strong is not None and seed_size else None
    sizes = membership.sum(axis=0)
    groups = [[u] for u in range(len(units))]
    active = np.ones(len(units), dtype=bool)
    while active.sum() > 1:
        mean = sums / np.outer(sizes, sizes)
        if seeded is not None:
            mean[~seeded & (np.add.outer(sizes, sizes) <= seed_size)] = -np.inf
        mean[~active, :] = -np.inf
        mean[:, ~active] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = np.unravel_index(int(np.argmax(mean)), mean.shape)
        if mean[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        if seeded is not None:
            seeded[i, :] |= seeded[j, :]
            seeded[:, i] = seeded[i, :]
        sizes[i] += sizes[j]
        active[j] = False
        groups[i] += groups[j]
    return [sorted(groups[u]) for u in np.flatnonzero(active)]


def seen_table(frequencies: Mapping[str, int], documents: int) -> TermTable:
    """A term table as if it had seen ``documents`` articles with these document frequencies:
    what scoring a few stored articles needs without adding every article again."""
    table = TermTable()
    if frequencies:
        ids, _ = table.row("", Counter(frequencies))  # gives the terms their ids
        del table._rows[""]
        table._df[ids] = np.fromiter(frequencies.values(), dtype=np.float64, count=len(ids))
        table._log_df[ids] = np.log1p(table._df[ids])
    table.documents = documents
    return table
