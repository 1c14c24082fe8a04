"""The SQLite store: one file, WAL, schema migrations in code, content-hash ids.

``Store(db)`` opens a SQLite file for a path and a PostgreSQL store
(:mod:`storyline.store.postgres`) for a ``postgresql://`` URL: one interface, one SQL,
spelled as SQLite spells it and translated there.

Per-article results (the article, its body spans, sentences, mentions, quotes, time
expressions, embedding) are written once per article id and never rewritten: re-ingesting
the same input is a no-op. Cross-article results (duplicates, entities, stories, threads,
quote groups) are derived from all articles and replaced as a whole, in one transaction,
each time they are recomputed (:meth:`Store.save_corpus`); because every stage is
deterministic, recomputing them over the same articles writes the same rows. A large store
is regrouped around new articles instead (:mod:`storyline.group.window`): the results of that
neighbourhood are replaced, in one transaction, and the rest stay as they are
(:meth:`Store.save_window`).

This module and :mod:`storyline.store.postgres` are the only ones that know SQL; records go
in and come out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import numpy as np

from storyline.errors import NotFound, StoreError
from storyline.records import (
    Article,
    Corpus,
    Document,
    Dropped,
    Entity,
    HttpValidators,
    Mention,
    NamedDate,
    Precision,
    PubDate,
    Quote,
    QuoteGroup,
    ReadFailure,
    Ref,
    Span,
    Story,
    StoryProfile,
    Thread,
    ThreadLink,
    TimeRef,
    TimexType,
)

DEFAULT_PATH = "storyline.db"

#: What ``--db`` takes besides a path: a PostgreSQL connection URL.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_url(db: str | Path) -> bool:
    """Whether ``db`` names a PostgreSQL store (a URL) rather than a SQLite file (a path)."""
    return isinstance(db, str) and db.startswith(POSTGRES_SCHEMES)


def display_name(db: str | Path) -> str:
    """``db`` as messages show it: a URL with its password masked, or the path."""
    return _masked(db) if is_url(db) else str(db)


def _masked(url: str | Path) -> str:
    """``url`` with any password in it (``user:PASSWORD@``, ``?password=``) shown as ***."""
    parts = urlsplit(str(url))
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = "&".join(
        f"{key}=***" if key == "password" else f"{key}={value}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _postgres_store_class(url: str) -> type[Store]:
    try:
        from storyline.store.postgres import PostgresStore
    except ModuleNotFoundError as exc:
        if exc.name != "psycopg":
            raise
        raise StoreError(
            f"{_masked(url)}: a PostgreSQL store needs the psycopg driver: "
            "pip install 'storyline[postgres]'"
        ) from exc
    return PostgresStore


def one_line(exc: BaseException) -> str:
    """An error's message on one line (PostgreSQL's come with DETAIL and HINT lines)."""
    return " ".join(str(exc).split())


class Float32Blob(bytes):
    """An article's embedding as float32 bytes: a BLOB in SQLite; PostgreSQL with pgvector
    stores it as a ``vector`` (the type tells its driver to)."""


_SCHEMA_V1 = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    published TEXT,
    published_precision TEXT,
    published_origin TEXT,
    published_inferred INTEGER NOT NULL DEFAULT 0,
    byline TEXT,
    dateline TEXT,
    agencies TEXT NOT NULL,
    url TEXT,
    body TEXT NOT NULL,
    highlights TEXT NOT NULL,
    dropped TEXT NOT NULL,
    sentences TEXT NOT NULL,
    embedding BLOB
);
CREATE TABLE mentions (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL,
    PRIMARY KEY (article, start, end, type)
);
CREATE TABLE quotes (
    article TEXT NOT NULL REFERENCES articles(id),
    content_start INTEGER NOT NULL, content_end INTEGER NOT NULL,
    cue_start INTEGER, cue_end INTEGER,
    speaker_start INTEGER, speaker_end INTEGER,
    speaker_name TEXT,
    direct INTEGER NOT NULL,
    PRIMARY KEY (article, content_start, content_end)
);
CREATE TABLE timex (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL, value TEXT,
    PRIMARY KEY (article, start, end)
);
CREATE TABLE duplicates (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    duplicate_of TEXT NOT NULL REFERENCES articles(id)
);
CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE entity_aliases (
    entity TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (entity, alias)
);
CREATE TABLE entity_mentions (
    entity TEXT NOT NULL REFERENCES entities(id),
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (entity, article, start, end)
);
CREATE INDEX entity_mentions_by_article ON entity_mentions(article);
CREATE TABLE stories (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
    start TEXT, end TEXT, precision TEXT NOT NULL
);
CREATE TABLE story_articles (
    story TEXT NOT NULL REFERENCES stories(id),
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL, PRIMARY KEY (story, article)
);
CREATE TABLE threads (id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE thread_stories (
    thread TEXT NOT NULL REFERENCES threads(id),
    story TEXT NOT NULL REFERENCES stories(id),
    position INTEGER NOT NULL, PRIMARY KEY (thread, story)
);
CREATE TABLE thread_links (
    thread TEXT NOT NULL REFERENCES threads(id),
    earlier TEXT NOT NULL, later TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (thread, earlier, later)
);
CREATE TABLE quote_groups (
    id TEXT PRIMARY KEY, speaker_entity TEXT, speaker_name TEXT
);
CREATE TABLE quote_group_members (
    grp TEXT NOT NULL REFERENCES quote_groups(id),
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (grp, article, start, end)
);
CREATE TABLE failures (source TEXT PRIMARY KEY, reason TEXT NOT NULL);
"""

#: The clause each time expression dates (NULL for articles stored before it was found);
#: the dates stories give undated articles, and those articles' time expressions resolved
#: against them. The last two are cross-article results: the ``articles`` and ``timex`` rows
#: keep what each article states, so that grouping never rests on a date it inferred itself.
_SCHEMA_V2 = """
ALTER TABLE timex ADD COLUMN event_start INTEGER;
ALTER TABLE timex ADD COLUMN event_end INTEGER;
CREATE TABLE inferred_dates (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    published TEXT NOT NULL, precision TEXT NOT NULL, origin TEXT NOT NULL
);
CREATE TABLE inferred_timex (
    article TEXT NOT NULL REFERENCES inferred_dates(article),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL, value TEXT,
    event_start INTEGER, event_end INTEGER,
    PRIMARY KEY (article, start, end)
);
"""

#: Vectors of texts (report sentences, clauses, headlines) by model and text hash: a story is
#: embedded once, then read back (embed.CachedEmbedder). Not a corpus table: a vector stays
#: right whatever the grouping does, so regrouping keeps them.
_SCHEMA_V3 = """
CREATE TABLE text_vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""

#: Full-text search over titles and clean bodies (SQLite FTS5). Rows are added with their
#: articles; a store migrated from an older schema is filled in on opening.
_SCHEMA_V4 = """
CREATE VIRTUAL TABLE article_search USING fts5(
    article UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""

#: A counter of the writes readers see (articles added, cross-article results replaced), so a
#: reader knows when to read again: SQLite's data_version also moves with every other commit,
#: such as the vectors a report caches while it is built. And the digest of the stored
#: cross-article results, so that results equal to them are not written again.
_SCHEMA_V5 = """
CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER, text TEXT);
INSERT INTO store_state (key, value) VALUES ('generation', 0);
"""

#: What servers said identifies the version of a URL they sent (ETag, Last-Modified), sent back
#: on the next request so an unchanged feed costs a 304 (storyline.read.feeds). And articles by
#: source, so a crawl can tell the pages it stored before without fetching them again.
_SCHEMA_V6 = """
CREATE TABLE http_validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
CREATE INDEX articles_by_source ON articles(source);
"""

#: What regrouping only the neighbourhood of new articles needs (storyline.group.window): stored
#: entities by the keys of their names, to give an actor found again its stored id; each
#: story's profile, to thread new stories with every stored one without reading its articles;
#: and indexes from an article to its date, story, quote groups and copies.
_SCHEMA_V7 = """
CREATE TABLE entity_keys (
    key TEXT NOT NULL, entity TEXT NOT NULL REFERENCES entities(id), type TEXT NOT NULL,
    PRIMARY KEY (key, entity)
);
CREATE TABLE story_profiles (
    story TEXT PRIMARY KEY REFERENCES stories(id),
    centroid BLOB NOT NULL, cast_counts TEXT NOT NULL, names TEXT NOT NULL, dates TEXT NOT NULL
);
CREATE INDEX story_articles_by_article ON story_articles(article);
CREATE INDEX quote_group_members_by_article ON quote_group_members(article);
CREATE INDEX duplicates_by_original ON duplicates(duplicate_of);
CREATE INDEX articles_by_published ON articles(published);
CREATE INDEX thread_stories_by_story ON thread_stories(story);
ALTER TABLE thread_links ADD COLUMN cosine DOUBLE PRECISION NOT NULL DEFAULT 0
"""

#: The ingest log: articles stored whose cross-article results are not written yet. An
#: ``analyze`` killed between storing a batch and regrouping leaves them here, and the next run
#: regroups them (their texts are stored, so it would otherwise skip them as already done).
_SCHEMA_V8 = """
CREATE TABLE ungrouped (article TEXT PRIMARY KEY REFERENCES articles(id))
"""

#: The stories holding an article of the temporary table ``marked`` (``Store._marked``).
_STORIES_OF_MARKED = "(SELECT story FROM story_articles WHERE article IN (SELECT id FROM marked))"

_BUMP_GENERATION = "UPDATE store_state SET value = value + 1 WHERE key = 'generation'"
_READ_GENERATION = "SELECT value FROM store_state WHERE key = 'generation'"

#: Migrations in order: (version, description, SQL). Applied ones are recorded in
#: ``schema_migrations``; a store written by a newer storyline is refused rather than damaged.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "initial schema", _SCHEMA_V1),
    (2, "dates inferred from stories", _SCHEMA_V2),
    (3, "cached vectors of report sentences", _SCHEMA_V3),
    (4, "full-text search", _SCHEMA_V4),
    (5, "a generation counter for readers", _SCHEMA_V5),
    (6, "HTTP validators of fetched URLs", _SCHEMA_V6),
    (7, "regrouping the neighbourhood of new articles", _SCHEMA_V7),
    (8, "articles stored but not yet regrouped", _SCHEMA_V8),
)

#: Tables derived from all articles, replaced as a whole by :meth:`Store.save_corpus`.
_CORPUS_TABLES = (
    "story_profiles",
    "entity_keys",
    "inferred_timex",
    "inferred_dates",
    "quote_group_members",
    "quote_groups",
    "thread_links",
    "thread_stories",
    "threads",
    "story_articles",
    "stories",
    "entity_mentions",
    "entity_aliases",
    "entities",
    "duplicates",
)


class _Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class _Database(Protocol):
    """What the store asks of its connection: sqlite3's, or store_postgres's, which takes the
    same SQL."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> _Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> _Cursor: ...
    def close(self) -> None: ...


class _StaleWindow(Exception):
    """Another writer changed the store after a window was read (rolls the write back)."""


class Store:
    """A storyline store in one SQLite file. Use as a context manager, or call :meth:`close`.

    ``Store(url)`` with a ``postgresql://`` URL gives a :class:`~storyline.store_postgres.
    PostgresStore` instead (as ``Path()`` gives a ``PosixPath``), so every caller takes either.
    """

    #: What a write can fail with, turned into :class:`StoreError` (a backend's own errors).
    _errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __new__(cls, path: str | Path = DEFAULT_PATH, *args: Any, **kwargs: Any) -> Store:
        if cls is Store and is_url(path):
            return super().__new__(_postgres_store_class(str(path)))
        return super().__new__(cls)

    def __init__(self, path: str | Path = DEFAULT_PATH) -> None:
        self.path = str(path)
        try:
            self._db: _Database = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._migrate()
            self._fill_search_index()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- schema ------------------------------------------------------------------------------

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, description TEXT)"
        )
        applied = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
        newest = MIGRATIONS[-1][0]
        if applied and max(applied) > newest:
            raise StoreError(
                f"{self.path}: written by a newer storyline (schema {max(applied)} > {newest}); "
                "upgrade storyline"
            )
        for version, description, sql in MIGRATIONS:
            if version not in applied:
                with self._transaction():
                    if self._db.execute(  # applied meanwhile by a store opened at once
                        "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                    ).fetchone():
                        continue
                    for statement in filter(str.strip, sql.split(";")):
                        self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?)", (version, description)
                    )

    def embedding_type(self) -> str:
        """How article embeddings are stored: the column's type as the database spells it."""
        return "BLOB"

    def _watch_connection(self) -> Any:
        """A second connection that reads the generation, usable from any thread."""
        return sqlite3.connect(self.path, check_same_thread=False)

    def schema_version(self) -> int:
        return int(self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0])

    def generation(self) -> int:
        """How many times what readers see has changed (articles added, results replaced)."""
        return int(self._db.execute(_READ_GENERATION).fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    #: How a read-only snapshot begins (SQLite in WAL mode: one deferred transaction).
    _BEGIN_READ = "BEGIN"

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Several reads from one snapshot."""
        self._db.execute(self._BEGIN_READ)
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _write(self, action: Callable[[], object], what: str) -> None:
        try:
            with self._transaction():
                action()
        except self._errors as exc:
            raise StoreError(f"{self.path}: cannot write {what} ({one_line(exc)})") from exc

    # -- cached vectors ----------------------------------------------------------------------

    def text_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those ``keys`` that have one."""
        rows = self._rows_in("SELECT key, vector FROM text_vectors WHERE key IN ({})", keys)
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def _rows_in(self, sql: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql`` (whose ``{}`` takes a list of marks) for each of ``values``,
        asked 500 at a time (SQLite caps the parameters of one statement)."""
        wanted = list(dict.fromkeys(values))
        for begin in range(0, len(wanted), 500):
            chunk = wanted[begin : begin + 500]
            yield from self._db.execute(sql.format(",".join("?" * len(chunk))), chunk)

    def save_text_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()]
        self._write(
            lambda: self._db.executemany(
                "INSERT OR IGNORE INTO text_vectors (key, vector) VALUES (?, ?)", rows
            ),
            "cached vectors",
        )

    # -- articles ----------------------------------------------------------------------------

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored."""
        return {row[0] for row in self._rows_in("SELECT id FROM articles WHERE id IN ({})", ids)}

    def known_sources(self, sources: Iterable[str]) -> set[str]:
        """The subset of ``sources`` (paths, URLs) some stored article was read from."""
        sql = "SELECT source FROM articles WHERE source IN ({})"
        return {row[0] for row in self._rows_in(sql, sources)}

    def save_documents(self, documents: Sequence[Document]) -> None:
        """Store annotated documents in one transaction; an id already stored is left as it is."""
        self._write(lambda: self._insert_documents(documents), f"{len(documents)} articles")

    def _insert_documents(self, documents: Sequence[Document]) -> None:
        added = 0
        for document in documents:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO articles VALUES (" + ",".join("?" * 18) + ")",
                _article_row(document),
            ).rowcount
            if inserted:
                self._insert_annotations(document)
                self._index_text(document.article)
                self._db.execute("INSERT INTO ungrouped VALUES (?)", (document.article.id,))
                added += 1
        if added:
            self._db.execute(_BUMP_GENERATION)

    def _index_text(self, article: Article) -> None:
        self._db.execute(
            "INSERT INTO article_search (article, title, body) VALUES (?, ?, ?)",
            (article.id, article.title or "", article.body_text),
        )

    def _fill_search_index(self) -> None:
        """Index the articles a store written before full-text search holds (once)."""
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        if "article_search" not in tables:
            return  # a schema without search (only tests build one)
        indexed = self._db.execute("SELECT count(*) FROM article_search").fetchone()[0]
        if indexed >= self.article_count():
            return
        done = {row[0] for row in self._db.execute("SELECT article FROM article_search")}
        rows = self._db.execute("SELECT * FROM articles").fetchall()
        missing = [_article_from_row(r) for r in rows if r[0] not in done]

        def index() -> None:
            for article in missing:
                self._index_text(article)

        self._write(index, "the search index")

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Ids of the articles whose title or body hold every word of ``query``, best first
        (all of them, or the best ``limit``).

        The words are quoted for FTS5, so the query is text, never FTS syntax ("AND", "*",
        column filters and unbalanced quotes are words like any other).
        """
        words = [w.replace('"', '""') for w in query.split()]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        rows = self._db.execute(
            "SELECT article FROM article_search WHERE article_search MATCH ?"
            " ORDER BY bm25(article_search) LIMIT ?",
            (match, -1 if limit is None else limit),  # SQLite: a negative LIMIT is none
        )
        return [row[0] for row in rows]

    def _insert_annotations(self, document: Document) -> None:
        aid = document.article.id
        self._db.executemany(
            "INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?)",
            [(aid, m.span.start, m.span.end, m.text, m.type) for m in document.mentions or []],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO quotes VALUES (?,?,?,?,?,?,?,?,?)",
            [_quote_row(aid, q) for q in document.quotes or []],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO timex VALUES (?,?,?,?,?,?,?,?)",
            [_timex_row(aid, t) for t in document.timex or []],
        )

    def story_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM stories").fetchone()[0])

    def article_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def load_documents(self, ids: Iterable[str] | None = None) -> list[Document]:
        """Stored documents (all, or those with ``ids``), ordered by id, annotations included."""
        where, params = self._id_filter("id", ids)
        rows = self._db.execute(f"SELECT * FROM articles{where} ORDER BY id", params).fetchall()
        where, params = self._id_filter("article", ids)
        mentions = self._grouped(
            f"SELECT * FROM mentions{where} ORDER BY article, start, end, type", params
        )
        quotes = self._grouped(
            f"SELECT * FROM quotes{where} ORDER BY article, content_start, content_end", params
        )
        timex = self._grouped(f"SELECT * FROM timex{where} ORDER BY article, start, end", params)
        return [
            Document(
                article=_article_from_row(row),
                sentences=[Span(s, e) for s, e in json.loads(row[16])],
                mentions=[Mention(Span(r[1], r[2]), r[3], r[4]) for r in mentions.get(row[0], [])],
                quotes=[_quote_from_row(r) for r in quotes.get(row[0], [])],
                timex=[_timex_from_row(r) for r in timex.get(row[0], [])],
                embedding=None
                if row[17] is None
                else np.frombuffer(row[17], dtype=np.float32).copy(),
            )
            for row in rows
        ]

    @staticmethod
    def _id_filter(column: str, ids: Iterable[str] | None) -> tuple[str, list[str]]:
        """A WHERE clause keeping rows whose ``column`` is one of ``ids`` (all rows for None)."""
        if ids is None:
            return "", []
        wanted = sorted(set(ids))
        return f" WHERE {column} IN ({','.join('?' * len(wanted))})", wanted

    def _grouped(self, sql: str, params: Sequence[Any] = ()) -> dict[str, list[tuple[Any, ...]]]:
        grouped: dict[str, list[tuple[Any, ...]]] = {}
        for row in self._db.execute(sql, params):
            grouped.setdefault(row[0], []).append(row)
        return grouped

    def article(self, article_id: str) -> Document:
        """One stored article, as readers see it (with the date its story gave it, if any)."""
        found = self.load_documents([article_id])
        if not found:
            raise NotFound(f"no article with id {article_id!r} in {self.path}")
        self._inferred_dates(found)
        return found[0]

    def find_article(self, prefix: str) -> Document:
        """The one stored article whose id begins with ``prefix`` (like a short git hash).

        Raises :class:`NotFound` when no id, or more than one id, begins with ``prefix``.
        """
        if not prefix:
            raise NotFound("an article id cannot be empty")
        # A few more matches than shown are fetched only to tell "several" from "many".
        shown = 5
        matches = [
            row[0]
            for row in self._db.execute(
                "SELECT id FROM articles WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2",
                (prefix, shown + 1),
            )
        ]
        if not matches:
            raise NotFound(f"no article id begins with {prefix!r} in {self.path}")
        if len(matches) > 1:
            listed = ", ".join(matches[:shown]) + (", ..." if len(matches) > shown else "")
            raise NotFound(
                f"{prefix!r} begins several article ids in {self.path} ({listed}); "
                "give more of the id"
            )
        return self.article(matches[0])

    # -- cross-article results ---------------------------------------------------------------

    def save_corpus(self, corpus: Corpus) -> None:
        """Replace every cross-article result with ``corpus``'s, in one transaction.

        Results equal to the stored ones are not written again (a second run over the same
        articles is a no-op, and readers have nothing to read again).
        """
        rows = _corpus_rows(corpus)
        digest = _digest(rows)
        if digest == self._state("corpus_digest") and not self._any_ungrouped():
            return
        covered = len({d.article.id for d in corpus.documents})
        self._write(lambda: self._replace_corpus(rows, digest, covered), "cross-article results")

    def _replace_corpus(
        self, rows: dict[str, list[tuple[Any, ...]]], digest: str, covered: int
    ) -> None:
        # Writers run side by side (several `analyze` at once): results derived from fewer
        # articles than are stored now are stale, and the writer that stored the rest will
        # write results over all of them (it read the articles after storing its own), so
        # stale ones must not overwrite those; equal ones are not written twice.
        self._lock_corpus()
        if self.article_count() > covered:
            return
        # Results over every stored article: none is left to regroup.
        self._db.execute("DELETE FROM ungrouped")
        if self._state("corpus_digest") == digest:
            return
        for table in _CORPUS_TABLES:
            self._db.execute(f"DELETE FROM {table}")
        for table in reversed(_CORPUS_TABLES):  # referenced tables first
            if rows[table]:
                marks = ",".join("?" * len(rows[table][0]))
                or_ignore = " OR IGNORE" if table == "entity_mentions" else ""
                self._db.executemany(
                    f"INSERT{or_ignore} INTO {table} VALUES ({marks})", rows[table]
                )
        self._set_state("corpus_digest", digest)
        self._set_state("profiled", "yes")
        self._db.execute(_BUMP_GENERATION)

    def _set_state(self, key: str, text: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO store_state (key, text) VALUES (?, ?)", (key, text)
        )

    def _lock_corpus(self) -> None:
        """Keep other writers of cross-article results out until this transaction ends
        (SQLite: BEGIN IMMEDIATE already holds the one write lock)."""

    def _state(self, key: str) -> str | None:
        row = self._db.execute("SELECT text FROM store_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def load_corpus(self, inferred: bool = True) -> Corpus:
        """Every stored document and every cross-article result.

        With ``inferred``, articles their story dated carry that date (marked inferred) and
        their time expressions resolved against it, as readers see them; without, each article
        is as it states itself, as grouping must see it. Read in one snapshot, so a writer
        running meanwhile is never half seen.
        """
        with self._reading():
            return self._load_corpus(inferred)

    def _load_corpus(self, inferred: bool) -> Corpus:
        duplicates = dict(self._db.execute("SELECT article, duplicate_of FROM duplicates"))
        corpus = Corpus(
            documents=self.load_documents(),
            duplicate_of=duplicates,
            stories=self._load_stories(),
            threads=self._load_threads(),
            entities=self._load_entities(),
            quote_groups=self._load_quote_groups(),
        )
        if inferred:
            corpus.inferred_dates = self._inferred_dates(corpus.documents)
        return corpus

    def _inferred_dates(self, documents: Sequence[Document]) -> dict[str, PubDate]:
        """Give each of ``documents`` its story's date, if it has one; returns those dates."""
        by_id = {d.article.id: d for d in documents}
        where, params = self._id_filter("article", by_id)
        timex = self._grouped(
            f"SELECT * FROM inferred_timex{where} ORDER BY article, start, end", params
        )
        found: dict[str, PubDate] = {}
        for article_id, day, precision, origin in self._db.execute(
            f"SELECT * FROM inferred_dates{where} ORDER BY article", params
        ):
            published = PubDate(dt.date.fromisoformat(day), Precision(precision), origin, True)
            document = by_id[article_id]
            document.article = dataclasses.replace(document.article, published=published)
            document.timex = [_timex_from_row(r) for r in timex.get(article_id, [])]
            found[article_id] = published
        return found

    def _load_stories(self, chosen: str = "", members: bool = True) -> list[Story]:
        """Every story, or those ``chosen`` keeps: a condition on a story's id, written
        ``IN (query)`` or ``NOT IN (query)``. Without ``members``, stories come without their
        articles (what threading needs: a thread spanning years holds many)."""
        articles = (
            self._grouped(
                "SELECT story, article FROM story_articles"
                f" {'WHERE story ' + chosen if chosen else ''} ORDER BY story, position"
            )
            if members
            else {}
        )
        where = f"WHERE id {chosen}" if chosen else ""
        return [
            Story(
                sid,
                tuple(r[1] for r in articles.get(sid, [])),
                title,
                desc,
                _date(start),
                _date(end),
                Precision(precision),
            )
            for sid, title, desc, start, end, precision in self._db.execute(
                f"SELECT * FROM stories {where} ORDER BY start, id"
            )
        ]

    def _load_threads(self, chosen: str = "") -> list[Thread]:
        """Every thread, or those ``chosen`` keeps (as in :meth:`_load_stories`)."""
        where = f"WHERE thread {chosen}" if chosen else ""
        members = self._grouped(
            f"SELECT thread, story FROM thread_stories {where} ORDER BY thread, position"
        )
        links = self._grouped(f"SELECT * FROM thread_links {where} ORDER BY thread, earlier, later")
        where = f"WHERE id {chosen}" if chosen else ""
        return [
            Thread(
                tid,
                tuple(r[1] for r in members.get(tid, [])),
                title,
                desc,
                tuple(ThreadLink(r[1], r[2], r[3], r[4]) for r in links.get(tid, [])),
            )
            for tid, title, desc in self._db.execute(f"SELECT * FROM threads {where} ORDER BY id")
        ]

    def _load_entities(self) -> list[Entity]:
        aliases = self._grouped(
            "SELECT entity, alias FROM entity_aliases ORDER BY entity, position"
        )
        mentions = self._grouped(
            "SELECT * FROM entity_mentions ORDER BY entity, article, start, end"
        )
        return [
            Entity(
                eid,
                name,
                etype,
                tuple(r[1] for r in aliases.get(eid, [])),
                tuple(Ref(r[1], r[2], r[3]) for r in mentions.get(eid, [])),
            )
            for eid, name, etype in self._db.execute("SELECT * FROM entities ORDER BY id")
        ]

    def _load_quote_groups(self, chosen: str = "") -> list[QuoteGroup]:
        """Every quote group, or those ``chosen`` keeps (as in :meth:`_load_stories`)."""
        members = self._grouped(
            f"SELECT * FROM quote_group_members {'WHERE grp ' + chosen if chosen else ''}"
            " ORDER BY grp, article, start"
        )
        where = f"WHERE id {chosen}" if chosen else ""
        return [
            QuoteGroup(
                gid, entity, name, tuple(Ref(r[1], r[2], r[3]) for r in members.get(gid, []))
            )
            for gid, entity, name in self._db.execute(
                f"SELECT * FROM quote_groups {where} ORDER BY id"
            )
        ]

    # -- regrouping the neighbourhood of new articles (storyline.group.window) -------------------

    def profiled(self) -> bool:
        """Whether the store holds what regrouping a neighbourhood needs (story profiles and
        entity keys): written by every full regrouping since schema 7."""
        return self._state("profiled") == "yes"

    def dated_between(self, first: dt.date, last: dt.date) -> list[tuple[str, PubDate]]:
        """Articles whose stated publication date (day, month or year precise) is stored as
        a day from ``first`` to ``last``, with that date."""
        rows = self._db.execute(
            "SELECT id, published, published_precision, published_origin FROM articles"
            " WHERE published BETWEEN ? AND ? ORDER BY id",
            (first.isoformat(), last.isoformat()),
        )
        return [(r[0], PubDate(dt.date.fromisoformat(r[1]), Precision(r[2]), r[3])) for r in rows]

    def latest_date(self) -> dt.date | None:
        """The latest stated publication date of a stored article."""
        row = self._db.execute("SELECT max(published) FROM articles").fetchone()
        return None if row[0] is None else dt.date.fromisoformat(row[0])

    def embeddings(self, loose_only: bool = False) -> tuple[list[str], np.ndarray]:
        """Every article's id and embedding (rows of a matrix), or only those of the articles
        dated no more precisely than a year, or not at all (``loose_only``)."""
        where = " AND (published IS NULL OR published_precision = 'year')" if loose_only else ""
        rows = self._db.execute(
            f"SELECT id, embedding FROM articles WHERE embedding IS NOT NULL{where} ORDER BY id"
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def _any_ungrouped(self) -> bool:
        return self._db.execute("SELECT 1 FROM ungrouped LIMIT 1").fetchone() is not None

    def ungrouped(self) -> list[tuple[str, PubDate | None, np.ndarray | None]]:
        """The articles stored but not regrouped yet (an ``analyze`` stopped between the
        two): id, stated date and embedding of each, by id."""
        rows = self._db.execute(
            "SELECT a.id, a.published, a.published_precision, a.published_origin, a.embedding"
            " FROM articles a JOIN ungrouped u ON u.article = a.id ORDER BY a.id"
        ).fetchall()
        return [
            (
                r[0],
                PubDate(dt.date.fromisoformat(r[1]), Precision(r[2]), r[3]) if r[1] else None,
                None if r[4] is None else np.frombuffer(r[4], dtype=np.float32).copy(),
            )
            for r in rows
        ]

    def grouped_with(self, ids: Iterable[str]) -> set[str]:
        """The articles that share a story or a text with one of ``ids``."""
        with self._marked(ids):
            found = self._db.execute(
                f"""
                SELECT article FROM story_articles WHERE story IN {_STORIES_OF_MARKED}
                UNION SELECT article FROM duplicates WHERE duplicate_of IN (SELECT id FROM marked)
                UNION SELECT duplicate_of FROM duplicates WHERE article IN (SELECT id FROM marked)
                """
            ).fetchall()
        return {row[0] for row in found}

    @contextmanager
    def _marked(self, ids: Iterable[str]) -> Iterator[None]:
        """``ids`` in the temporary table ``marked`` (one column, ``id``), for queries
        that join on a set too large for the parameters of one statement."""
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS marked (id TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM marked")
        self._db.executemany("INSERT OR IGNORE INTO marked VALUES (?)", ((i,) for i in ids))
        try:
            yield
        finally:
            self._db.execute("DELETE FROM marked")

    def load_window(self, ids: Iterable[str]) -> Corpus:
        """The documents of ``ids`` (as they state themselves) and the stored results a
        regrouping of them builds on: their stories, copies and threads.
        ``ids`` must be closed under :meth:`grouped_with`."""
        documents = self.load_documents(ids)
        inside = {d.article.id for d in documents}
        with self._marked(inside):
            duplicates = dict(
                self._db.execute(
                    "SELECT article, duplicate_of FROM duplicates"
                    " WHERE article IN (SELECT id FROM marked)"
                )
            )
            stories = self._load_stories(f"IN {_STORIES_OF_MARKED}")
        return Corpus(
            documents=documents,
            duplicate_of=duplicates,
            stories=stories,
            threads=self.threads_touching(inside, ()),
        )

    def stories_holding(self, article_ids: Iterable[str]) -> list[Story]:
        """The stories that hold one of ``article_ids``."""
        with self._marked(article_ids):
            return self._load_stories(f"IN {_STORIES_OF_MARKED}")

    def articles_of(self, story_ids: Iterable[str]) -> set[str]:
        """The articles of the stories ``story_ids``."""
        sql = "SELECT article FROM story_articles WHERE story IN ({})"
        return {row[0] for row in self._rows_in(sql, story_ids)}

    def quote_groups_touching(self, ids: Iterable[str]) -> list[QuoteGroup]:
        """Every stored quote group with a quote in one of the articles ``ids``, whole."""
        with self._marked(ids):
            return self._load_quote_groups(
                "IN (SELECT grp FROM quote_group_members WHERE article IN (SELECT id FROM marked))"
            )

    def entities_with_keys(self, keys: set[str]) -> dict[str, list[tuple[str, str]]]:
        """Stored entities by name key: key → (entity id, type), for each of ``keys``."""
        found: dict[str, list[tuple[str, str]]] = {}
        sql = "SELECT key, entity, type FROM entity_keys WHERE key IN ({}) ORDER BY key, entity"
        for key, entity_id, label in self._rows_in(sql, keys):
            found.setdefault(key, []).append((entity_id, label))
        return found

    def nearest_stories(
        self, centroids: np.ndarray, count: int, outside: Iterable[str]
    ) -> list[list[StoryProfile]]:
        """For each of ``centroids``, the profiles of the ``count`` stored stories nearest to
        it by cosine, among those holding none of the articles ``outside``."""
        with self._marked(outside):
            rows = self._db.execute(
                "SELECT story, centroid FROM story_profiles"
                f" WHERE story NOT IN {_STORIES_OF_MARKED} ORDER BY story"
            ).fetchall()
        if not rows or not len(centroids):
            return [[] for _ in centroids]
        matrix = np.stack([np.frombuffer(r[1], dtype=np.float64) for r in rows])
        cosines = np.asarray(centroids, dtype=np.float64) @ matrix.T
        take = min(count, len(rows))
        best = np.argsort(-cosines, axis=1, kind="stable")[:, :take]
        wanted = sorted({rows[int(i)][0] for i in best.ravel()})
        stories = self.stories_by_id(wanted, ())
        sql = "SELECT * FROM story_profiles WHERE story IN ({})"
        profiles = {r[0]: _profile_from_row(stories[r[0]], r) for r in self._rows_in(sql, wanted)}
        return [[profiles[rows[int(i)][0]] for i in row] for row in best]

    def threads_touching(self, articles: Iterable[str], stories: Iterable[str]) -> list[Thread]:
        """The stored threads holding a story with one of ``articles``, or one of ``stories``."""
        with self._marked(set(stories) | self._stories_with(articles)):
            return self._load_threads(
                "IN (SELECT thread FROM thread_stories WHERE story IN (SELECT id FROM marked))"
            )

    def _stories_with(self, articles: Iterable[str]) -> set[str]:
        """The ids of the stories holding one of ``articles``."""
        with self._marked(articles):
            found = self._db.execute(f"SELECT story FROM {_STORIES_OF_MARKED} AS found")
            return {row[0] for row in found}

    def stories_by_id(self, ids: Iterable[str], outside: Iterable[str]) -> dict[str, Story]:
        """The stored stories of ``ids`` holding none of the articles ``outside``, without
        their articles (``Story.articles`` is empty: threading needs only dates and titles)."""
        with self._marked(set(ids) - self._stories_with(outside)):
            chosen = self._load_stories("IN (SELECT id FROM marked)", members=False)
            return {s.id: s for s in chosen}

    def save_window(
        self, corpus: Corpus, window: Iterable[str], generation: int | None = None
    ) -> bool:
        """Replace the stored cross-article results of the articles of ``window`` with
        ``corpus``'s (regrouped from them), and the threads they join or leave with
        ``corpus.threads``; in one transaction. Entities keep the mentions they have outside
        the window; one left with none is deleted.

        With ``generation`` (:meth:`generation` when the window was read), nothing is written
        if another writer changed the store since (returns False): the regrouping was of a
        store that is no longer there, and must be done again.
        """
        rows = _corpus_rows(corpus)
        ids = set(window)
        try:
            self._write(
                lambda: self._replace_window(rows, ids, generation), "cross-article results"
            )
        except _StaleWindow:
            return False
        return True

    def _replace_window(
        self, rows: dict[str, list[tuple[Any, ...]]], window: set[str], generation: int | None
    ) -> None:
        self._lock_corpus()
        if generation is not None and self.generation() != generation:
            raise _StaleWindow
        db = self._db
        # The threads rebuilt are those holding a story of the window or a story the rebuilt
        # threads hold: those go, the others stay as they are.
        rebuilt = {row[1] for row in rows["thread_stories"]}
        old_threads = [t.id for t in self.threads_touching(window, rebuilt)]
        with self._marked(old_threads):
            for table, column in (
                ("thread_links", "thread"),
                ("thread_stories", "thread"),
                ("threads", "id"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM marked)")
        with self._marked(window):
            in_window = "IN (SELECT id FROM marked)"
            touched = [
                r[0]
                for r in db.execute(
                    f"SELECT DISTINCT entity FROM entity_mentions WHERE article {in_window}"
                )
            ]
            for statement in (
                "CREATE TEMP TABLE old_stories AS SELECT DISTINCT story FROM story_articles"
                f" WHERE article {in_window}",
                "CREATE TEMP TABLE old_groups AS SELECT DISTINCT grp FROM quote_group_members"
                f" WHERE article {in_window}",
                f"DELETE FROM entity_mentions WHERE article {in_window}",
                "DELETE FROM story_profiles WHERE story IN (SELECT story FROM old_stories)",
                "DELETE FROM story_articles WHERE story IN (SELECT story FROM old_stories)",
                "DELETE FROM stories WHERE id IN (SELECT story FROM old_stories)",
                "DELETE FROM quote_group_members WHERE grp IN (SELECT grp FROM old_groups)",
                "DELETE FROM quote_groups WHERE id IN (SELECT grp FROM old_groups)",
                f"DELETE FROM duplicates WHERE article {in_window}",
                f"DELETE FROM inferred_timex WHERE article {in_window}",
                f"DELETE FROM inferred_dates WHERE article {in_window}",
                f"DELETE FROM ungrouped WHERE article {in_window}",
                "DROP TABLE old_stories",
                "DROP TABLE old_groups",
            ):
                db.execute(statement)
        self._renew_entities(rows["entities"])
        for table in reversed(_CORPUS_TABLES):  # referenced tables first
            if rows[table]:
                marks = ",".join("?" * len(rows[table][0]))
                # An entity also named outside the window keeps its name and type (what the
                # window holds of it is part of what named it) and gains new spellings.
                verb = "INSERT OR IGNORE" if table.startswith("entit") else "INSERT"
                db.executemany(f"{verb} INTO {table} VALUES ({marks})", rows[table])
        self._delete_unmentioned(touched)
        self._set_state("corpus_digest", None)
        db.execute(_BUMP_GENERATION)

    def _renew_entities(self, entity_rows: Sequence[tuple[Any, ...]]) -> None:
        """Stored entities no longer named outside the window were found whole again: they
        take the new name, type and spellings."""
        with self._marked(row[0] for row in entity_rows):
            whole = [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM marked WHERE NOT EXISTS"
                    " (SELECT 1 FROM entity_mentions WHERE entity = marked.id)"
                )
            ]
        found = {row[0]: row for row in entity_rows}
        for entity_id in whole:
            self._db.execute("DELETE FROM entity_keys WHERE entity = ?", (entity_id,))
            self._db.execute("DELETE FROM entity_aliases WHERE entity = ?", (entity_id,))
            _, name, label = found[entity_id]
            self._db.execute(
                "UPDATE entities SET name = ?, type = ? WHERE id = ?", (name, label, entity_id)
            )

    def _delete_unmentioned(self, entity_ids: Sequence[str]) -> None:
        with self._marked(entity_ids):
            orphans = (
                "(SELECT id FROM marked WHERE NOT EXISTS"
                " (SELECT 1 FROM entity_mentions WHERE entity = marked.id))"
            )
            for table, column in (
                ("entity_keys", "entity"),
                ("entity_aliases", "entity"),
                ("entities", "id"),
            ):
                self._db.execute(f"DELETE FROM {table} WHERE {column} IN {orphans}")

    # -- fetched URLs ------------------------------------------------------------------------

    def http_validators(self, url: str) -> HttpValidators | None:
        """What the server said identifies the version of ``url`` it last sent, if anything."""
        row = self._db.execute(
            "SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,)
        ).fetchone()
        return None if row is None else HttpValidators(row[0], row[1])

    def save_http_validators(self, validators: dict[str, HttpValidators]) -> None:
        rows = [(url, v.etag, v.last_modified) for url, v in validators.items()]
        self._write(
            lambda: self._db.executemany(
                "INSERT OR REPLACE INTO http_validators VALUES (?, ?, ?)", rows
            ),
            "HTTP validators",
        )

    # -- input problems ----------------------------------------------------------------------

    def record_failures(self, failures: Sequence[ReadFailure]) -> None:
        """Remember inputs that could not be used (the latest reason per source)."""
        rows = [(f.source, f.reason) for f in failures]
        self._write(
            lambda: self._db.executemany("INSERT OR REPLACE INTO failures VALUES (?,?)", rows),
            "input failures",
        )

    def failures(self) -> list[ReadFailure]:
        rows = self._db.execute("SELECT source, reason FROM failures ORDER BY source")
        return [ReadFailure(source, reason) for source, reason in rows]

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: what "the same content" means for two stores."""
        tables = [
            r[0]
            for r in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {
            t: sorted(self._db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables
        }


# -- rows <-> records (the storage edge) -------------------------------------------------------
def _corpus_rows(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every cross-article table for ``corpus``, in a stable order."""
    entities = corpus.entities or []
    stories = corpus.stories or []
    threads = corpus.threads or []
    groups = corpus.quote_groups or []
    inferred = sorted((corpus.inferred_dates or {}).items())
    return {
        "duplicates": sorted(corpus.duplicate_of.items()),
        "entities": [(e.id, e.name, e.type) for e in entities],
        "entity_aliases": [(e.id, a, i) for e in entities for i, a in enumerate(e.aliases)],
        "entity_mentions": [
            (e.id, r.article, r.start, r.end) for e in entities for r in e.mentions
        ],
        "stories": [
            (s.id, s.title, s.description, _iso(s.start), _iso(s.end), s.precision.value)
            for s in stories
        ],
        "story_articles": [(s.id, a, i) for s in stories for i, a in enumerate(s.articles)],
        "threads": [(t.id, t.title, t.description) for t in threads],
        "thread_stories": [(t.id, s, i) for t in threads for i, s in enumerate(t.stories)],
        "thread_links": [
            (t.id, k.earlier, k.later, k.reason, k.cosine) for t in threads for k in t.links
        ],
        "quote_groups": [(g.id, g.speaker_entity, g.speaker_name) for g in groups],
        "quote_group_members": [
            (g.id, r.article, r.start, r.end) for g in groups for r in g.quotes
        ],
        "inferred_dates": [
            (a, p.date.isoformat(), p.precision.value, p.origin) for a, p in inferred
        ],
        "inferred_timex": [
            _timex_row(a, t) for a, _ in inferred for t in corpus.document(a).timex or []
        ],
        "entity_keys": _entity_key_rows(entities),
        "story_profiles": [
            _profile_row(p) for _, p in sorted((corpus.story_profiles or {}).items())
        ],
    }


def _entity_key_rows(entities: Iterable[Entity]) -> list[tuple[Any, ...]]:
    from storyline.resolve.entities import entity_keys

    return [(key, e.id, e.type) for e in entities for key in sorted(entity_keys(e))]


def _profile_row(profile: StoryProfile) -> tuple[Any, ...]:
    return (
        profile.story.id,
        np.asarray(profile.centroid, dtype=np.float64).tobytes(),
        json.dumps(sorted(profile.cast.items())),
        json.dumps(sorted(profile.names.items())),
        json.dumps(
            [[d.label, d.first.isoformat(), d.last.isoformat(), d.count] for d in profile.dates]
        ),
    )


def _profile_from_row(story: Story, row: Sequence[Any]) -> StoryProfile:
    return StoryProfile(
        story=story,
        centroid=np.frombuffer(row[1], dtype=np.float64).copy(),
        cast=Counter(dict(json.loads(row[2]))),
        names=dict(json.loads(row[3])),
        dates=tuple(
            NamedDate(label, dt.date.fromisoformat(first), dt.date.fromisoformat(last), count)
            for label, first, last, count in json.loads(row[4])
        ),
    )


def _digest(rows: dict[str, list[tuple[Any, ...]]]) -> str:
    digest = hashlib.sha256()
    for table in _CORPUS_TABLES:
        digest.update(f"{table}\0{rows[table]!r}\0".encode())
    return digest.hexdigest()


def _spans_json(spans: Iterable[Span]) -> str:
    return json.dumps([[s.start, s.end] for s in spans])


def _article_row(document: Document) -> tuple[Any, ...]:
    a = document.article
    published = a.published
    embedding = (
        None
        if document.embedding is None
        else Float32Blob(np.asarray(document.embedding, np.float32).tobytes())
    )
    return (
        a.id,
        a.source,
        a.text,
        a.title,
        a.outlet,
        published.date.isoformat() if published else None,
        published.precision.value if published else None,
        published.origin if published else None,
        int(published.inferred) if published else 0,
        a.byline,
        a.dateline,
        json.dumps(list(a.agencies)),
        a.url,
        _spans_json(a.body),
        _spans_json(a.highlights),
        json.dumps([[d.span.start, d.span.end, d.reason] for d in a.dropped]),
        _spans_json(document.sentences or []),
        embedding,
    )


def _article_from_row(row: Sequence[Any]) -> Article:
    published = None
    if row[5] is not None:
        published = PubDate(dt.date.fromisoformat(row[5]), Precision(row[6]), row[7], bool(row[8]))
    return Article(
        id=row[0],
        source=row[1],
        text=row[2],
        title=row[3],
        outlet=row[4],
        published=published,
        byline=row[9],
        dateline=row[10],
        agencies=tuple(json.loads(row[11])),
        url=row[12],
        body=tuple(Span(s, e) for s, e in json.loads(row[13])),
        highlights=tuple(Span(s, e) for s, e in json.loads(row[14])),
        dropped=tuple(Dropped(Span(s, e), reason) for s, e, reason in json.loads(row[15])),
    )


def _timex_row(article_id: str, timex: TimeRef) -> tuple[Any, ...]:
    event = timex.event
    return (
        article_id,
        timex.span.start,
        timex.span.end,
        timex.text,
        timex.type.value,
        timex.value,
        event.start if event else None,
        event.end if event else None,
    )


def _timex_from_row(row: Sequence[Any]) -> TimeRef:
    event = None if row[6] is None else Span(row[6], row[7])
    return TimeRef(Span(row[1], row[2]), row[3], TimexType(row[4]), row[5], event)


def _quote_row(article_id: str, quote: Quote) -> tuple[Any, ...]:
    cue, speaker = quote.cue, quote.speaker
    return (
        article_id,
        quote.content.start,
        quote.content.end,
        cue.start if cue is not None else None,
        cue.end if cue is not None else None,
        speaker.start if speaker is not None else None,
        speaker.end if speaker is not None else None,
        quote.speaker_name,
        int(quote.direct),
    )


def _quote_from_row(row: Sequence[Any]) -> Quote:
    return Quote(
        content=Span(row[1], row[2]),
        cue=None if row[3] is None else Span(row[3], row[4]),
        speaker=None if row[5] is None else Span(row[5], row[6]),
        speaker_name=row[7],
        direct=bool(row[8]),
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class StoreWatch:
    """A light connection that tells whether a store changed (:meth:`Store.generation`), for
    readers that keep what they read: one query, usable from any thread (one at a time)."""

    def __init__(self, path: str | Path) -> None:
        with Store(path) as store:  # brings an older store's schema up to date first
            self._db = store._watch_connection()
        self._lock = threading.Lock()

    def generation(self) -> int:
        with self._lock:
            return int(self._db.execute(_READ_GENERATION).fetchone()[0])

    def close(self) -> None:
        self._db.close()
