"""Shared fixtures: real articles (the bundled example) and small builders."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from storyline.ids import content_id
from storyline.records import Article, Corpus, Document, Entity, PubDate, Span
from storyline.settings import Settings, default_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "examples" / "russia-hamas"
DATA_DIR = Path(__file__).resolve().parent / "data"


def paragraphs(text: str) -> tuple[Span, ...]:
    """Every non-blank block of ``text`` as a span: a naive body, for tests of later stages."""
    return tuple(
        Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text)
    )


def dropped_reasons(article: Article) -> dict[str, str]:
    """Each dropped part's text, with the reason cleaning gave for dropping it."""
    return {d.span.of(article.text): d.reason for d in article.dropped}


def make_article(
    text: str,
    article_id: str | None = None,
    published: PubDate | None = None,
    title: str | None = None,
    outlet: str | None = None,
) -> Article:
    """An article whose body is every paragraph of ``text`` (no cleaning)."""
    return Article(
        id=article_id or content_id("a", text),
        source=f"test:{article_id or 'inline'}",
        text=text,
        body=paragraphs(text),
        title=title,
        outlet=outlet,
        published=published,
    )


@pytest.fixture(scope="session")
def settings() -> Settings:
    return default_settings()


@pytest.fixture(scope="session")
def example_texts() -> dict[str, str]:
    """The five seed articles of the bundled example, by file name."""
    return {p.name: p.read_text("utf-8") for p in sorted(EXAMPLE_DIR.glob("*.txt"))}


@pytest.fixture(scope="session")
def analyzed_example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the bundled example is analysed into by ``storyline.analyze`` (once for every
    seed test and every view over it: they only read it)."""
    import storyline

    db = tmp_path_factory.mktemp("seeds") / "storyline.db"
    storyline.analyze([EXAMPLE_DIR], db=db)
    return db


@pytest.fixture(scope="session")
def analyzed_example(analyzed_example_db: Path) -> Corpus:
    """The bundled example through ``storyline.analyze``, as ``storyline.load`` reads it back."""
    import storyline

    return storyline.load(analyzed_example_db)


def seed_document(corpus: Corpus, number: str) -> Document:
    """Seed ``number`` ("000" … "004") of the bundled example, found by its file name."""
    (document,) = (d for d in corpus.documents if Path(d.article.source).name.startswith(number))
    return document


def span_of(text: str, snippet: str, occurrence: int = 0) -> Span:
    """The span of the ``occurrence``-th ``snippet`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(snippet, start + 1)
    return Span(start, start + len(snippet))


def entity_of(corpus: Corpus, article_id: str, snippet: str, occurrence: int = 0) -> Entity:
    """The entity of the mention at the ``occurrence``-th ``snippet`` of an article."""
    text = corpus.document(article_id).article.text
    found = corpus.entity_at(article_id, span_of(text, snippet, occurrence))
    assert found is not None, f"no entity at {snippet!r} in {article_id}"
    return found


def store_as_written_by(path: Path, version: int, rows: list[tuple[str, tuple[Any, ...]]]) -> None:
    """A store at ``path`` as schema ``version`` wrote it (only the first ``version``
    migrations run), holding ``rows``: (table, row), each row with that schema's columns."""
    import storyline.store.schema as schema
    from storyline.store.store import Store

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:version])
        with Store(path) as store:
            for table, row in rows:
                marks = ",".join("?" * len(row))
                store._db.execute(f"INSERT INTO {table} VALUES ({marks})", row)
            assert store.schema_version() == version


def annotate(documents: list[Document]) -> list[Document]:
    """Run the packaged NLP and embedding stages over documents (real models)."""
    from storyline.annotate.embed import EmbedStage
    from storyline.annotate.nlp import NlpStage

    s = default_settings()
    return EmbedStage(s.embed)(NlpStage()(documents))


def assert_a_bad_article_is_lost_alone(settings: Settings) -> None:
    """Two batches annotated where ``settings`` send them (worker processes, a Dask cluster):
    the second holds an article the NLP stage refuses, and only that article is lost."""
    from storyline.pipeline.workers import annotated_batches
    from storyline.records import ReadFailure

    good = Article(id="good", source="good.txt", text="The council met on Monday.",
                   body=(Span(0, 26),))  # fmt: skip
    huge = "word " * 250_000  # past spaCy's max_length: the NLP stage refuses it
    bad = Article(id="bad", source="bad.txt", text=huge, body=(Span(0, len(huge) - 1),))
    failures: list[ReadFailure] = []
    batches = iter([[good], [bad, good]])
    documents = list(annotated_batches(batches, settings, failures))
    assert [[d.article.id for d in batch] for batch in documents] == [["good"], ["good"]]
    assert [f.source for f in failures] == ["bad.txt"]


def assert_same_results(loaded: Corpus, saved: Corpus) -> None:
    """A corpus read back from a store holds the cross-article results that were saved."""
    assert loaded.duplicate_of == saved.duplicate_of
    assert loaded.entities == saved.entities
    assert loaded.stories == saved.stories
    assert loaded.threads == saved.threads
    assert loaded.quote_groups == saved.quote_groups


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server's URL: STORYLINE_TEST_POSTGRES (CI starts one), else a throwaway
    server started here for the session (tests/pg_server.py)."""
    given = os.environ.get("STORYLINE_TEST_POSTGRES")
    if given:
        yield given
        return
    import pg_server

    try:
        pg_server.binaries()
    except pg_server.NoPostgres as exc:
        pytest.skip(str(exc))
    # Not under pytest's own temporary folder: as root the server runs as nobody, who must be
    # able to reach its folder (/tmp is open to all).
    directory = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    try:
        yield pg_server.start(directory)
    finally:
        pg_server.stop(directory)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped after the test."""
    with fresh_database(postgres_server) as url:
        yield url


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    import psycopg

    name = f"storyline_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The API's error body of ``response``, checked to have its one shape and ``status``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def comparable_dump(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A store's content (``Store.dump``) without its generation counter, which counts
    writes, not content."""
    state = [row for row in dump["store_state"] if row[0] != "generation"]
    return {**dump, "store_state": state}


# -- Markers --------------------------------------------------------------------------------

#: Markers a test gets from a fixture it uses, directly or through another fixture. The
#: bad-input batch of test_bad_input.py (30 bad inputs, a 50 MB file among them) takes seconds.
MARKER_OF_FIXTURE = {"postgres_server": "postgres", "browser": "browser", "bad_batch": "slow"}
#: Tests with any of these markers are slow too, so `pytest -m "not slow"` leaves them out.
SLOW_KINDS = ("postgres", "browser", "dask", "quality", "crash", "processes")


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in fixtures:
                item.add_marker(marker)
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker("slow")
