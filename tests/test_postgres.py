"""The PostgreSQL store against a real server: the store's contract on both backends,
embeddings as pgvector vectors or bytea, `analyze` into PostgreSQL as into SQLite, writers
running at once, and the web UI over a PostgreSQL store."""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import EXAMPLE_DIR, assert_same_results, fresh_database
from storyline.cli import app
from storyline.errors import StoreError
from storyline.records import (
    Article,
    Corpus,
    Document,
    HttpValidators,
    ReadFailure,
    Span,
    Story,
)
from storyline.store.store import Store, StoreWatch
from test_store import _corpus, _same, documents

runner = CliRunner()

#: Tables whose rows differ by backend: SQLite's FTS5 index (and its shadow tables, and the
#: article of each of its rows) is a tsvector column in PostgreSQL.
SEARCH_TABLES = {"article_search", "search_rows"}
#: Tables written once per article; the rest are cross-article results.
ARTICLE_TABLES = {"articles", "mentions", "quotes", "timex"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store's address on each backend: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("postgres_url"))


def comparable(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A store's rows that both backends keep alike."""
    return {t: rows for t, rows in dump.items() if not t.startswith(tuple(SEARCH_TABLES))}


def text_document(article_id: str, text: str, title: str | None = None) -> Document:
    return Document(
        Article(
            id=article_id,
            source=f"{article_id}.txt",
            text=text,
            title=title,
            body=(Span(0, len(text)),),
        )
    )


# -- the store's contract, on both backends ---------------------------------------------------

_example = itertools.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(documents(), min_size=1, max_size=3, unique_by=lambda d: d.article.id))
def test_documents_round_trip_and_saving_again_changes_nothing(
    db: str, docs: list[Document]
) -> None:
    # PostgreSQL's text cannot hold NUL (the readers refuse files with one as binary).
    assume(db.endswith(".db") or "\\x00" not in repr(docs))
    # One store for every example: each example's ids are its own.
    n = next(_example)
    docs = [
        dataclasses.replace(d, article=dataclasses.replace(d.article, id=f"{n}-{d.article.id}"))
        for d in docs
    ]
    with Store(db) as store:
        store.save_documents(docs)
        loaded = {d.article.id: d for d in store.load_documents([d.article.id for d in docs])}
        assert set(loaded) == {d.article.id for d in docs}
        for doc in docs:
            assert _same(doc, loaded[doc.article.id])
            assert loaded[doc.article.id].embedding.dtype == np.float32  # type: ignore[union-attr]
        before = store.dump()
        store.save_documents(docs)  # re-ingesting is a no-op
        assert store.dump() == before


def test_corpus_round_trip_replace_and_stale_results(db: str) -> None:
    docs = [text_document(i, "Putin spoke.") for i in "ab"]
    corpus = _corpus(docs)
    with Store(db) as store:
        store.save_documents(docs)
        store.save_corpus(corpus)
        once = store.dump()
        store.save_corpus(corpus)  # the same results: nothing written, nothing duplicated
        assert store.dump() == once
        loaded = store.load_corpus()
        assert_same_results(loaded, corpus)
        # Results over fewer articles than are stored (a writer that read before another
        # stored more) do not replace results over all of them.
        store.save_documents([text_document("c", "Hamas answered.")])
        stale = Corpus(docs, stories=[Story("s9", ("a", "b"), "Stale", "Stale.", None, None)])
        store.save_corpus(stale)
        assert [s.id for s in store.load_corpus().stories or []] == ["s1"]


def test_search_takes_words_as_text_ignoring_case_and_accents(db: str) -> None:
    with Store(db) as store:
        store.save_documents(
            [
                text_document("a1", "Kalugin said Moscow hoped to bring Hamas up.", "Envoy speaks"),
                text_document("a2", "Škoda opened a plant near Москва.", "Car maker"),
                text_document("a3", "Hamas and Fatah met in Cairo.", None),
            ]
        )
        assert store.search("kalugin HAMAS") == ["a1"]
        assert store.search("envoy") == ["a1"]  # titles are searched too
        assert sorted(store.search("hamas")) == ["a1", "a3"]
        assert len(store.search("hamas", limit=1)) == 1
        assert store.search("skoda") == ["a2"] and store.search("москва") == ["a2"]
        assert store.search("Putin") == []
        for syntax in ['" OR * NEAR(', "hamas OR putin", "hamas -fatah", "*", "", "'"]:
            found = store.search(syntax)  # words, never query syntax: no error
            assert found == [] or (syntax == "hamas -fatah" and sorted(found) == ["a3"])


def test_the_generation_moves_with_what_readers_see_only(db: str) -> None:
    docs = [text_document("g1", "One."), text_document("g2", "Two.")]
    with Store(db) as store:
        watch = StoreWatch(db)
        start = watch.generation()
        store.save_documents(docs)
        assert watch.generation() == start + 1
        store.save_documents(docs)  # nothing new
        store.save_text_vectors({"k": np.ones(3, dtype=np.float32)})
        assert watch.generation() == start + 1
        store.save_corpus(Corpus(docs))
        assert watch.generation() == store.generation() == start + 2
        watch.close()


def test_cached_vectors_validators_and_failures(db: str) -> None:
    vector = np.array([0.1, -2.0, 3.5], dtype=np.float32)
    with Store(db) as store:
        store.save_text_vectors({"m:one": vector, "m:two": vector * 2})
        store.save_text_vectors({"m:one": vector * 9})  # a cached vector is kept, not replaced
        got = store.text_vectors(["m:one", "m:two", "m:none"])
        assert set(got) == {"m:one", "m:two"} and np.array_equal(got["m:one"], vector)
        assert got["m:two"].dtype == np.float32

        assert store.http_validators("https://x.org/feed") is None
        store.save_http_validators({"https://x.org/feed": HttpValidators('"v1"', None)})
        store.save_http_validators({"https://x.org/feed": HttpValidators('"v2"', "Mon")})
        assert store.http_validators("https://x.org/feed") == HttpValidators('"v2"', "Mon")

        store.record_failures([ReadFailure("x.bin", "binary file")])
        store.record_failures([ReadFailure("x.bin", "binary file, again"), ReadFailure("a", "b")])
        assert store.failures() == [
            ReadFailure("a", "b"),
            ReadFailure("x.bin", "binary file, again"),
        ]


def test_articles_are_found_by_a_unique_beginning_of_their_id(db: str) -> None:
    from storyline.errors import NotFound

    with Store(db) as store:
        store.save_documents([text_document(i, "Text.") for i in ("abc1", "abc2", "b_%")])
        assert store.find_article("abc1").article.id == "abc1"
        assert store.find_article("b_").article.id == "b_%"  # no pattern characters
        with pytest.raises(NotFound, match="several"):
            store.find_article("abc")
        with pytest.raises(NotFound, match="no article id begins"):
            store.find_article("zz")


def test_export_vectors_are_the_stored_embeddings(db: str) -> None:
    values = np.array([1 / 3, 1e-30, -2.5, 7, np.float32(0.1) * 3, 65504.0], dtype=np.float32)
    docs = [text_document("v1", "One."), text_document("v2", "Two."), text_document("v3", "3.")]
    docs[0].embedding, docs[1].embedding = values, values[::-1].copy()  # v3 has none
    with Store(db) as store:
        store.save_documents(docs)
    result = runner.invoke(app, ["export", "--vectors", "--db", db])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["v3"]["vector"] is None
    exported = {k: np.array(rows[k]["vector"], dtype=np.float32) for k in ("v1", "v2")}
    for doc in docs[:2]:
        assert exported[doc.article.id].tobytes() == np.asarray(doc.embedding).tobytes()
    assert exported["v1"] @ exported["v2"] == values @ values[::-1]


# -- PostgreSQL's own -------------------------------------------------------------------------


@pytest.mark.parametrize("pgvector", [True, False], ids=["pgvector", "bytea"])
def test_embeddings_come_back_as_the_float32_arrays_stored(
    postgres_url: str, tmp_path: Path, pgvector: bool
) -> None:
    from storyline.store.store import PostgresStore

    values = np.array([1 / 3, 1e-30, -2.5, 7, np.float32(0.1) * 3, 65504.0], dtype=np.float32)
    docs = [text_document("e1", "One."), text_document("e2", "Two."), text_document("e3", "3.")]
    docs[0].embedding, docs[1].embedding = values, -values  # e3 has none
    with PostgresStore(postgres_url, pgvector=pgvector) as store:
        assert store.embedding_type() == ("vector" if pgvector else "bytea")
        store.save_documents(docs)
        assert store.embedding_type() == ("vector(6)" if pgvector else "bytea")
        loaded = {d.article.id: d.embedding for d in store.load_documents()}
        postgres_rows = store.dump()["articles"]
    with Store(postgres_url) as again:  # the type is the store's, whoever opens it
        assert again.embedding_type() == ("vector(6)" if pgvector else "bytea")
    assert loaded["e3"] is None
    for doc in docs[:2]:
        got = loaded[doc.article.id]
        assert got is not None and got.dtype == np.float32
        assert got.tobytes() == np.asarray(doc.embedding).tobytes()  # exact, bit for bit
    with Store(tmp_path / "s.db") as sqlite:
        sqlite.save_documents(docs)
        assert sqlite.dump()["articles"] == postgres_rows


def test_stores_opened_at_once_migrate_once(postgres_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def open_one(_: int) -> int:
        with Store(postgres_url) as store:
            return store.schema_version()

    with ThreadPoolExecutor(4) as pool:
        assert len(set(pool.map(open_one, range(4)))) == 1


def test_a_store_from_a_newer_storyline_is_refused(postgres_url: str) -> None:
    import psycopg

    Store(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (999, 'future')")
    with pytest.raises(StoreError, match="newer storyline"):
        Store(postgres_url)


def test_an_unreachable_server_is_one_line_with_the_password_masked() -> None:
    url = "postgresql://reader:hunter2@127.0.0.1:1/news?connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        Store(url)
    message = str(caught.value)
    assert message.startswith("postgresql://reader:***@127.0.0.1:1/news")
    assert "cannot open the store" in message and "\n" not in message
    assert "hunter2" not in message
    result = runner.invoke(app, ["stories", "--db", url.replace("postgresql", "postgres")])
    assert result.exit_code == 1
    assert (
        result.output.startswith("error: postgres://reader:***@") and "hunter2" not in result.output
    )


def test_without_the_driver_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "storyline.store.postgres", raising=False)
    with pytest.raises(StoreError, match=r"pip install 'storyline\[postgres\]'"):
        Store("postgresql://me:secret@db.example/news")


# -- the whole flow -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_module_url(postgres_server: str) -> Iterator[str]:
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="module")
def both_analyzed(
    tmp_path_factory: pytest.TempPathFactory, postgres_module_url: str
) -> tuple[str, str]:
    """The bundled example analysed through the CLI into SQLite and into PostgreSQL."""
    sqlite = str(tmp_path_factory.mktemp("pg-vs-sqlite") / "storyline.db")
    for db in (sqlite, postgres_module_url):
        result = runner.invoke(app, ["analyze", str(EXAMPLE_DIR), "--db", db, "-q"])
        assert result.exit_code == 0, result.output
        assert "5 new articles" in result.output
    return sqlite, postgres_module_url


def test_analyze_into_postgres_stores_what_it_stores_in_sqlite(
    both_analyzed: tuple[str, str],
) -> None:
    sqlite, postgres = both_analyzed
    with Store(sqlite) as a, Store(postgres) as b:
        assert b.embedding_type() == "vector(512)"
        expected, got = comparable(a.dump()), comparable(b.dump())
    assert set(got) == set(expected)
    for table in expected:
        assert got[table] == expected[table], table
    assert len(got["articles"]) == 5 and len(got["stories"]) == 3


def test_show_export_and_stories_read_postgres_as_sqlite(both_analyzed: tuple[str, str]) -> None:
    sqlite, postgres = both_analyzed
    with Store(sqlite) as store:
        corpus = store.load_corpus()
    story, thread = (corpus.stories or [])[0].id, (corpus.threads or [])[0].id
    putin = next(e.id for e in corpus.entities or [] if e.name == "Vladimir Putin")
    for command in (
        ["stories"],
        ["show", story[:6]],
        ["show", "--article", "ade230d8"],
        ["export", "--format", "stories"],
        ["export", "--format", "jsonl"],
        ["export", "--format", "jsonl", "--vectors"],
        ["timeline", "--format", "jsonl"],
        ["timeline", "--query", "Moscow", "--since", "2006-02-01"],
        ["timeline", "--thread", thread[:6]],
        ["timeline", "--entity", putin],
    ):
        expected = runner.invoke(app, [*command, "--db", sqlite])
        got = runner.invoke(app, [*command, "--db", postgres])
        assert expected.exit_code == got.exit_code == 0, got.output
        assert got.stdout == expected.stdout, command


def test_the_web_ui_serves_a_story_from_postgres(both_analyzed: tuple[str, str]) -> None:
    from storyline.serve.app import create_app

    _, postgres = both_analyzed
    with TestClient(create_app(postgres)) as client:
        items = client.get("/api/stories", params={"q": "Kalugin"}).json()["items"]
        invitation = next(i for i in items if i["title"] == "Putin to invite Hamas to Moscow")
        assert invitation["articles"] == 3
        page = client.get(f"/stories/{invitation['id']}")
        assert page.status_code == 200
        assert "Putin to invite Hamas to Moscow" in page.text and "Al Jazeera" in page.text
        assert client.get("/").status_code == 200


def test_the_api_and_pages_answer_from_postgres_as_from_sqlite(
    both_analyzed: tuple[str, str],
) -> None:
    """Each answer reads its own slice of the store by the views' queries, on either backend."""
    from storyline.serve.app import create_app

    sqlite, postgres = both_analyzed
    with Store(sqlite) as store:
        corpus = store.load_corpus()
    putin = next(e.id for e in corpus.entities or [] if e.name == "Vladimir Putin")
    paths = ["/api/outlets", "/", "/?q=Moscow", "/?q=%22"]
    for query in (
        "",
        "q=Kalugin",
        "q=Hamas Moscow",
        "since=2006-02&until=2006-12",
        "since=2007",
        "outlet=Reuters",
        "outlet=unknown",
        f"entity={putin}",
        "offset=1&limit=1",
    ):
        paths.append(f"/api/stories?{query}")
    for story in corpus.stories or []:
        paths += [f"/api/stories/{story.id}", f"/stories/{story.id}"]
    for document in corpus.documents:
        paths += [f"/api/articles/{document.article.id}", f"/articles/{document.article.id}"]
    for entity in [*(corpus.entities or [])[:10], corpus.entity(putin)]:
        assert entity is not None
        paths += [f"/api/entities/{entity.id}", f"/entities/{entity.id}"]
    with TestClient(create_app(sqlite)) as a, TestClient(create_app(postgres)) as b:
        for path in paths:
            expected, got = a.get(path), b.get(path)
            assert got.status_code == expected.status_code == 200, path
            assert got.text == expected.text, path


# -- several writers at once --------------------------------------------------------------------


def test_a_replacement_of_the_results_waits_for_the_one_under_way(db: str) -> None:
    """Two writers replacing the cross-article results at once: the second waits for the
    first to commit, then replaces its rows (none lost, none colliding)."""
    import threading

    docs = [text_document(i, "Putin spoke.") for i in "ab"]
    first, second = _corpus(docs), _corpus(docs)
    assert second.stories is not None
    second.stories = [dataclasses.replace(second.stories[0], title="The second's title")]
    errors: list[BaseException] = []

    def replace() -> None:
        try:
            with Store(db) as store:  # its own connection, made in its thread
                store.save_corpus(second)
        except BaseException as exc:
            errors.append(exc)

    with Store(db) as one:
        one.save_documents(docs)
        waiter = threading.Thread(target=replace)
        with one._transaction():
            one._replace_corpus(*_rows_and_digest(first), covered=2)
            waiter.start()
            waiter.join(1.0)
            assert waiter.is_alive()  # it waits for this writer's commit
        waiter.join(30)
        assert not errors, errors
        assert [s.title for s in one.load_corpus().stories or []] == ["The second's title"]
        assert len(one.dump()["story_articles"]) == 2


def _rows_and_digest(corpus: Corpus) -> tuple[dict[str, list[tuple[Any, ...]]], str]:
    from storyline.store.rows import corpus_rows, digest

    rows = corpus_rows(corpus)
    return rows, digest(rows)


@pytest.mark.processes
def test_writers_running_at_once_lose_and_duplicate_nothing(
    db: str, both_analyzed: tuple[str, str]
) -> None:
    """Three `analyze` processes at once, on overlapping inputs given in different orders:
    each article is stored once, as one process alone stores it, and the cross-article
    results are over all of them (a later run finds nothing to change)."""
    files = sorted(EXAMPLE_DIR.glob("*.txt"))
    shares = [files[0:3], files[2:5][::-1], [files[4], files[0], files[3]]]
    analyze_at_once(shares, db)

    with Store(both_analyzed[0]) as alone, Store(db) as store:
        expected, got = alone.dump(), store.dump()
        corpus = store.load_corpus()
    for table in ARTICLE_TABLES:
        assert got[table] == expected[table], table  # each article once, as stored alone
    in_stories = sorted(a for s in corpus.stories or [] for a in s.articles)
    assert in_stories == sorted(d.article.id for d in corpus.documents)  # each in one story
    in_threads = sorted(s for t in corpus.threads or [] for s in t.stories)
    assert in_threads == sorted(s.id for s in corpus.stories or [])

    again = runner.invoke(app, ["analyze", str(EXAMPLE_DIR), "--db", db, "-q"])
    assert "0 new articles, 5 already stored" in again.output, again.output
    with Store(db) as store:
        assert comparable(store.dump()) == comparable(got)  # nothing left to regroup


@pytest.mark.processes
def test_writers_regrouping_around_their_articles_at_once_leave_one_story_each(
    db: str, tmp_path: Path
) -> None:
    """As above, in a store regrouped around new articles (full_regroup_below = 0): a writer
    whose window another writer changed meanwhile regroups again, so no article is left
    without a story, or in two."""
    config = tmp_path / "window.toml"
    config.write_text("[pipeline]\nfull_regroup_below = 0\n", "utf-8")
    files = sorted(EXAMPLE_DIR.glob("*.txt"))
    first = runner.invoke(app, ["analyze", *map(str, files[:2]), "--db", db, "-q"])
    assert first.exit_code == 0, first.output
    shares = [files[2:4], files[3:5][::-1], [files[4], files[2]]]
    analyze_at_once(shares, db, "--config", str(config))
    with Store(db) as store:
        corpus = store.load_corpus()
    assert len(corpus.documents) == 5
    in_stories = sorted(a for s in corpus.stories or [] for a in s.articles)
    assert in_stories == sorted(d.article.id for d in corpus.documents)
    in_threads = sorted(s for t in corpus.threads or [] for s in t.stories)
    assert in_threads == sorted(s.id for s in corpus.stories or [])
    known = {d.article.id for d in corpus.documents}
    assert {r.article for e in corpus.entities or [] for r in e.mentions} <= known


def analyze_at_once(shares: list[list[Path]], db: str, *options: str) -> None:
    """One `storyline analyze` process per share of the inputs, all at once; each must end
    well."""
    command = [sys.executable, "-m", "storyline", "analyze", *options, "-q", "--db", db]
    writers = [
        subprocess.Popen(
            [*command, *map(str, share)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for share in shares
    ]
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    assert [w.returncode for w in writers] == [0] * len(writers), outputs
