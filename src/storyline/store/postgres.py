"""The PostgreSQL store: :class:`~storyline.store.Store`'s interface on a shared server.

``Store("postgresql://user@host:port/dbname")`` opens one (``postgres://`` too). The SQL is
store.py's, written as SQLite spells it; :class:`_Connection` translates each statement once
(:func:`_translate`): ``?`` placeholders, ``INSERT OR IGNORE``/``OR REPLACE`` as ``ON
CONFLICT``, the column ``end`` (a reserved word here) quoted, ``BLOB`` as ``BYTEA``, text
columns in byte order and NULLs sorted first, as SQLite sorts them. What differs is here:
full-text search (``tsvector`` with a GIN index, where SQLite has FTS5), article embeddings
as pgvector's ``vector(n)`` where the extension can be had, and the locks that let several
writers work at once (migrations and cross-article results under advisory locks, rows
taken in one order).

Migrations are store.py's ``MIGRATIONS``, translated, except where a backend needs its own
(:data:`_OWN_MIGRATIONS`), and recorded in ``schema_migrations`` as SQLite records them.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo

from storyline.errors import StoreError
from storyline.records import Article, Document
from storyline.store.sqlite import MIGRATIONS, Float32Blob, Store, _masked, one_line

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
_OWN_MIGRATIONS = {4: _SEARCH_SCHEMA}

masked = _masked


class PostgresStore(Store):
    """A storyline store in a PostgreSQL database. ``pgvector=False`` keeps embeddings as
    ``bytea`` even where the extension exists (it only matters when the tables are made)."""

    _errors = (psycopg.Error,)
    _db: _Connection

    def __init__(self, url: str, pgvector: bool = True) -> None:
        self.path = masked(url)  # what messages show
        self._url = url
        self._want_pgvector = pgvector
        try:
            self._db = _Connection(_connect(url))
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({one_line(exc)})") from exc
        try:
            self._migrate()
            self._adapt_embeddings()
        except (psycopg.Error, StoreError) as exc:
            self._db.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"{self.path}: cannot open the store ({one_line(exc)})") from exc

    # -- schema ------------------------------------------------------------------------------

    def _migrate(self) -> None:
        if not self._pending():  # the usual case: no lock taken
            return
        self._db.execute("SELECT pg_advisory_lock(?)", (_MIGRATION_LOCK,))
        try:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version INTEGER PRIMARY KEY, description TEXT)"
            )
            pending = self._pending()  # again: another process may have migrated meanwhile
            if 1 in pending and self._want_pgvector:
                self._create_vector_extension()
            vector = self._want_pgvector and self._has_vector_type()
            for version, description, sql in MIGRATIONS:
                if version in pending:
                    with self._transaction():
                        for statement in _statements(version, sql, vector):
                            self._db.execute(statement)
                        self._db.execute(
                            "INSERT INTO schema_migrations VALUES (?, ?)", (version, description)
                        )
        finally:
            self._db.execute("SELECT pg_advisory_unlock(?)", (_MIGRATION_LOCK,))

    def _pending(self) -> set[int]:
        """The versions of ``MIGRATIONS`` not applied yet; refuses a newer storyline's store."""
        exists = self._db.value("SELECT to_regclass('schema_migrations') IS NOT NULL")
        applied = (
            {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
            if exists
            else set()
        )
        newest = MIGRATIONS[-1][0]
        if applied and max(applied) > newest:
            raise StoreError(
                f"{self.path}: written by a newer storyline (schema {max(applied)} > {newest}); "
                "upgrade storyline"
            )
        return {version for version, _, _ in MIGRATIONS} - applied

    def _create_vector_extension(self) -> None:
        # Not installed on the server, or not ours to install: embeddings go in bytea.
        with contextlib.suppress(psycopg.Error):
            self._db.execute("CREATE EXTENSION IF NOT EXISTS vector")

    def _has_vector_type(self) -> bool:
        return bool(self._db.value("SELECT to_regtype('vector') IS NOT NULL"))

    def embedding_type(self) -> str:
        """``vector(n)`` (pgvector; plain ``vector`` until the first embedding fixes ``n``)
        or ``bytea``."""
        return str(
            self._db.value(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = 'articles'::regclass AND attname = 'embedding'"
            )
        )

    def _adapt_embeddings(self) -> None:
        """Teach the driver pgvector's binary form, if the embeddings are vectors."""
        if not self.embedding_type().startswith("vector"):
            return
        info = TypeInfo.fetch(self._db.raw, "vector")
        assert info is not None  # the column has the type
        _register_vector(self._db.raw, info.oid)

    def _watch_connection(self) -> Any:
        return _connect(self._url)

    # -- transactions ------------------------------------------------------------------------

    _BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def _lock_corpus(self) -> None:
        # Two replacements interleaved would each delete only the rows it can see and then
        # collide on the other's; one at a time, the second sees the first's rows.
        self._db.execute("SELECT pg_advisory_xact_lock(?)", (_CORPUS_LOCK,))

    # -- articles ----------------------------------------------------------------------------

    def _insert_documents(self, documents: Sequence[Document]) -> None:
        # Writers adding the same new articles take their rows in one order (by id), so one
        # waits for the other instead of both deadlocking.
        ordered = sorted(documents, key=lambda d: d.article.id)
        self._fix_embedding_dimensions(ordered)
        super()._insert_documents(ordered)

    def _fix_embedding_dimensions(self, documents: Sequence[Document]) -> None:
        """Make a ``vector`` column ``vector(n)`` with the first embedding stored (the store
        knows no model, so ``n`` comes with the first one); later ones must have ``n`` too."""
        sizes = {len(d.embedding) for d in documents if d.embedding is not None}
        if not sizes or self.embedding_type() != "vector":
            return
        self._db.execute("SELECT pg_advisory_xact_lock(?)", (_EMBEDDING_LOCK,))
        if self.embedding_type() == "vector":  # no other writer fixed it meanwhile
            self._db.execute(
                f"ALTER TABLE articles ALTER COLUMN embedding TYPE vector({min(sizes)})"
            )

    def _index_text(self, article: Article) -> None:
        self._db.execute(
            "INSERT INTO article_search (article, document) VALUES (?, to_tsvector('simple', ?))",
            (article.id, _fold(f"{article.title or ''}\n{article.body_text}")),
        )

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Ids of the articles whose title or body hold every word of ``query``, best first
        (all of them, or the best ``limit``). ``plainto_tsquery`` reads the query as text:
        operators and quotes in it are no syntax."""
        words = _fold(query)
        if not words.split():
            return []
        rows = self._db.execute(
            "SELECT article FROM article_search, plainto_tsquery('simple', ?) AS q"
            " WHERE document @@ q ORDER BY ts_rank(document, q) DESC, article LIMIT ?",
            (words, limit),  # LIMIT NULL: no limit
        )
        return [row[0] for row in rows]

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        tables = [
            row[0]
            for row in self._db.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() ORDER BY table_name"
            )
        ]
        return {
            t: sorted(self._db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables
        }


def _connect(url: str) -> psycopg.Connection[Any]:
    # Autocommit: the store opens its transactions itself (BEGIN ... COMMIT), as with SQLite.
    # No prepared statements: one made before the embedding column got its dimension would
    # fail after ("cached plan must not change result type").
    return psycopg.connect(url, autocommit=True, prepare_threshold=None)


def _fold(text: str) -> str:
    """``text`` lowercased with accents taken off (é → e), as FTS5's remove_diacritics does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _statements(version: int, sql: str, vector: bool) -> Iterator[str]:
    """Migration ``version``'s statements: its own for PostgreSQL, or SQLite's (which the
    connection translates)."""
    sql = _OWN_MIGRATIONS.get(version, sql)
    if vector:
        sql = sql.replace("embedding BLOB", "embedding vector")
    yield from filter(str.strip, sql.split(";"))


# -- the dialect -----------------------------------------------------------------------------

#: What the translation rewrites, with string literals and quoted names matched first so
#: that nothing inside them is touched.
_TOKENS = re.compile(
    r"""(?P<literal>'(?:[^']|'')*'|"[^"]*")"""
    r"|\?(?P<number>\d*)"
    r"|(?P<end>\bend\b)"
    r"|(?P<empty_in>\bIN \(\))"
    r"|(?P<percent>%)"
    r"|(?P<blob>\bBLOB\b)"
    r"|(?P<text>\bTEXT\b)"
)
_INSERT_OR = re.compile(r"\s*INSERT OR (?P<verb>IGNORE|REPLACE) INTO (?P<table>\w+)\s*")


@dataclass(frozen=True)
class _Statement:
    """A statement in PostgreSQL's spelling. ``order`` maps its ``%s`` marks to the SQLite
    statement's numbered parameters (``?1``), when it had those; ``table`` is the table an
    ``INSERT OR ...`` writes, whose key orders the rows of one batch."""

    sql: str
    order: tuple[int, ...] | None = None
    table: str | None = None
    columns: tuple[str, ...] | None = None

    def arrange(self, params: Sequence[Any]) -> Sequence[Any]:
        if self.order is None:
            return params
        return [params[i - 1] for i in self.order]


@functools.lru_cache(maxsize=1024)
def _translate(sql: str) -> _Statement:
    """``sql`` as SQLite spells it, as PostgreSQL does; ``INSERT OR REPLACE`` is finished by
    :meth:`_Connection._statement`, which knows the table's key."""
    if sql.strip() == "BEGIN IMMEDIATE":  # PostgreSQL locks rows as they are written
        return _Statement("BEGIN")
    ddl = sql.lstrip().upper().startswith(("CREATE", "ALTER"))
    numbers: list[int] = []

    def rewrite(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "number":
            if match["number"]:
                numbers.append(int(match["number"]))
            return "%s"
        replacements = {
            "end": '"end"',
            "empty_in": "IN (NULL)",  # SQLite takes an empty list; NULL matches nothing
            "percent": "%%",
            "blob": "BYTEA",
            # Text compared and sorted by bytes, as SQLite does, whatever the database's
            # collation: ids, dates and sort orders come out the same on both.
            "text": 'TEXT COLLATE "C"' if ddl else "TEXT",
        }
        return replacements.get(kind or "", match[0])

    translated = _TOKENS.sub(rewrite, sql)
    translated = _nulls_first(translated)
    insert = _INSERT_OR.match(translated)
    columns = None
    if insert:
        rest = translated[insert.end() :]
        listed = re.match(r"\(([^)]*)\)\s*VALUES", rest)
        if listed:
            columns = tuple(c.strip().strip('"') for c in listed[1].split(","))
        translated = f"INSERT INTO {insert['table']} {rest}"
        if insert["verb"] == "IGNORE":
            translated += " ON CONFLICT DO NOTHING"
        else:
            translated += " ON CONFLICT {replace}"
    return _Statement(
        translated,
        tuple(numbers) if numbers else None,
        insert["table"] if insert else None,
        columns,
    )


def _nulls_first(sql: str) -> str:
    """``sql`` with each ORDER BY sorting NULLs as SQLite does: first going up, last going
    down (PostgreSQL does the opposite)."""
    out, rest = "", sql
    while (found := re.search(r"\bORDER BY ", rest)) is not None:
        out += rest[: found.end()]
        rest = rest[found.end() :]
        terms, end = _order_terms(rest)
        out += ", ".join(
            f"{t} NULLS LAST" if t.upper().endswith(" DESC") else f"{t} NULLS FIRST" for t in terms
        )
        rest = rest[end:]
    return out + rest


def _order_terms(sql: str) -> tuple[list[str], int]:
    """The comma-separated terms ``sql`` begins with, up to a LIMIT, a closing parenthesis or
    its end (commas inside parentheses kept), and where they end."""
    terms, depth, start, i = [], 0, 0, 0
    while i < len(sql):
        char = sql[i]
        if depth == 0 and (char == ")" or re.match(r"\s+LIMIT\b", sql[i:])):
            break
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(sql[start:i].strip())
            start = i + 1
        i += 1
    terms.append(sql[start:i].strip())
    return terms, len(sql[:i].rstrip())


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

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row ``sql`` returns (it must return one)."""
        row = self.execute(sql, params).fetchone()
        assert row is not None, sql
        return row[0]

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

    def _statement(self, sql: str) -> _Statement:
        statement = _translate(sql)
        if statement.table is None or "{replace}" not in statement.sql:
            return statement
        # SQLite's REPLACE deletes the row and inserts the new one: every column not given
        # takes its default again, which is what EXCLUDED holds for them.
        columns, key = self._table_keys(statement.table)
        updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in key)
        target = ", ".join(f'"{c}"' for c in key)
        action = f"({target}) DO UPDATE SET {updates}" if updates else "DO NOTHING"
        return _Statement(
            statement.sql.replace("{replace}", action),
            statement.order,
            statement.table,
            statement.columns,
        )

    def _key_positions(self, statement: _Statement) -> list[int]:
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
