"""The PostgreSQL backend: a store on a shared server.

``Store("postgresql://user@host:port/dbname")`` opens one (``postgres://`` too). The SQL is
the store's, written as SQLite spells it; :class:`_Connection` translates each statement once
(:mod:`storyline.store.dialect`). What differs is here: full-text search (``tsvector`` with a
GIN index, where SQLite has FTS5), article embeddings as pgvector's ``vector(n)`` where the
extension can be had, and the locks that let several writers work at once (migrations and
cross-article results under advisory locks, rows taken in one order).

Migrations are the schema's (:data:`~storyline.store.schema.MIGRATIONS`), translated, except
where this backend needs its own (:data:`_OWN_MIGRATIONS`). This module imports the optional
driver, psycopg: it is imported only when a PostgreSQL store is opened.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo

from storyline.records import Article, Document
from storyline.store.backend import Database
from storyline.store.dialect import Statement, replaced, translate
from storyline.store.rows import Float32Blob
from storyline.store.schema import split_statements

#: Advisory lock keys (per database): one migrator at a time, one writer of the
#: cross-article results at a time, one change of the embedding column's type.
_MIGRATION_LOCK = 0x73746F72_796C0001
_CORPUS_LOCK = 0x73746F72_796C0002
_EMBEDDING_LOCK = 0x73746F72_796C0003

#: Search as SQLite's FTS5 (unicode61, remove_diacritics) does it: whole words, no stemming,
#: case and accents ignored. The 'simple' configuration lowercases and stems nothing; accents
#: are taken off in Python (:func:`_fold`), where it needs no extension.
_SEARCH_SCHEMA = """
CREATE TABLE article_search (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    document TSVECTOR NOT NULL
);
CREATE INDEX article_search_document ON article_search USING GIN (document)
"""

#: Migrations whose SQLite spelling has no PostgreSQL translation: version -> SQL.
_OWN_MIGRATIONS = {4: _SEARCH_SCHEMA, 15: ""}  # 15: the search table holds the id already


class PostgresBackend:
    """A store in the PostgreSQL database at ``url``. ``pgvector=False`` keeps embeddings as
    ``bytea`` even where the extension exists (it only matters when the tables are made)."""

    errors: tuple[type[Exception], ...] = (psycopg.Error,)
    begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def __init__(self, url: str, pgvector: bool = True) -> None:
        self._url = url
        self._want_pgvector = pgvector
        self._vector = False  # whether migrations make the embedding column a vector

    def connect(self) -> _Connection:
        return _Connection(_connect(self._url))

    def watch_connection(self) -> Any:
        return _connect(self._url)

    # -- migrations --------------------------------------------------------------------------

    @contextlib.contextmanager
    def migration_lock(self, db: Database) -> Iterator[None]:
        db.execute("SELECT pg_advisory_lock(?)", (_MIGRATION_LOCK,))
        try:
            yield
        finally:
            db.execute("SELECT pg_advisory_unlock(?)", (_MIGRATION_LOCK,))

    def has_migrations(self, db: Database) -> bool:
        return bool(_value(db, "SELECT to_regclass('schema_migrations') IS NOT NULL"))

    def prepare_migrations(self, db: Database, pending: set[int]) -> None:
        if 1 in pending and self._want_pgvector:
            # Not installed on the server, or not ours to install: embeddings go in bytea.
            with contextlib.suppress(psycopg.Error):
                db.execute("CREATE EXTENSION IF NOT EXISTS vector")
        self._vector = self._want_pgvector and bool(
            _value(db, "SELECT to_regtype('vector') IS NOT NULL")
        )

    def statements(self, version: int, sql: str) -> Iterator[str]:
        """Migration ``version``'s statements: its own for PostgreSQL, or SQLite's (which the
        connection translates)."""
        sql = _OWN_MIGRATIONS.get(version, sql)
        if self._vector:
            sql = sql.replace("embedding BLOB", "embedding vector")
        yield from split_statements(sql)

    # -- writing and reading -----------------------------------------------------------------

    def embedding_type(self, db: Database) -> str:
        """``vector(n)`` (pgvector; plain ``vector`` until the first embedding fixes ``n``)
        or ``bytea``."""
        return str(
            _value(
                db,
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = 'articles'::regclass AND attname = 'embedding'",
            )
        )

    def adapt_embeddings(self, db: _Connection) -> None:
        """Teach the driver pgvector's binary form, if the embeddings are vectors."""
        if not self.embedding_type(db).startswith("vector"):
            return
        info = TypeInfo.fetch(db.raw, "vector")
        assert info is not None  # the column has the type
        _register_vector(db.raw, info.oid)

    def lock_corpus(self, db: Database) -> None:
        # Two replacements interleaved would each delete only the rows it can see and then
        # collide on the other's; one at a time, the second sees the first's rows.
        db.execute("SELECT pg_advisory_xact_lock(?)", (_CORPUS_LOCK,))

    def before_insert(self, db: Database, documents: Sequence[Document]) -> Sequence[Document]:
        # Writers adding the same new articles take their rows in one order (by id), so one
        # waits for the other instead of both deadlocking.
        ordered = sorted(documents, key=lambda d: d.article.id)
        self._fix_embedding_dimensions(db, ordered)
        return ordered

    def _fix_embedding_dimensions(self, db: Database, documents: Sequence[Document]) -> None:
        """Make a ``vector`` column ``vector(n)`` with the first embedding stored (the store
        knows no model, so ``n`` comes with the first one); later ones must have ``n`` too."""
        sizes = {len(d.embedding) for d in documents if d.embedding is not None}
        if not sizes or self.embedding_type(db) != "vector":
            return
        db.execute("SELECT pg_advisory_xact_lock(?)", (_EMBEDDING_LOCK,))
        if self.embedding_type(db) == "vector":  # no other writer fixed it meanwhile
            db.execute(f"ALTER TABLE articles ALTER COLUMN embedding TYPE vector({min(sizes)})")

    def resize_embeddings(self, db: Database, dimensions: int) -> None:
        """Make a ``vector(n)`` column ``vector(dimensions)``. pgvector cannot convert a vector
        to other dimensions, and the vectors held are another model's, each replaced before
        any grouping reads them, so the column is emptied (``USING NULL``): the articles not
        replaced yet keep their model's name, so they are still found to replace. Done in the
        transaction that writes the first new vectors. ``bytea`` holds any number of
        floats."""
        held = self.embedding_type(db)
        if not held.startswith("vector") or held == f"vector({dimensions})":
            return
        db.execute("SELECT pg_advisory_xact_lock(?)", (_EMBEDDING_LOCK,))
        if self.embedding_type(db) != f"vector({dimensions})":  # not resized meanwhile
            db.execute(
                "ALTER TABLE articles ALTER COLUMN embedding"
                f" TYPE vector({int(dimensions)}) USING NULL"
            )

    def index_text(self, db: Database, article: Article) -> None:
        db.execute(
            "INSERT INTO article_search (article, document) VALUES (?, to_tsvector('simple', ?))",
            (article.id, _fold(f"{article.title or ''}\n{article.body_text}")),
        )

    def search(self, db: Database, query: str, limit: int | None) -> list[str]:
        # plainto_tsquery reads the query as text: operators and quotes in it are no syntax.
        words = _fold(query)
        if not words.split():
            return []
        rows = db.execute(
            "SELECT article FROM article_search, plainto_tsquery('simple', ?) AS q"
            " WHERE document @@ q ORDER BY ts_rank(document, q) DESC, article LIMIT ?",
            (words, limit),  # LIMIT NULL: no limit
        )
        return [row[0] for row in rows]

    def matching(self, query: str) -> tuple[str, list[Any]]:
        return (
            "SELECT article FROM article_search WHERE document @@ plainto_tsquery('simple', ?)",
            [_fold(query)],
        )

    def table_names(self, db: Database) -> list[str]:
        return [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() ORDER BY table_name"
            )
        ]


def _value(db: Database, sql: str) -> Any:
    """The first column of the first row ``sql`` returns (it must return one)."""
    row = db.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]


def _connect(url: str) -> psycopg.Connection[Any]:
    # Autocommit: the store opens its transactions itself (BEGIN ... COMMIT), as with SQLite.
    # No prepared statements: one made before the embedding column got its dimension would
    # fail after ("cached plan must not change result type").
    return psycopg.connect(url, autocommit=True, prepare_threshold=None)


def _fold(text: str) -> str:
    """``text`` lowercased with accents taken off (é → e), as FTS5's remove_diacritics does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _Connection:
    """A psycopg connection that takes the store's SQL as SQLite spells it, with sqlite3's
    ``execute``/``executemany`` returning a cursor. Results come in binary form: pgvector's
    is exact, where its text form would round the floats."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.raw = connection
        self._keys: dict[str, tuple[list[str], list[str]]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        statement = self._statement(sql)
        cursor = self.raw.cursor(binary=True)
        return cursor.execute(statement.sql, list(statement.arrange(params)))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        statement = self._statement(sql)
        arranged = [statement.arrange(row) for row in rows]
        if statement.table is not None:
            # Concurrent writers of the same keys take them in one order: no deadlock.
            key = self._key_positions(statement)
            arranged.sort(key=lambda row: [repr(row[i]) for i in key])
        cursor = self.raw.cursor(binary=True)
        cursor.executemany(statement.sql, arranged)
        return cursor

    def close(self) -> None:
        self.raw.close()

    def _statement(self, sql: str) -> Statement:
        statement = translate(sql)
        if statement.table is None or "{replace}" not in statement.sql:
            return statement
        return replaced(statement, *self._table_keys(statement.table))

    def _key_positions(self, statement: Statement) -> list[int]:
        assert statement.table is not None
        columns, key = self._table_keys(statement.table)
        given = list(statement.columns or columns)
        return [given.index(c) for c in key if c in given]

    def _table_keys(self, table: str) -> tuple[list[str], list[str]]:
        """A table's columns (in order) and its primary key's."""
        if table not in self._keys:
            columns = [
                row[0]
                for row in self.raw.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s"
                    " AND is_generated = 'NEVER' ORDER BY ordinal_position",
                    (table,),
                )
            ]
            key = [
                row[0]
                for row in self.raw.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                    " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                    " WHERE i.indrelid = %s::regclass AND i.indisprimary"
                    " ORDER BY array_position(i.indkey, a.attnum)",
                    (table,),
                )
            ]
            self._keys[table] = (columns, key)
        return self._keys[table]


# -- pgvector's binary form ------------------------------------------------------------------
# A vector is sent and received as: dimensions (uint16), a reserved uint16, then the float32
# values, all big-endian. The store reads and writes embeddings as float32 bytes in the
# machine's order (Float32Blob), as SQLite keeps them.


def _register_vector(connection: psycopg.Connection[Any], oid: int) -> None:
    class VectorDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> bytes:
            values = np.frombuffer(obj, dtype=np.float32)
            header = np.array([len(values), 0], dtype=">u2").tobytes()
            return header + values.astype(">f4").tobytes()

    class VectorLoader(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> bytes:
            size = int(np.frombuffer(bytes(data[:2]), dtype=">u2")[0])
            values = np.frombuffer(bytes(data[4 : 4 + 4 * size]), dtype=">f4")
            return Float32Blob(values.astype(np.float32).tobytes())

    VectorDumper.oid = oid
    connection.adapters.register_dumper(Float32Blob, VectorDumper)
    connection.adapters.register_loader(oid, VectorLoader)
