"""What every part of the store stands on: its connection, transactions and query helpers.

:class:`StoreCore` holds the connection (:class:`~storyline.store.backend.Database`) and the
backend that says what differs between the databases; the parts of :class:`~storyline.store.
store.Store` (articles, cross-article results, the window queries, what is remembered between
runs) build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

from storyline.errors import StoreError
from storyline.store.backend import Backend, Database, one_line, transaction

#: A counter of the writes readers see (``store_state``), moved and read.
BUMP_GENERATION = "UPDATE store_state SET value = value + 1 WHERE key = 'generation'"
READ_GENERATION = "SELECT value FROM store_state WHERE key = 'generation'"


class StoreCore:
    """A store's connection and the helpers its queries share."""

    #: What messages call the store: its path, or its URL with the password masked.
    path: str
    _db: Database
    _backend: Backend

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        """The exceptions the database driver raises (a connection that raised one may be
        broken)."""
        return self._backend.errors

    def embedding_type(self) -> str:
        """How article embeddings are stored: the column's type as the database spells it."""
        return self._backend.embedding_type(self._db)

    def _watch_connection(self) -> Any:
        """A second connection that reads the generation, usable from any thread."""
        return self._backend.watch_connection()

    def schema_version(self) -> int:
        return int(self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0])

    def generation(self) -> int:
        """How many times what readers see has changed (articles added, results replaced)."""
        return int(self._db.execute(READ_GENERATION).fetchone()[0])

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with transaction(self._db):
            yield

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Several reads from one snapshot."""
        self._db.execute(self._backend.begin_read)
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _write(self, action: Callable[[], object], what: str) -> None:
        try:
            with self._transaction():
                action()
        except self._backend.errors as exc:
            raise StoreError(f"{self.path}: cannot write {what} ({one_line(exc)})") from exc

    def _lock_corpus(self) -> None:
        """Keep other writers of cross-article results out until this transaction ends."""
        self._backend.lock_corpus(self._db)

    # -- query helpers -----------------------------------------------------------------------

    def _rows_in(self, sql: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql`` (whose ``{}`` takes a list of marks) for each of ``values``,
        asked 500 at a time (SQLite caps the parameters of one statement)."""
        wanted = list(dict.fromkeys(values))
        for begin in range(0, len(wanted), 500):
            chunk = wanted[begin : begin + 500]
            yield from self._db.execute(sql.format(",".join("?" * len(chunk))), chunk)

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

    def _state(self, key: str) -> str | None:
        row = self._db.execute("SELECT text FROM store_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_state(self, key: str, text: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO store_state (key, text) VALUES (?, ?)", (key, text)
        )
