"""The SQL dialect: the store's SQL, written as SQLite spells it, as PostgreSQL spells it.

:func:`translate` rewrites each statement once: ``?`` placeholders (numbered ones too) as
``%s``, ``INSERT OR IGNORE``/``OR REPLACE`` as ``ON CONFLICT``, the column ``end`` (a
reserved word there) quoted, ``BLOB`` as ``BYTEA``, text columns in byte order and NULLs
sorted first, as SQLite sorts them. ``INSERT OR REPLACE`` needs the table's key, which only
the database knows: :func:`replaced` finishes it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
class Statement:
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
def translate(sql: str) -> Statement:
    """``sql`` as SQLite spells it, as PostgreSQL does; ``INSERT OR REPLACE`` is finished by
    :func:`replaced`, which knows the table's key."""
    if sql.strip() == "BEGIN IMMEDIATE":  # PostgreSQL locks rows as they are written
        return Statement("BEGIN")
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
    return Statement(
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


def replaced(statement: Statement, columns: Sequence[str], key: Sequence[str]) -> Statement:
    """An ``INSERT OR REPLACE`` statement finished for a table with ``columns`` (in order) and
    the primary key ``key``.

    SQLite's REPLACE deletes the row and inserts the new one: every column not given takes its
    default again, which is what EXCLUDED holds for them.
    """
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in key)
    target = ", ".join(f'"{c}"' for c in key)
    action = f"({target}) DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return Statement(
        statement.sql.replace("{replace}", action),
        statement.order,
        statement.table,
        statement.columns,
    )
