"""The store: one interface over a SQLite file or a PostgreSQL database.

``Store(db)`` opens a SQLite file for a path and a :class:`PostgresStore` for a
``postgresql://`` URL (as ``Path()`` gives a ``PosixPath``), so every caller takes either.
:class:`Store` is made of its parts, one concern each: articles
(:mod:`~storyline.store.articles`), cross-article results (:mod:`~storyline.store.corpus`),
the neighbourhood of new articles (:mod:`~storyline.store.window`), what one page or answer
shows and the reports kept per story (:mod:`~storyline.store.views`) and what is remembered
between runs (:mod:`~storyline.store.remembered`); what the two databases do differently is
their backend's (:mod:`~storyline.store.sqlite`, :mod:`~storyline.store.postgres`), and the
PostgreSQL one, which needs the optional driver, is imported only when such a store is
opened. Records go in and come out; the store computes nothing a stage computes.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from storyline.errors import StoreError
from storyline.records import Article
from storyline.store.backend import DEFAULT_PATH, is_url, masked, one_line
from storyline.store.core import READ_GENERATION
from storyline.store.remembered import RememberedStore
from storyline.store.schema import migrate
from storyline.store.sqlite import SqliteBackend
from storyline.store.views import ViewStore
from storyline.store.window import WindowStore


class Store(WindowStore, ViewStore, RememberedStore):
    """A storyline store in one SQLite file. Use as a context manager, or call :meth:`close`.

    ``Store(url)`` with a ``postgresql://`` URL gives a :class:`PostgresStore` instead.
    """

    def __new__(cls, path: str | Path = DEFAULT_PATH, *args: Any, **kwargs: Any) -> Store:
        if cls is Store and is_url(path):
            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path = DEFAULT_PATH) -> None:
        self.path = str(path)
        backend = SqliteBackend(self.path)
        self._backend = backend
        try:
            self._db = backend.connect()
            migrate(self._db, self.path, backend)
            missing = backend.unindexed(self._db)
            if missing:
                self._write(lambda: self._index(missing), "the search index")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc

    def _index(self, articles: list[Article]) -> None:
        for article in articles:
            self._backend.index_text(self._db, article)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: what "the same content" means for two stores."""
        return {
            t: sorted(self._db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in self._backend.table_names(self._db)
        }


class PostgresStore(Store):
    """A storyline store in a PostgreSQL database. ``pgvector=False`` keeps embeddings as
    ``bytea`` even where the extension exists (it only matters when the tables are made).
    Opening one imports the driver (``pip install 'storyline[postgres]'``)."""

    def __init__(self, url: str, pgvector: bool = True) -> None:
        self.path = masked(url)  # what messages show
        try:
            from storyline.store.postgres import PostgresBackend
        except ModuleNotFoundError as exc:
            if exc.name != "psycopg":
                raise
            raise StoreError(
                f"{self.path}: a PostgreSQL store needs the psycopg driver: "
                "pip install 'storyline[postgres]'"
            ) from exc
        backend = PostgresBackend(url, pgvector)
        self._backend = backend
        try:
            connection = backend.connect()
        except backend.errors as exc:
            raise StoreError(f"{self.path}: cannot open the store ({one_line(exc)})") from exc
        self._db = connection
        try:
            migrate(connection, self.path, backend)
            backend.adapt_embeddings(connection)
        except StoreError:
            connection.close()
            raise
        except backend.errors as exc:
            connection.close()
            raise StoreError(f"{self.path}: cannot open the store ({one_line(exc)})") from exc


class StoreWatch:
    """A light connection that tells whether a store changed (:meth:`Store.generation`), for
    readers that keep what they read: one query, usable from any thread (one at a time)."""

    def __init__(self, path: str | Path) -> None:
        with Store(path) as store:  # brings an older store's schema up to date first
            self._db = store._watch_connection()
        self._lock = threading.Lock()

    def generation(self) -> int:
        with self._lock:
            return int(self._db.execute(READ_GENERATION).fetchone()[0])

    def close(self) -> None:
        self._db.close()
