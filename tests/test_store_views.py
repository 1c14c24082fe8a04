"""What a page or answer reads per request (``store.views``, ``pipeline.reports``) against the
whole store read at once: the story list with its filters and pages, one story's report, one
article, one entity and the outlets give what the whole store gives."""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.annotate.embed import remembering_report_embedder
from storyline.pipeline.reports import story_view
from storyline.records import Corpus, Story
from storyline.report.render.rows import article_row
from storyline.report.story import build_report, membership_basis
from storyline.serve.pages import _marks, article_panel
from storyline.settings import Settings
from storyline.store.store import Store
from storyline.store.views import StoryFilter


@pytest.fixture(scope="module")
def store_path(analyzed_example_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the analysed example: reading a story keeps its report in the store."""
    path = tmp_path_factory.mktemp("views") / "storyline.db"
    shutil.copy(analyzed_example_db, path)
    return path


@pytest.fixture(scope="module")
def whole(store_path: Path) -> Corpus:
    with Store(store_path) as store:
        return store.load_corpus()


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path) as opened:
        yield opened


# -- the story list ---------------------------------------------------------------------------


def expected_stories(store: Store, corpus: Corpus, chosen: StoryFilter) -> list[str]:
    """The stories ``chosen`` keeps, newest first, read from the whole store."""
    stories = sorted(
        corpus.stories or [],
        key=lambda s: (s.end is None, -(s.end.toordinal() if s.end else 0), s.id),
    )
    outlet_of = {d.article.id: d.article.outlet or "unknown" for d in corpus.documents}
    if chosen.words is not None:
        hits = set(store.search(chosen.words))
        stories = [s for s in stories if hits & set(s.articles)]
    if chosen.since or chosen.until:
        stories = [s for s in stories if within(s, chosen.since, chosen.until)]
    if chosen.outlet:
        stories = [s for s in stories if any(outlet_of[a] == chosen.outlet for a in s.articles)]
    if chosen.entity:
        found = corpus.entity(chosen.entity)
        named = {r.article for r in found.mentions} if found else set()
        stories = [s for s in stories if named & set(s.articles)]
    return [s.id for s in stories]


def within(story: Story, since: str | None, until: str | None) -> bool:
    start, end = story.iso_range()
    if since and (end is None or end[: len(since)] < since[: len(end)]):
        return False
    return not (until and (start is None or start[: len(until)] > until[: len(start)]))


DAYS = ["2005", "2006", "2006-02", "2006-02-09", "2006-02-10", "2006-03-03", "2007", "2007-05"]
WORDS = ["Hamas", "Moscow Kalugin", "invite", "ties", "  ", "zzyzx", "Putin Hamas Moscow"]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=st.none() | st.sampled_from(WORDS),
    since=st.none() | st.sampled_from(DAYS),
    until=st.none() | st.sampled_from(DAYS),
    outlet=st.none() | st.sampled_from(["Reuters", "Al Jazeera", "unknown", "Nobody"]),
    entity=st.none() | st.integers(0, 30),
    offset=st.integers(0, 3),
    limit=st.none() | st.integers(1, 3),
)
def test_a_page_of_the_story_list_is_the_whole_store_filtered_and_cut(
    store: Store,
    whole: Corpus,
    words: str | None,
    since: str | None,
    until: str | None,
    outlet: str | None,
    entity: int | None,
    offset: int,
    limit: int | None,
) -> None:
    entities = sorted(e.id for e in whole.entities or [])
    chosen = StoryFilter(
        words, since, until, outlet, entities[entity % len(entities)] if entity else None
    )
    expected = expected_stories(store, whole, chosen)
    stories, total = store.newest_stories(chosen, offset, limit)
    assert total == len(expected)
    end = None if limit is None else offset + limit
    assert [s.id for s in stories] == expected[offset:end]
    for story in stories:
        assert story == whole.story(story.id)  # with its articles in the story's order


def test_outlets_threads_and_tallies_are_the_whole_stores(store: Store, whole: Corpus) -> None:
    ids = [s.id for s in whole.stories or []]
    outlets = store.outlets_of_stories(ids)
    for story in whole.stories or []:
        expected = sorted({whole.document(a).article.outlet or "unknown" for a in story.articles})
        assert list(outlets[story.id]) == expected
    threads = {s: t for s in ids if (t := whole.thread_of(s)) is not None}
    assert store.threads_of_stories(ids) == threads
    named = {
        s: (t.id, t.title, t.stories, t.links)
        for s, t in store.threads_of_stories(ids, False).items()
    }
    assert named == {s: (t.id, t.title, (), ()) for s, t in threads.items()}
    articles = Counter(d.article.outlet or "unknown" for d in whole.documents)
    tallies = {t.outlet: (t.articles, t.stories) for t in store.outlet_tallies()}
    assert {o: n for o, (n, _) in tallies.items()} == articles
    for name, (_, stories) in tallies.items():
        assert stories == sum(1 for s in ids if name in outlets[s])


# -- one story, one article, one entity -------------------------------------------------------


def test_every_story_report_read_from_its_slice_is_the_whole_stores(
    store: Store, whole: Corpus, settings: Settings
) -> None:
    embedder = remembering_report_embedder(store)
    basis = membership_basis(whole, settings)
    for story in whole.stories or []:
        expected = build_report(whole, story, settings.summary, embedder, basis)
        # The thread's other stories come without their articles: every view shows their
        # titles and dates only.
        steps = [
            s if s.id == story.id else dataclasses.replace(s, articles=())
            for s in expected.thread_stories
        ]
        expected = dataclasses.replace(expected, thread_stories=steps)
        first = story_view(store, story.id, settings)
        assert first is not None and first.report == expected
        again = story_view(store, story.id, settings)
        assert again is not None and not again.built and again.report == expected
    assert story_view(store, "s-no-such-story", settings) is None


def test_a_kept_report_is_built_again_when_it_cannot_be_read_or_settings_change(
    store: Store, whole: Corpus, settings: Settings
) -> None:
    story = (whole.stories or [])[0].id
    kept = story_view(store, story, settings)
    assert kept is not None
    digest, _ = store.stored_report(story) or ("", b"")
    store.save_report(story, digest, b"\x93not a report")
    rebuilt = story_view(store, story, settings)
    assert rebuilt is not None and rebuilt.built and rebuilt.report == kept.report
    longer = settings.model_copy(
        update={"summary": settings.summary.model_copy(update={"max_sentences": 9})}
    )
    assert story_view(store, story, longer).built  # type: ignore[union-attr]
    assert story_view(store, story, longer).built is False  # type: ignore[union-attr]


def test_an_article_slice_shows_what_the_whole_store_shows(store: Store, whole: Corpus) -> None:
    for document in whole.documents:
        found = store.article_slice(document.article.id)
        assert found is not None
        mine = found.document(document.article.id)
        assert dataclasses.replace(mine, embedding=None) == dataclasses.replace(
            document, embedding=None
        )
        assert np.array_equal(mine.embedding, document.embedding)
        assert article_row(found, mine) == article_row(whole, document)
        assert _marks(found, mine) == _marks(whole, document)
        panel, expected = article_panel(found, mine), article_panel(whole, document)
        # The slice's entities hold their mentions in this article only: the page shows names.
        cast = [(e.id, e.name, e.type, n) for e, n in panel.pop("cast")]
        assert cast == [(e.id, e.name, e.type, n) for e, n in expected.pop("cast")]
        assert panel == expected
    assert store.article_slice("a-no-such-article") is None


def test_an_entity_its_stories_and_quotes_are_the_whole_stores(store: Store, whole: Corpus) -> None:
    newest = expected_stories(store, whole, StoryFilter())
    for entity in whole.entities or []:
        assert store.entity_with_id(entity.id) == entity
        named = {r.article for r in entity.mentions}
        expected = [s for s in newest if named & set(whole.story(s).articles)]  # type: ignore[union-attr]
        assert [s.id for s in store.stories_naming(entity.id)] == expected
        # What the entity's page and JSON read: neither its mentions nor its stories' articles.
        assert store.entity_with_id(entity.id, mentions=False) == dataclasses.replace(
            entity, mentions=()
        )
        bare = store.stories_naming(entity.id, members=False)
        assert [s.id for s in bare] == expected and all(not s.articles for s in bare)
        speaks = [g for g in whole.quote_groups or [] if g.speaker_entity == entity.id]
        assert store.quote_groups_of(entity.id) == speaks
    assert store.entity_with_id("e-no-such-entity") is None


def test_a_slice_holds_only_what_its_story_needs(store: Store, whole: Corpus) -> None:
    story = max(whole.stories or [], key=lambda s: len(s.articles))
    found = store.story_slice(story.id)
    assert found is not None
    assert {d.article.id for d in found.documents} == set(story.articles)
    assert all(not s.articles for s in found.stories or [] if s.id != story.id)
    mentioned = {r.article for e in found.entities or [] for r in e.mentions}
    quoted = {r.article for g in found.quote_groups or [] for r in g.quotes}
    assert mentioned | quoted <= set(story.articles)
