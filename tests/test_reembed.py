"""A store whose articles another model embedded (an earlier storyline's all-MiniLM-L6-v2,
384 dimensions): the store records each embedding's model, and the pipeline embeds the
others again before any grouping, then regroups the store whole."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import storyline.store.schema as schema
from conftest import comparable_dump
from storyline.annotate.embed import DIMENSIONS, EMBEDDING_MODEL, MINILM_DIMENSIONS
from storyline.cli import app
from storyline.pipeline.analyze import analyze
from storyline.records import Document
from storyline.settings import load_settings
from storyline.store.rows import Float32Blob, article_row, quote_row, timex_row
from storyline.store.store import PostgresStore, Store

#: The last schema without the embedding's model.
BEFORE = 12
OLD = ("000", "001", "002")  # the seeds an earlier storyline stored; the other two are new


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("pgvector", marks=pytest.mark.postgres),
        pytest.param("bytea", marks=pytest.mark.postgres),
    ]
)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Where a new store goes, and how it keeps embeddings: a SQLite file, or a PostgreSQL
    database (as pgvector vectors or as bytea)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db"), "blob"
    return str(request.getfixturevalue("postgres_url")), request.param


@pytest.fixture(scope="module")
def seeds(analyzed_example_db: Path) -> list[Document]:
    """The five seeds as an ``analyze`` stored them (no inferred dates)."""
    with Store(analyzed_example_db) as store:
        return store.load_documents()


def old_store(db: str, documents: list[Document], kind: str = "blob") -> None:
    """A store as schema 12 wrote it, holding ``documents`` with 384-dimension embeddings and
    one story over them whose profile was made from those embeddings."""
    rng = np.random.default_rng(0)
    old = [o for o in documents if Path(o.article.source).name.startswith(OLD)]
    rows: list[tuple[str, tuple[Any, ...]]] = []
    for d in old:
        vector = rng.normal(size=MINILM_DIMENSIONS).astype(np.float32)
        embedding = Float32Blob((vector / np.linalg.norm(vector)).tobytes())
        rows.append(("articles", (*article_row(d)[:17], embedding, *article_row(d)[18:22])))
        aid = d.article.id
        rows += [("mentions", (aid, m.span.start, m.span.end, m.text, m.type)) for m in d.mentions]
        rows += [("quotes", quote_row(aid, q)) for q in d.quotes or []]
        rows += [("timex", timex_row(aid, t)) for t in d.timex or []]
    rows.append(("stories", ("s-old", "Old", "Old.", None, None, "day")))
    rows += [("story_articles", ("s-old", d.article.id, i)) for i, d in enumerate(old)]
    centroid = np.ones(MINILM_DIMENSIONS, dtype=np.float64).tobytes()
    rows.append(("story_profiles", ("s-old", centroid, "[]", "[]", "[]")))
    rows.append(("store_state", ("profiled", None, "yes")))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:BEFORE])
        opened = Store(db) if kind == "blob" else PostgresStore(db, kind == "pgvector")
        with opened as store:
            for table, row in rows:
                marks = ",".join("?" * len(row))
                store._db.execute(f"INSERT INTO {table} VALUES ({marks})", row)
            if store.embedding_type() == "vector":  # as the first article stored fixed it
                store._db.execute("ALTER TABLE articles ALTER COLUMN embedding TYPE vector(384)")
            assert store.schema_version() == BEFORE


def embeddings(db: str) -> dict[str, tuple[int, str | None]]:
    """Each stored article's embedding: its dimensions and its model."""
    with Store(db) as store:
        return {
            d.article.id: (len(d.embedding) if d.embedding is not None else 0, d.embedding_model)
            for d in store.load_documents()
        }


def test_analyze_embeds_again_what_another_model_embedded_and_regroups_whole(
    db: tuple[str, str], seeds: list[Document], analyzed_example_db: Path
) -> None:
    address, kind = db
    old_store(address, seeds, kind)
    old_ids = {d.article.id for d in seeds if Path(d.article.source).name.startswith(OLD)}
    # Opening migrates: the old articles' model is not known.
    assert embeddings(address) == dict.fromkeys(old_ids, (MINILM_DIMENSIONS, None))
    new = [Path(d.article.source) for d in seeds if d.article.id not in old_ids]
    # A store past full_regroup_below is regrouped around new articles, with its stories'
    # profiles: made from the old vectors, they must not be compared with the new ones.
    settings = load_settings(pipeline={"full_regroup_below": 0})
    seen: list[str] = []
    result = analyze(new, address, settings, reembedding=seen.append)
    assert result.reembedded == len(old_ids) == len(seen) and len(result.added) == 2
    assert not result.windowed
    assert embeddings(address) == dict.fromkeys(
        {d.article.id for d in seeds}, (DIMENSIONS, EMBEDDING_MODEL)
    )
    with Store(address) as store, Store(analyzed_example_db) as fresh:
        # The stories are those of a store that analysed every article with this model (a
        # story keeps the id it had, where it holds the articles it held).
        assert [s.articles for s in store.load_corpus().stories or []] == [
            s.articles for s in fresh.load_corpus().stories or []
        ]
        stored = {d.article.id: d.embedding for d in store.load_documents()}
        made = {d.article.id: d.embedding for d in fresh.load_documents()}
        for aid, vector in stored.items():
            assert np.allclose(vector, made[aid], atol=1e-6), aid
        profiles = store.story_profiles([s.id for s in store.load_corpus().stories or []])
        assert {len(p.centroid) for p in profiles.values()} == {DIMENSIONS}
        if store.embedding_type().startswith("vector"):
            assert store.embedding_type() == f"vector({DIMENSIONS})"
        before = comparable_dump(store.dump())
    # Again: nothing is embedded again, nothing changes.
    again = analyze(new, address, settings, reembedding=seen.append)
    assert again.reembedded == 0 and len(seen) == len(old_ids)
    with Store(address) as store:
        assert comparable_dump(store.dump()) == before


def test_a_new_store_records_the_model_and_has_nothing_to_embed_again(
    analyzed_example_db: Path,
) -> None:
    with Store(analyzed_example_db) as store:
        assert store.schema_version() == schema.MIGRATIONS[-1][0]
        assert store.count_embedded_otherwise(EMBEDDING_MODEL) == 0
        assert store.count_embedded_otherwise("another-model") == 5
    assert set(embeddings(str(analyzed_example_db)).values()) == {(DIMENSIONS, EMBEDDING_MODEL)}


def test_regroup_embeds_again_and_says_so(tmp_path: Path, seeds: list[Document]) -> None:
    db = str(tmp_path / "old.db")
    old_store(db, seeds)
    result = CliRunner().invoke(app, ["regroup", "--db", db])
    assert result.exit_code == 0, result.output
    assert "re-embedded 3 stored articles" in result.output
    assert set(embeddings(db).values()) == {(DIMENSIONS, EMBEDDING_MODEL)}
    with Store(db) as store:
        assert store.story_count() and store.profiled()
        profiles = store.story_profiles([s.id for s in store.load_corpus().stories or []])
        assert {len(p.centroid) for p in profiles.values()} == {DIMENSIONS}
    again = CliRunner().invoke(app, ["regroup", "--db", db])
    assert again.exit_code == 0 and "re-embedded" not in again.output


def test_a_run_stopped_while_embedding_again_leaves_the_rest_to_the_next(
    tmp_path: Path, seeds: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "old.db")
    old_store(db, seeds)
    settings = load_settings(pipeline={"batch_size": 1, "full_regroup_below": 0})
    replace = Store.replace_embeddings
    calls = [0]

    def stopped_after_one(self: Store, *args: Any) -> None:
        if calls[0]:
            raise KeyboardInterrupt
        calls[0] += 1
        replace(self, *args)

    monkeypatch.setattr(Store, "replace_embeddings", stopped_after_one)
    with pytest.raises(KeyboardInterrupt):
        analyze([], db, settings)
    monkeypatch.undo()
    assert Counter(m for _, m in embeddings(db).values()) == {None: 2, EMBEDDING_MODEL: 1}
    with Store(db) as store:
        assert not store.profiled()  # the next run regroups whole
    assert analyze([], db, settings).reembedded == 2
    assert set(embeddings(db).values()) == {(DIMENSIONS, EMBEDDING_MODEL)}
