"""Threads: later stories that continue earlier ones, on the seeds and synthetic stories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter

import numpy as np
import pytest

from conftest import make_article
from storyline.group.threads import (
    NEIGHBOURS,
    RECALL_SIMILARITY_MARGIN,
    ThreadStage,
    candidate_pairs,
    days_between,
    most_days_between,
    profile_story,
    story_order,
    timeml_days,
)
from storyline.ids import content_id
from storyline.records import (
    Corpus,
    Document,
    Mention,
    Precision,
    Span,
    Story,
    Thread,
    TimeRef,
    TimexType,
)
from storyline.settings import default_settings
from test_stories import group, seed_documents


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return seed_documents()


def thread(
    documents: list[Document], stories: list[Story], before: list[Thread] | None = None
) -> list[Thread]:
    corpus = Corpus(list(documents), stories=list(stories), threads=before)
    return ThreadStage(default_settings().threads)(corpus).threads or []


def test_the_seed_stories_form_one_thread_in_time_order(seeds) -> None:
    stories = group(seeds)
    (only,) = thread(seeds, stories)
    by_first = {s.articles[0]: s.id for s in stories}
    assert only.stories == (by_first["003"], by_first["001"], by_first["004"])
    assert only.id == content_id("t", by_first["003"])
    assert only.title == next(s.title for s in stories if s.id == only.stories[0])
    assert len(only.links) == 2  # a spanning tree over three stories
    for link in only.links:
        assert only.stories.index(link.earlier) < only.stories.index(link.later)
        assert link.reason.startswith("shares ") and "Hamas" in link.reason
        assert "similar subject (cos 0." in link.reason
    assert "\n" not in only.description and "3 stories" in only.description
    # the 2007 report (dated July 2007) may be 17 months after February 2006: its link says
    # why it continues the invitation's story nonetheless
    (late,) = [k for k in only.links if k.later == by_first["004"]]
    assert "months later, continuing it: " in late.reason
    assert "people and organisations in common" in late.reason
    early = next(k for k in only.links if k.later == by_first["001"])
    assert "continuing it" not in early.reason
    for link in only.links:  # no place, outlet or agency makes a link
        for name in ("Moscow", "Russia", "Israel", "Al Jazeera", "Aljazeera", "Reuters"):
            assert name not in link.reason


def test_threads_do_not_depend_on_story_or_document_order(seeds) -> None:
    stories = group(seeds)
    assert thread(seeds[::-1], stories[::-1]) == thread(seeds, stories)


# Synthetic stories: one article each, vectors and names set by hand.


def story_of(
    article_id: str,
    vector: list[float],
    names: list[str],
    day: dt.date | None,
    dates: tuple[str, ...] = (),
    kind: str = "ORG",
    outlet: str | None = None,
    prose: str = "",
) -> tuple[Document, Story]:
    """One article's story naming ``names`` (of type ``kind``: places link no stories), then
    ``prose``; ``dates`` are the TimeML values of its time expressions."""
    text = " ".join(names) + (f"\n\n{prose}" if prose else "")
    mentions, offset = [], 0
    for name in names:
        mentions.append(Mention(Span(offset, offset + len(name)), name, kind))
        offset += len(name) + 1
    embedding = np.asarray(vector, dtype=np.float32)
    document = Document(
        article=make_article(text, article_id, outlet=outlet),
        mentions=mentions,
        timex=[TimeRef(Span(0, 0), value, TimexType.DATE, value) for value in dates],
        embedding=embedding / np.linalg.norm(embedding),
    )
    story = Story(content_id("s", article_id), (article_id,), article_id, article_id, day, day)
    return document, story


def test_links_need_shared_cast_similar_subject_and_time() -> None:
    cases = [
        story_of("start", [1, 0], ["Statoil", "Telenor", "Norsk Hydro"], dt.date(2001, 1, 1)),
        story_of("sequel", [1, 0.1], ["Statoil", "Telenor"], dt.date(2001, 6, 1)),
        story_of("other-cast", [1, 0.1], ["Petroperu", "Inca Kola"], dt.date(2001, 6, 2)),
        story_of("other-subject", [0, 1], ["Statoil", "Telenor"], dt.date(2001, 6, 3)),
        story_of("much-later", [1, 0], ["Statoil", "Telenor"], dt.date(2009, 1, 1)),
        story_of("undated", [1, 0.05], ["Statoil", "Norsk Hydro"], None),
    ]
    documents = [d for d, _ in cases]
    threads = thread(documents, [s for _, s in cases])
    grouped = {frozenset(t.stories) for t in threads}
    ids = {s.articles[0]: s.id for _, s in cases}
    assert frozenset({ids["start"], ids["sequel"], ids["undated"]}) in grouped
    for alone in ("other-cast", "other-subject", "much-later"):
        assert frozenset({ids[alone]}) in grouped
    # every story is in exactly one thread
    assert sorted(i for t in threads for i in t.stories) == sorted(ids.values())
    lone = next(t for t in threads if t.stories == (ids["much-later"],))
    assert lone.links == () and lone.id == content_id("t", ids["much-later"])


def at_cosine(cosine: float) -> list[float]:
    """A 2-d vector at exactly ``cosine`` to [1, 0]."""
    return [cosine, float(np.sqrt(1 - cosine**2))]


def test_a_later_story_naming_the_earlier_ones_days_refers_back() -> None:
    names = ["Statoil", "Telenor"]
    start = story_of("start", [1, 0], names, dt.date(2001, 1, 1))
    dates = ("2001-01-01", "2001-01-01T10:00", "2001-01", "2000", "2001-06-01", "P3D", "2001")
    sequel = story_of("sequel", [1, 0.1], names, dt.date(2001, 6, 1), dates)
    (only,) = thread([start[0], sequel[0]], [start[1], sequel[1]])
    (link,) = only.links
    # most named first; its own day ("2001-06-01") and the year it is in ("2001") are no recall
    assert link.reason == "shares Statoil, Telenor; refers back to 2001-01-01, 2001-01; " + (
        "similar subject (cos 1.00)"
    )


def test_a_month_precise_story_is_recalled_by_any_day_of_its_month() -> None:
    start = story_of("start", [1, 0], ["Statoil", "Telenor"], dt.date(2001, 1, 1))
    start = (start[0], dataclasses.replace(start[1], precision=Precision.MONTH))
    sequel = story_of(
        "sequel", [1, 0], ["Statoil", "Telenor"], dt.date(2001, 3, 1), ("2001-01-20",)
    )
    (only,) = thread([start[0], sequel[0]], [start[1], sequel[1]])
    assert "refers back to 2001-01-20;" in only.links[0].reason


@pytest.mark.parametrize(
    ("dates", "linked"),
    [((), False), (("2001",), False), (("2001-01-01",), True), (("2001-W01",), True)],
)
def test_referring_back_to_a_day_lets_a_less_similar_story_continue(dates, linked) -> None:
    cosine = default_settings().threads.similarity - RECALL_SIMILARITY_MARGIN / 2
    start = story_of("start", [1, 0], ["Statoil", "Telenor"], dt.date(2001, 1, 1))
    sequel = story_of(
        "sequel", at_cosine(cosine), ["Statoil", "Telenor"], dt.date(2002, 3, 1), dates
    )
    threads = thread([start[0], sequel[0]], [start[1], sequel[1]])
    assert len(threads) == (1 if linked else 2)


def linked(*cases: tuple[Document, Story]) -> list[str]:
    """The reasons of the links among ``cases``' stories."""
    threads = thread([d for d, _ in cases], [s for _, s in cases])
    return [k.reason for t in threads for k in t.links]


def test_a_shared_place_makes_no_link() -> None:
    start = story_of("start", [1, 0], ["Oslo", "Bergen", "U.S."], dt.date(2001, 1, 1), kind="GPE")
    sequel = story_of("sequel", [1, 0], ["Oslo", "Bergen", "U.S."], dt.date(2001, 2, 1), kind="GPE")
    assert linked(start, sequel) == []


@pytest.mark.parametrize(
    ("names", "outlet"),
    [
        (["Statoil", "CNBC"], None),  # a well-known outlet
        (["Statoil", "The Associated Press"], None),
        (["Statoil", "AP"], None),
        (["Statoil", "RFE/RL"], None),
        (["Statoil", "Aljazeera"], "Al Jazeera"),  # the outlet of an article, spelt otherwise
        (["Statoil", "Bergens Tidende"], "Bergens Tidende"),  # an outlet known by its articles
    ],
)
def test_an_outlet_named_by_two_stories_does_not_link_them(names, outlet) -> None:
    start = story_of("start", [1, 0], names, dt.date(2001, 1, 1), outlet=outlet)
    sequel = story_of("sequel", [1, 0], names, dt.date(2001, 2, 1))
    assert linked(start, sequel) == []
    # the same stories sharing a second actor are linked, and the outlet is not named
    start = story_of("start", [1, 0], [*names, "Telenor"], dt.date(2001, 1, 1), outlet=outlet)
    sequel = story_of("sequel", [1, 0], [*names, "Telenor"], dt.date(2001, 2, 1))
    (reason,) = linked(start, sequel)
    assert reason.startswith("shares Statoil, Telenor;")


def test_a_person_named_in_full_is_no_outlet() -> None:
    names = ["Michael Bloomberg", "Jens Stoltenberg"]
    start = story_of("start", [1, 0], names, dt.date(2001, 1, 1), kind="PERSON")
    sequel = story_of("sequel", [1, 0], names, dt.date(2001, 2, 1), kind="PERSON")
    assert linked(start, sequel) == [
        "shares Jens Stoltenberg, Michael Bloomberg; " + ("similar subject (cos 1.00)")
    ]


GERMAN = (
    "Die Regierung hat am Dienstag mitgeteilt, dass sie die neuen Regeln nicht vor dem Sommer "
    "einführen wird, weil die Länder noch nicht alle Daten zur Verfügung gestellt haben."
)
RUSSIAN = (
    "Как сообщили в правительстве, новые правила не будут введены до лета, потому что из "
    "регионов ещё не поступили все данные, и каждый из них должен их представить."
)


@pytest.mark.parametrize(
    ("names", "prose"),
    [
        (["Sie", "das"], GERMAN),  # English NER on German: stopwords of the page's language
        (["Из", "Каждый", "Как"], RUSSIAN),
        (["He", "They"], ""),  # pronouns
        (["kafir", "orang yang"], ""),  # no name is written in lower case
        (["Xu", "Q"], ""),  # keys of one or two letters
    ],
)
def test_function_words_make_no_link(names, prose) -> None:
    start = story_of("start", [1, 0], ["Statoil", *names], dt.date(2001, 1, 1), prose=prose)
    sequel = story_of("sequel", [1, 0], ["Statoil", *names], dt.date(2001, 2, 1), prose=prose)
    assert linked(start, sequel) == []


def test_a_surname_of_two_letters_counts_when_named_in_full() -> None:
    names = ["Jack Ma", "Joseph Tsai"]
    start = story_of("start", [1, 0], names, dt.date(2001, 1, 1), kind="PERSON")
    sequel = story_of("sequel", [1, 0], names, dt.date(2001, 2, 1), kind="PERSON")
    assert len(linked(start, sequel)) == 1


PEOPLE = ["Jens Stoltenberg", "Erna Solberg"]


@pytest.mark.parametrize(
    ("day", "dates", "reason"),
    [
        (
            dt.date(2001, 12, 1),
            (),
            "shares Erna Solberg, Jens Stoltenberg; similar subject (cos 1.00)",
        ),
        (dt.date(2004, 1, 15), (), None),  # three years on, two people alone prove nothing
        (dt.date(2004, 1, 15), ("2001",), None),  # nor a year: "in 2001" names every day of it
        (
            dt.date(2004, 1, 15),
            ("2001-01-01",),
            "shares Erna Solberg, Jens Stoltenberg; refers back to 2001-01-01; similar subject "
            "(cos 1.00); 36 months later, continuing it: it names the earlier story's dates",
        ),
    ],
)
def test_stories_years_apart_link_only_when_the_later_recalls_the_earlier(
    day, dates, reason
) -> None:
    start = story_of("start", [1, 0], PEOPLE, dt.date(2001, 1, 1), kind="PERSON")
    sequel = story_of("sequel", [1, 0], PEOPLE, day, dates, kind="PERSON")
    assert linked(start, sequel) == ([reason] if reason else [])


def test_over_a_year_apart_more_shared_actors_show_a_continuation() -> None:
    actors = ["Statoil", "Telenor", "Norsk Hydro", "Equinor"]
    needed = default_settings().threads.evidence_shared_entities
    assert len(actors) == needed
    later = dt.date(2002, 8, 1)  # 19 months
    few = [
        story_of(n, [1, 0], actors[:2], d) for n, d in (("a", dt.date(2001, 1, 1)), ("b", later))
    ]
    assert linked(*few) == []
    many = [story_of(n, [1, 0], actors, d) for n, d in (("a", dt.date(2001, 1, 1)), ("b", later))]
    (reason,) = linked(*many)
    assert reason.endswith("; 19 months later, continuing it: 4 people and organisations in common")


def test_a_story_dated_by_its_year_alone_may_be_as_late_as_its_end() -> None:
    earlier = Story("s1", ("a",), "a", "a", dt.date(2006, 2, 9), dt.date(2006, 2, 9))
    later = Story("s2", ("b",), "b", "b", dt.date(2007, 1, 1), None, Precision.YEAR)
    assert days_between(earlier, later) == 326
    assert most_days_between(earlier, later) == 690


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("2006-02-09", ("2006-02-09", dt.date(2006, 2, 9), dt.date(2006, 2, 9))),
        ("2006-02-09TEV", ("2006-02-09", dt.date(2006, 2, 9), dt.date(2006, 2, 9))),
        ("2006-02", ("2006-02", dt.date(2006, 2, 1), dt.date(2006, 2, 28))),
        ("2006", ("2006", dt.date(2006, 1, 1), dt.date(2006, 12, 31))),
        ("2006-W06", ("2006-W06", dt.date(2006, 2, 6), dt.date(2006, 2, 12))),
        ("2006-02-30", None),
        ("P3D", None),
        ("PRESENT_REF", None),
        ("200X", None),
    ],
)
def test_timeml_values_name_days(value: str, days) -> None:
    assert timeml_days(value) == days


def test_a_thread_keeps_its_id_when_stories_join_it_before_and_after() -> None:
    first_run = [
        story_of("start", [1, 0], ["Statoil", "Telenor"], dt.date(2001, 1, 1)),
        story_of("sequel", [1, 0.1], ["Statoil", "Telenor"], dt.date(2001, 6, 1)),
        story_of("other", [0, 1], ["Petroperu", "Inca Kola"], dt.date(2001, 2, 1)),
    ]
    before = thread([d for d, _ in first_run], [s for _, s in first_run])
    assert thread([d for d, _ in first_run], [s for _, s in first_run], before) == before
    second_run = [
        *first_run,
        story_of("prequel", [1, 0.05], ["Statoil", "Telenor"], dt.date(2000, 12, 1)),
        story_of("aftermath", [1, 0.05], ["Statoil", "Telenor"], dt.date(2001, 9, 1)),
        story_of("unrelated", [-1, 0], ["Toyota", "Nintendo"], dt.date(2001, 3, 1)),
    ]
    after = thread([d for d, _ in second_run], [s for _, s in second_run], before)
    ids = {s.articles[0]: s.id for _, s in second_run}
    by_first = {t.stories[0]: t for t in after}
    # the thread now begins with the prequel, yet keeps the id it had when "start" began it
    grown = by_first[ids["prequel"]]
    assert len(grown.stories) == 4 and grown.id == content_id("t", ids["start"])
    assert by_first[ids["other"]].id == content_id("t", ids["other"])
    assert by_first[ids["unrelated"]].id == content_id("t", ids["unrelated"])


# Candidates through the nearest-neighbour index


def clustered(clusters: int, size: int, dims: int, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight clusters far apart: each vector's nearest are its cluster's."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dims))
    vectors = np.repeat(centres, size, axis=0) + rng.normal(scale=0.1, size=(clusters * size, dims))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_with_few_stories_every_pair_is_a_candidate() -> None:
    vectors = np.random.default_rng(1).normal(size=(NEIGHBOURS + 1, 16))
    assert candidate_pairs(vectors) == list(itertools.combinations(range(NEIGHBOURS + 1), 2))
    assert candidate_pairs(vectors[:1]) == []


@pytest.mark.parametrize("exact_limit", [10_000, 0], ids=["exact", "approximate"])
def test_candidates_hold_every_near_pair_and_few_others(exact_limit: int) -> None:
    size = NEIGHBOURS // 2
    vectors = clustered(clusters=30, size=size, dims=64)
    pairs = set(candidate_pairs(vectors, exact_limit=exact_limit))
    mates = {
        (i, j) for i, j in itertools.combinations(range(len(vectors)), 2) if i // size == j // size
    }
    assert mates <= pairs
    assert len(pairs) <= len(vectors) * NEIGHBOURS  # linear, not every pair
    assert all(i < j for i, j in pairs)


def test_links_through_the_index_are_the_links_of_all_pairs() -> None:
    size, clusters = 8, 20  # 160 stories, well over NEIGHBOURS
    vectors = clustered(clusters, size, dims=32, seed=2)
    rng = np.random.default_rng(3)
    cases = []
    for n, vector in enumerate(vectors):
        cluster = n // size
        # names from the cluster's own pool and one shared by all: some pairs share too few
        pool = [f"Place{cluster}x{k}" for k in range(4)]
        names = [*rng.choice(pool, size=2, replace=False), "Everywhere"]
        day = dt.date(2000, 1, 1) + dt.timedelta(days=int(rng.integers(0, 4 * 365)))
        cases.append(story_of(f"a{n:03d}", list(vector), names, day))
    corpus = Corpus([d for d, _ in cases], stories=[s for _, s in cases])
    profiles = [profile_story(s, corpus) for s in sorted(corpus.stories or [], key=story_order)]
    stage = ThreadStage(default_settings().threads)
    every_pair = [stage.link(a, b) for a, b in itertools.combinations(profiles, 2)]
    expected = [k for k in every_pair if k is not None]
    # links exist, and some cluster mates fail on shared names or days apart
    assert 0 < len(expected) < clusters * size * (size - 1) // 2
    key = [(k.earlier.story.id, k.later.story.id, k.cosine, k.shared) for k in expected]
    found = stage.links(profiles)
    assert sorted(key) == sorted(
        (k.earlier.story.id, k.later.story.id, k.cosine, k.shared) for k in found
    )


def test_a_name_written_alike_under_two_keys_is_listed_once() -> None:
    from storyline.group.threads import Link, reason
    from storyline.records import StoryProfile

    names = {"macbook pro": "MacBook Pro", "pro": "MacBook Pro", "apple": "Apple"}
    profile = StoryProfile(Story("s", (), "t", "d", None, None), np.ones(2), Counter(), names)
    link = Link(profile, profile, 0.76, ("apple", "macbook pro", "pro"))
    assert reason(link) == "shares Apple, MacBook Pro; similar subject (cos 0.76)"
