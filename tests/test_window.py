"""Regrouping around new articles (storyline.group.window) against regrouping the whole store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR
from storyline.group.dedup import chronological_key
from storyline.group.window import NewArticle, joined_groups, merged, neighbourhood, widened
from storyline.pipeline.analyze import regroup_around, regroup_store
from storyline.records import Corpus, Document, Precision, PubDate, QuoteGroup, Ref
from storyline.settings import Settings
from storyline.store.store import Store


@pytest.fixture(scope="module")
def seed_documents(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    """The five seeds annotated, as they state themselves, in order of publication."""
    import storyline

    db = tmp_path_factory.mktemp("window") / "seeds.db"
    storyline.analyze([EXAMPLE_DIR], db=db)
    with Store(db) as store:
        documents = store.load_documents()
    return sorted(documents, key=lambda d: chronological_key(d.article))


def new_articles(documents: list[Document]) -> dict[str, NewArticle]:
    return {d.article.id: NewArticle(d.article.published, d.embedding) for d in documents}


def one_at_a_time(
    path: Path, documents: list[Document], settings: Settings, window: bool
) -> Corpus:
    """Add ``documents`` one per run; each run regroups around it, or regroups everything."""
    with Store(path) as store:
        for document in documents:
            store.save_documents([document])
            if window and store.profiled():
                regroup_around(store, new_articles([document]), settings)
            else:
                regroup_store(store, settings)
        return store.load_corpus()


def grouping(corpus: Corpus) -> dict[str, object]:
    """What the two ways must agree on, without ids that depend on arrival."""
    story_of = {a: frozenset(s.articles) for s in corpus.stories or [] for a in s.articles}
    return {
        "stories": {frozenset(s.articles) for s in corpus.stories or []},
        "threads": {
            frozenset(story_of[a] for a in {x for s in t.stories for x in _articles(corpus, s)})
            for t in corpus.threads or []
        },
        "entities": {(e.name, e.type, e.mentions) for e in corpus.entities or []},
        "quote groups": {(g.speaker_name, g.quotes) for g in corpus.quote_groups or []},
        "copies": corpus.duplicate_of,
        "inferred": corpus.inferred_dates,
    }


def _articles(corpus: Corpus, story_id: str) -> tuple[str, ...]:
    return next(s.articles for s in corpus.stories or [] if s.id == story_id)


@pytest.mark.slow
def test_the_seeds_added_one_by_one_group_as_a_whole_regrouping_does(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    whole = one_at_a_time(tmp_path / "whole.db", seed_documents, settings, window=False)
    around = one_at_a_time(tmp_path / "around.db", seed_documents, settings, window=True)
    assert grouping(around) == grouping(whole)
    # The ids too: stories and threads keep theirs as articles arrive, in both ways.
    assert {s.id for s in around.stories or []} == {s.id for s in whole.stories or []}
    assert {t.id for t in around.threads or []} == {t.id for t in whole.threads or []}
    # Entity ids need not agree: regrouping everything names an entity's id by its current
    # name ("Aleksandr Kalugin" once a later article spells him so), while an entity found
    # again in a neighbourhood keeps the id it was stored under, so its page stays put.


def shifted(document: Document, days: int, suffix: str) -> Document:
    """A copy of ``document`` published ``days`` later (to the day), under another id."""
    article = document.article
    day = article.published.date if article.published else dt.date(2006, 6, 1)
    moved = PubDate(day + dt.timedelta(days=days), Precision.DAY, "test")
    new_id = f"{article.id}-{suffix}"
    return dataclasses.replace(
        document,
        article=dataclasses.replace(article, id=new_id, source=f"test:{new_id}", published=moved),
    )


def test_the_neighbourhood_holds_what_a_new_article_can_join_and_nothing_far_away(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    dated = [d for d in seed_documents if d.article.published is not None]
    early = [shifted(d, 0, "early") for d in dated[:2]]
    late = [shifted(d, 3650, "late") for d in dated[2:]]  # ten years on: no story reaches
    with Store(tmp_path / "store.db") as store:
        store.save_documents(early + late)
        regroup_store(store, settings)
        newcomer = shifted(dated[2], 3651, "new")  # a copy of a late text, a day after it
        store.save_documents([newcomer])
        found = neighbourhood(store, new_articles([newcomer]), settings)
        late_story = store.grouped_with({dated[2].article.id + "-late"})
    assert newcomer.article.id in found
    assert not found & {d.article.id for d in early}
    assert late_story <= found


def test_an_actor_named_again_keeps_its_stored_id_and_its_old_mentions(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    dated = [d for d in seed_documents if d.article.published is not None]
    with Store(tmp_path / "store.db") as store:
        store.save_documents(dated)
        regroup_store(store, settings)
        before = {e.name: e for e in store.load_corpus().entities or []}
        newcomer = shifted(dated[0], 3650, "new")
        store.save_documents([newcomer])
        regroup_around(store, new_articles([newcomer]), settings)
        after = {e.name: e for e in store.load_corpus().entities or []}
    putin = next(name for name in before if "Putin" in name)
    assert after[putin].id == before[putin].id
    old = set(before[putin].mentions)
    assert old < set(after[putin].mentions)  # the old mentions kept, the new one's added
    assert any(r.article == newcomer.article.id for r in after[putin].mentions)


def grouped_store(path: Path, documents: list[Document], settings: Settings) -> Store:
    """A store holding ``documents``, regrouped whole (close it after use)."""
    store = Store(path)
    store.save_documents(documents)
    regroup_store(store, settings)
    return store


def test_regrouping_around_nothing_new_changes_nothing(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    with grouped_store(tmp_path / "store.db", seed_documents, settings) as store:
        before = store.dump()
        regroup_around(store, new_articles(seed_documents[-1:]), settings)
        after = store.dump()
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {"store_state"}, changed  # the generation moves; no result does


def test_an_entity_a_regrouping_no_longer_finds_is_deleted_with_its_names(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    with grouped_store(tmp_path / "store.db", seed_documents, settings) as store:
        window = {d.article.id for d in seed_documents}
        corpus = store.load_corpus(inferred=False)
        gone, *kept = corpus.entities or []
        corpus.entities = kept
        store.save_window(corpus, window)
        stored = store.dump()
    assert {row[0] for row in stored["entities"]} == {e.id for e in kept}
    assert gone.id not in {row[0] for row in stored["entity_aliases"]}
    assert gone.id not in {row[1] for row in stored["entity_keys"]}
    assert len(stored["stories"]) == len(corpus.stories or [])


def test_date_windows_join_when_they_touch() -> None:
    day = PubDate(dt.date(2020, 1, 10), Precision.DAY, "test")
    later = PubDate(dt.date(2020, 1, 24), Precision.DAY, "test")
    far = PubDate(dt.date(2020, 3, 1), Precision.DAY, "test")
    year = PubDate(dt.date(2020, 1, 1), Precision.YEAR, "test")
    ranges = merged(widened([day, later, far, year, None], 7))
    assert [(r.first.isoformat(), r.last.isoformat()) for r in ranges] == [
        ("2020-01-03", "2020-01-31"),
        ("2020-02-23", "2020-03-08"),
    ]


def test_regrouping_around_new_articles_in_postgresql_groups_as_in_sqlite(
    seed_documents: list[Document], settings: Settings, tmp_path: Path, postgres_url: str
) -> None:
    in_sqlite = one_at_a_time(tmp_path / "around.db", seed_documents, settings, window=True)
    in_postgres = one_at_a_time(postgres_url, seed_documents, settings, window=True)
    assert grouping(in_postgres) == grouping(in_sqlite)
    assert {t.id for t in in_postgres.threads or []} == {t.id for t in in_sqlite.threads or []}


def test_a_window_read_before_another_writer_wrote_is_not_saved(
    seed_documents: list[Document], settings: Settings, tmp_path: Path
) -> None:
    with grouped_store(tmp_path / "store.db", seed_documents[:-1], settings) as store:
        window = {d.article.id for d in seed_documents[:-1]}
        read_at = store.generation()
        corpus = store.load_corpus(inferred=False)
        store.save_documents(seed_documents[-1:])  # another writer adds an article meanwhile
        before = store.dump()
        assert not store.save_window(corpus, window, read_at)
        assert store.dump() == before
        assert store.save_window(corpus, window, store.generation())


@pytest.mark.slow
def test_a_long_input_is_regrouped_as_it_goes_and_groups_as_one_regrouping_does(
    settings: Settings, tmp_path: Path
) -> None:
    import storyline

    rounds = settings.model_copy(
        update={
            "pipeline": settings.pipeline.model_copy(
                update={"regroup_every": 2, "full_regroup_below": 3, "batch_size": 1, "workers": 1}
            )
        }
    )
    once = storyline.analyze([EXAMPLE_DIR], db=tmp_path / "once.db", settings=settings)
    as_it_goes = storyline.analyze([EXAMPLE_DIR], db=tmp_path / "rounds.db", settings=rounds)
    assert as_it_goes.windowed  # whole at 2 and 4 articles, around the fifth
    assert as_it_goes.story_count == once.story_count
    assert {frozenset(s.articles) for s in as_it_goes.stories} <= {
        frozenset(s.articles) for s in once.stories
    }
    with Store(tmp_path / "once.db") as a, Store(tmp_path / "rounds.db") as b:
        assert grouping(b.load_corpus())["stories"] == grouping(a.load_corpus())["stories"]


# -- quote groups with renderings outside the neighbourhood ------------------------------------

OLD_A, OLD_B = Ref("old", 0, 5), Ref("old", 10, 15)  # outside the window
NEW_A, NEW_B, NEW_C = Ref("new", 0, 5), Ref("new", 10, 15), Ref("new", 20, 25)


def putin(group_id: str, *quotes: Ref) -> QuoteGroup:
    return QuoteGroup(group_id, "e-putin", "Vladimir Putin", quotes)


def test_a_stored_group_never_joins_two_groups_found_apart() -> None:
    """Joining two found groups through a stored group holding renderings of both would chain
    what the regrouping kept apart (issue 24): the renderings outside go with the found group
    holding most of the stored group's renderings, under its id."""
    stored = [putin("g-stored", OLD_A, NEW_A, NEW_B, NEW_C)]
    found = [putin("g-ab", NEW_A, NEW_B), putin("g-c", NEW_C)]
    joined = joined_groups(found, stored, {"new"})
    assert {g.id: g.quotes for g in joined} == {
        "g-stored": (OLD_A, NEW_A, NEW_B),
        "g-c": (NEW_C,),
    }


def test_a_found_group_takes_the_renderings_outside_of_one_stored_group() -> None:
    """Two stored groups' renderings outside were never compared with each other: a found
    group holding renderings of both takes one's (ties by id), the other's stay apart."""
    stored = [putin("g-1", OLD_A, NEW_A), putin("g-2", OLD_B, NEW_B)]
    joined = joined_groups([putin("g-new", NEW_A, NEW_B)], stored, {"new"})
    assert {g.id: g.quotes for g in joined} == {"g-1": (OLD_A, NEW_A, NEW_B), "g-2": (OLD_B,)}


def test_joined_groups_keep_distinct_ids() -> None:
    """A found group hashed from a stored group's first rendering, while another found group
    takes that stored group's id, gets an id of its own."""
    stored = [putin("g-1", NEW_A, NEW_B, NEW_C)]
    found = [putin("g-1", NEW_A), putin("g-2", NEW_B, NEW_C)]
    joined = joined_groups(found, stored, {"new"})
    assert len({g.id for g in joined}) == 2
    assert next(g for g in joined if g.id == "g-1").quotes == (NEW_B, NEW_C)
    assert next(g for g in joined if g.id != "g-1").quotes == (NEW_A,)
