"""The SQLite backend: one file, WAL, full-text search with FTS5.

What a store in a SQLite file does its own way (:class:`~storyline.store.backend.Backend`):
opening the file, its catalogue, FTS5 for search. SQLite has one writer at a time, so the
write transaction itself (``BEGIN IMMEDIATE``) keeps migrators and writers of cross-article
results out of each other's way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from storyline.records import Article, Document
from storyline.store.backend import Database
from storyline.store.rows import article_from_row
from storyline.store.schema import split_statements


class SqliteBackend:
    """A store in the SQLite file at ``path``."""

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)
    #: A read-only snapshot in WAL mode: one deferred transaction.
    begin_read = "BEGIN"

    def __init__(self, path: str) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        # Any thread may use it, one at a time: a server keeps connections for the requests
        # that follow, which its thread pool runs on any of its threads.
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA busy_timeout=30000")
        return connection

    def watch_connection(self) -> Any:
        return sqlite3.connect(self.path, check_same_thread=False)

    # -- migrations --------------------------------------------------------------------------

    def migration_lock(self, db: Database) -> AbstractContextManager[None]:
        # Each migration's transaction (BEGIN IMMEDIATE) holds the one write lock.
        return nullcontext()

    def has_migrations(self, db: Database) -> bool:
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        return found is not None

    def prepare_migrations(self, db: Database, pending: set[int]) -> None:
        pass

    def statements(self, version: int, sql: str) -> Iterator[str]:
        yield from split_statements(sql)

    # -- writing and reading -----------------------------------------------------------------

    def embedding_type(self, db: Database) -> str:
        return "BLOB"

    def resize_embeddings(self, db: Database, dimensions: int) -> None:
        """A BLOB holds any number of floats."""

    def lock_corpus(self, db: Database) -> None:
        """BEGIN IMMEDIATE already holds the one write lock."""

    def before_insert(self, db: Database, documents: Sequence[Document]) -> Sequence[Document]:
        return documents

    def index_text(self, db: Database, article: Article) -> None:
        # The row is numbered in search_rows first; the index row takes the same number.
        db.execute("INSERT INTO search_rows (article) VALUES (?)", (article.id,))
        row = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        db.execute(
            "INSERT INTO article_search (rowid, article, title, body) VALUES (?, ?, ?, ?)",
            (row, article.id, article.title or "", article.body_text),
        )

    def search(self, db: Database, query: str, limit: int | None) -> list[str]:
        match = _fts_query(query)
        if not match:
            return []
        rows = db.execute(
            "SELECT article FROM article_search WHERE article_search MATCH ?"
            " ORDER BY bm25(article_search) LIMIT ?",
            (match, -1 if limit is None else limit),  # SQLite: a negative LIMIT is none
        )
        return [row[0] for row in rows]

    def matching(self, query: str) -> tuple[str, list[Any]]:
        return (
            "SELECT article FROM search_rows WHERE row IN"
            " (SELECT rowid FROM article_search WHERE article_search MATCH ?)",
            [_fts_query(query)],
        )

    def table_names(self, db: Database) -> list[str]:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        return [row[0] for row in rows]

    def unindexed(self, db: Database) -> list[Article]:
        """The stored articles the search index lacks (a store written before full-text
        search has them all)."""
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        if "article_search" not in tables:
            return []  # a schema without search (only tests build one)
        # Counted in search_rows, one short row per indexed article: counting the FTS5 table
        # itself reads its whole index (90 ms for 100,000 articles, on every store opened).
        # A schema from before it (only tests open one unmigrated) counts the index.
        table = "search_rows" if "search_rows" in tables else "article_search"
        indexed = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if indexed >= db.execute("SELECT count(*) FROM articles").fetchone()[0]:
            return []
        done = {row[0] for row in db.execute(f"SELECT article FROM {table}")}
        rows = db.execute("SELECT * FROM articles").fetchall()
        return [article_from_row(r) for r in rows if r[0] not in done]


def _fts_query(query: str) -> str:
    """``query``'s words, each quoted for FTS5, so the query is text, never FTS syntax."""
    return " ".join('"{}"'.format(w.replace('"', '""')) for w in query.split())
