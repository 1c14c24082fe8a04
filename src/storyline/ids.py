"""Content-hash ids: the same content always gets the same id, so re-ingesting is a no-op."""

from __future__ import annotations

import hashlib

ID_LENGTH = 16


def content_id(prefix: str, *parts: str) -> str:
    """A short stable id: ``prefix`` + the first hex digits of sha256 over ``parts``.

    Parts are joined with a NUL byte so that ``("ab", "c")`` and ``("a", "bc")`` differ.
    """
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:ID_LENGTH]}"


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id(source: str, given_id: str | None, content: str) -> str:
    """The id of an input article: the id the input gives, else a hash of its name and content.

    Only the file name (not the folder) enters the hash, so moving a folder keeps ids; for a
    JSONL line (``path:line``) the line number is left out, so reordering lines keeps them too.
    """
    if given_id:
        return given_id
    name = source.replace("\\", "/").rsplit("/", 1)[-1].split(":", 1)[0]
    return content_id("a", name, content)
