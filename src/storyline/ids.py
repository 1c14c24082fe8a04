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
