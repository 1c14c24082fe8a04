"""What the store remembers for the steps besides articles and their results.

Vectors of texts (report sentences, clauses, headlines) by model and text hash, so that a
story is embedded once (``embed.CachedEmbedder``); what servers said identifies the version
of a URL they sent (ETag, Last-Modified), sent back on the next request (``read.feeds``);
and the inputs that could not be used, with why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.records import HttpValidators, ReadFailure
from storyline.store.core import StoreCore


class RememberedStore(StoreCore):
    """Cached text vectors, HTTP validators and the failure log."""

    # -- cached vectors ----------------------------------------------------------------------

    def text_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those ``keys`` that have one."""
        rows = self._rows_in("SELECT key, vector FROM text_vectors WHERE key IN ({})", keys)
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def save_text_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()]
        self._write(
            lambda: self._db.executemany(
                "INSERT OR IGNORE INTO text_vectors (key, vector) VALUES (?, ?)", rows
            ),
            "cached vectors",
        )

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
