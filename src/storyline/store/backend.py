"""What a store is opened on and what a backend gives it.

A store is named by a path (a SQLite file) or a ``postgresql://`` URL. Either way the store
speaks one SQL, spelled as SQLite spells it, to a connection (:class:`Database`); what the
two databases do differently (opening, locks, full-text search, the embedding column, the
catalogue) is a :class:`Backend`: :mod:`storyline.store.sqlite` and
:mod:`storyline.store.postgres`. A backend takes the connection with each call, so that every
statement the store sends goes through the one connection it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from storyline.records import Article, Document

DEFAULT_PATH = "storyline.db"

#: What ``--db`` takes besides a path: a PostgreSQL connection URL.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_url(db: str | Path) -> bool:
    """Whether ``db`` names a PostgreSQL store (a URL) rather than a SQLite file (a path)."""
    return isinstance(db, str) and db.startswith(POSTGRES_SCHEMES)


def display_name(db: str | Path) -> str:
    """``db`` as messages show it: a URL with its password masked, or the path."""
    return masked(db) if is_url(db) else str(db)


def masked(url: str | Path) -> str:
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


def one_line(exc: BaseException) -> str:
    """An error's message on one line (PostgreSQL's come with DETAIL and HINT lines)."""
    return " ".join(str(exc).split())


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """What the store asks of its connection: sqlite3's, or the PostgreSQL backend's, which
    takes the same SQL."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    def close(self) -> None: ...


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """One write transaction: committed at the end, rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class Backend(Protocol):
    """What differs between the databases a store can be kept in."""

    #: What a write can fail with, turned into :class:`~storyline.errors.StoreError`.
    errors: tuple[type[Exception], ...]
    #: How a read-only snapshot begins.
    begin_read: str

    def watch_connection(self) -> Any:
        """A second connection that reads the generation, usable from any thread."""
        ...

    # -- migrations (storyline.store.schema.migrate) --

    def migration_lock(self, db: Database) -> AbstractContextManager[None]:
        """Held while migrations are applied: one migrator at a time."""
        ...

    def has_migrations(self, db: Database) -> bool:
        """Whether the table ``schema_migrations`` exists."""
        ...

    def prepare_migrations(self, db: Database, pending: set[int]) -> None:
        """Before the ``pending`` migrations are applied (under the migration lock)."""
        ...

    def statements(self, version: int, sql: str) -> Iterable[str]:
        """Migration ``version``'s statements as this database takes them."""
        ...

    # -- writing and reading --

    def embedding_type(self, db: Database) -> str:
        """How article embeddings are stored: the column's type as the database spells it."""
        ...

    def resize_embeddings(self, db: Database, dimensions: int) -> None:
        """Ready the embedding column for vectors of ``dimensions`` replacing the stored ones
        (of another model), inside the transaction that writes them."""
        ...

    def lock_corpus(self, db: Database) -> None:
        """Keep other writers of cross-article results out until this transaction ends."""
        ...

    def before_insert(self, db: Database, documents: Sequence[Document]) -> Sequence[Document]:
        """Ready the database for ``documents``; returns them in the order to insert them."""
        ...

    def index_text(self, db: Database, article: Article) -> None:
        """Add an article to the full-text search index."""
        ...

    def search(self, db: Database, query: str, limit: int | None) -> list[str]:
        """Ids of the articles whose title or body hold every word of ``query``, best first."""
        ...

    def matching(self, query: str) -> tuple[str, list[Any]]:
        """A query selecting the ids of the articles :meth:`search` finds (in no order), and
        its parameters: what other queries filter by."""
        ...

    def table_names(self, db: Database) -> list[str]:
        """Every table of the store, by name."""
        ...
