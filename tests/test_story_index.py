"""The incremental clustering machinery: average linkage and the time-windowed ANN search."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.dates import DateRange
from storyline.group.story_index import (
    Profile,
    TermTable,
    TimeBuckets,
    _top_rows,
    average_linkage,
    near_pairs_only,
    other_languages,
)


def symmetric(values: list[float], size: int) -> np.ndarray:
    matrix = np.zeros((size, size))
    iu = np.triu_indices(size, 1)
    matrix[iu] = values[: len(iu[0])]
    return matrix + matrix.T


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.floats(-1, 1), min_size=n * n, max_size=n * n))
    ),
    st.floats(-1, 1),
)
def test_average_linkage_partitions_the_units(case, threshold) -> None:
    size, values = case
    groups = average_linkage(symmetric(values, size), [[i] for i in range(size)], threshold)
    assert sorted(u for g in groups for u in g) == list(range(size))


def test_average_linkage_merges_by_mean_score_not_by_best_pair() -> None:
    # 0 and 1 are alike; 2 is alike to 0 only: its mean with the pair {0, 1} is 0.45
    scores = np.array([[0, 0.9, 0.9], [0.9, 0, 0.0], [0.9, 0.0, 0]])
    assert average_linkage(scores, [[0], [1], [2]], 0.5) == [[0, 1], [2]]
    assert average_linkage(scores, [[0], [1], [2]], 0.4) == [[0, 1, 2]]


def two_events_of_one_kind() -> np.ndarray:
    """Two events of four reports each: 0.5 within an event, 0.4 across, 0 on the diagonal."""
    event = np.repeat([0, 1], 4)
    scores = np.where(event[:, None] == event[None, :], 0.5, 0.4)
    np.fill_diagonal(scores, 0.0)
    return scores


def test_near_pairs_keep_two_events_of_one_kind_apart() -> None:
    singles = [[i] for i in range(8)]
    scores = two_events_of_one_kind()
    assert average_linkage(scores, singles, 0.25) == [list(range(8))]
    near = near_pairs_only(scores, rank=3, strong=0.55, cap=0.1)
    assert average_linkage(near, singles, 0.25) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_strong_pairs_hold_an_event_reported_more_often_than_the_rank() -> None:
    scores = np.full((12, 12), 0.6)  # one event, twelve reports
    np.fill_diagonal(scores, 0.0)
    singles = [[i] for i in range(12)]
    by_rank_only = near_pairs_only(scores, rank=2, strong=1.0, cap=0.1)
    assert len(average_linkage(by_rank_only, singles, 0.25)) > 1
    near = near_pairs_only(scores, rank=2, strong=0.55, cap=0.1)
    assert average_linkage(near, singles, 0.25) == [list(range(12))]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.floats(-1, 1), min_size=n * n, max_size=n * n))
    ),
    st.integers(1, 8),
)
def test_near_pairs_only_caps_and_never_raises(case, rank) -> None:
    size, values = case
    scores = symmetric(values, size)
    near = near_pairs_only(scores, rank=rank, strong=0.55, cap=0.1)
    assert np.array_equal(near, near.T)
    assert np.all(near <= scores)
    assert np.all((near == scores) | (near == 0.1))
    # every article keeps its best partner at full score
    best = np.argmax(np.where(np.eye(size, dtype=bool), -np.inf, scores), axis=1)
    assert np.array_equal(near[np.arange(size), best], scores[np.arange(size), best])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 8).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.floats(-1, 1), min_size=n * n, max_size=n * n))
    ),
    st.floats(-1, 1),
    st.integers(0, 8),
)
def test_the_seed_rule_only_ever_splits_what_average_linkage_joins(case, threshold, size) -> None:
    count, values = case
    scores = symmetric(values, count)
    units = [[i] for i in range(count)]
    seeded = average_linkage(scores, units, threshold, scores >= 0.5, size)
    assert sorted(u for g in seeded for u in g) == list(range(count))
    if size < 2:  # no merge makes a group this small: the rule never applies
        assert seeded == average_linkage(scores, units, threshold)
    for group in seeded:  # a small story holds a strong pair
        if 2 <= len(group) <= size:
            assert (scores[np.ix_(group, group)] >= 0.5).any()


def test_a_small_story_needs_a_strong_pair_and_a_large_one_a_good_mean() -> None:
    # Three reports that all score 0.3 together: above the threshold, but no pair is strong.
    passable = np.full((3, 3), 0.3)
    np.fill_diagonal(passable, 1.0)
    strong = passable >= 0.5
    assert average_linkage(passable, [[0], [1], [2]], 0.25, strong, 5) == [[0], [1], [2]]
    assert average_linkage(passable, [[0], [1], [2]], 0.25) == [[0, 1, 2]]  # without the rule
    # One strong pair makes a story; a third report joins a story this small only through a
    # strong pair of its own with one of its reports.
    seeded = passable.copy()
    seeded[0, 1] = seeded[1, 0] = 0.6
    assert average_linkage(seeded, [[0], [1], [2]], 0.25, seeded >= 0.5, 5) == [[0, 1], [2]]
    seeded[1, 2] = seeded[2, 1] = 0.55
    assert average_linkage(seeded, [[0], [1], [2]], 0.25, seeded >= 0.5, 5) == [[0, 1, 2]]
    # A story already past seed_size takes a member on the mean alone.
    six = np.full((6, 6), 0.3)
    six[:5, :5] = 0.6
    units = [[0, 1, 2, 3, 4], [5]]
    assert average_linkage(six, units, 0.25, six >= 0.5, 5) == [[0, 1]]


def profile(article_id: str, language: str | None) -> Profile:
    return Profile(article_id, np.ones(2), Counter(), Counter(), frozenset(), None, frozenset(),
                   language=language)  # fmt: skip


def test_two_languages_never_share_a_story_but_an_unknown_one_may() -> None:
    found = other_languages([profile("a", "en"), profile("b", "de"), profile("c", None),
                             profile("d", "en")])  # fmt: skip
    assert found[0, 1] and found[1, 0] and found[1, 3]
    assert not found[0, 3] and not found[0, 2] and not found[1, 2] and not found[2, 2]


def test_a_unit_of_several_rows_moves_as_one() -> None:
    scores = np.array([[0, -1.0, 0.8], [-1.0, 0, 0.8], [0.8, 0.8, 0]])
    assert average_linkage(scores, [[0, 1], [2]], 0.5) == [[0, 1]]


def day(n: int) -> DateRange:
    date = dt.date(2010, 1, 1) + dt.timedelta(days=n)
    return DateRange(date, date)


def test_dated_search_stays_within_the_time_window() -> None:
    buckets = TimeBuckets(dimensions=2, window_days=7)
    vector = np.array([1.0, 0.0], dtype=np.float32)
    buckets.add("same-week", vector, day(2))
    buckets.add("two-months-later", vector, day(60))
    buckets.add("undated", vector, None)
    found = {article_id for article_id, _ in buckets.nearest(vector, day(4), count=10)}
    assert found == {"same-week", "undated"}
    everywhere = {article_id for article_id, _ in buckets.nearest(vector, None, count=10)}
    assert everywhere == {"same-week", "two-months-later", "undated"}


def unit_vectors(count: int, seed: int = 3) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, 8)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_bucket_finds_the_same_nearest_articles_after_moving_to_hnsw(monkeypatch) -> None:
    import storyline.group.story_index as story_index

    vectors = unit_vectors(60)
    exact = story_index._Bucket(8)
    for n, vector in enumerate(vectors):
        exact.add(f"a{n}", vector)
    monkeypatch.setattr(story_index, "EXACT_SEARCH_LIMIT", 30)
    graph = story_index._Bucket(8)
    for n, vector in enumerate(vectors):
        graph.add(f"a{n}", vector)
    assert graph._index is None  # nothing searched yet: no graph built
    for vector in vectors[:10]:
        assert [a for a, _ in graph.nearest(vector, 3)] == [a for a, _ in exact.nearest(vector, 3)]
    assert graph._index is not None


def test_vectors_added_after_the_graph_is_built_are_found(monkeypatch) -> None:
    import storyline.group.story_index as story_index

    monkeypatch.setattr(story_index, "EXACT_SEARCH_LIMIT", 30)
    vectors = unit_vectors(50, seed=5)
    bucket = story_index._Bucket(8)
    for n, vector in enumerate(vectors[:40]):
        bucket.add(f"a{n}", vector)
    bucket.nearest(vectors[0], 1)  # builds the graph
    for n, vector in enumerate(vectors[40:], start=40):
        bucket.add(f"a{n}", vector)
        assert bucket.nearest(vector, 1)[0][0] == f"a{n}"


def reference_tfidf(counts: list[Counter[str]], corpus: list[Counter[str]]) -> np.ndarray:
    """The textbook formula, word by word: (1 + log tf) * (log((1 + N) / (1 + df)) + 1)."""
    df = Counter(word for document in corpus for word in document)
    vectors = []
    for count in counts:
        vocabulary = sorted({w for c in counts for w in c})
        vector = np.array(
            [
                (1 + math.log(count[w])) * (math.log((1 + len(corpus)) / (1 + df[w])) + 1)
                if count[w]
                else 0.0
                for w in vocabulary
            ]
        )
        norm = np.linalg.norm(vector)
        vectors.append(vector / norm if norm else vector)
    matrix = np.array(vectors)
    return matrix @ matrix.T


documents = st.lists(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5), max_size=6).map(Counter),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(documents, documents)
def test_term_table_cosines_follow_the_tfidf_formula(stored, scored) -> None:
    table = TermTable()
    for n, count in enumerate(stored):
        table.add(f"s{n}", count)
    # Articles scored before they are added (a new article's candidates) count in no df.
    rows = [table.row(f"new{n}", count) for n, count in enumerate(scored)]
    expected = reference_tfidf(scored, stored)
    assert np.allclose(table.cosines(rows), expected)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=40), st.integers(1, 50))
def test_top_rows_match_a_stable_sort_ties_included(values, count) -> None:
    array = np.array(values, dtype=np.float64)
    assert _top_rows(array, count).tolist() == np.argsort(-array, kind="stable")[:count].tolist()
