"""Exports: JSONL of articles, stories and threads (a contract: see "The export contract" in
docs/architecture.md), Markdown and HTML reports, as ``storyline export`` writes them.

The rows are made by :mod:`storyline.report.render.rows`, the reports by
:mod:`storyline.report.render.markdown` and :mod:`storyline.report.render.html`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from storyline.errors import ConfigError
from storyline.records import Corpus
from storyline.report.render.html import html_report
from storyline.report.render.markdown import markdown_report
from storyline.report.render.rows import article_rows, story_rows, thread_rows
from storyline.report.story import membership_basis
from storyline.settings import Settings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = ["FORMATS", "export_text", "write_jsonl"]

#: What ``storyline export --format`` accepts.
FORMATS = ("jsonl", "stories", "threads", "md", "html")


def export_text(
    corpus: Corpus,
    format: str,
    settings: Settings,
    embedder: Embedder | None = None,
    vectors: bool = False,
) -> str:
    """The whole export in one format, as the CLI writes it. ``vectors`` adds each article's
    embedding to the ``jsonl`` rows (``vector``); the other formats have no articles' rows
    to add it to."""
    if vectors and format != "jsonl":
        raise ConfigError(
            f"vectors are exported with the articles (format jsonl), not with {format!r}"
        )
    if format == "jsonl":
        return _jsonl_text(article_rows(corpus, vectors))
    if format == "stories":
        return _jsonl_text(story_rows(corpus, settings.summary, embedder))
    if format == "threads":
        return _jsonl_text(thread_rows(corpus, settings.summary, embedder))
    if format == "md":
        return markdown_report(
            corpus, settings.summary, embedder, membership_basis(corpus, settings)
        )
    if format == "html":
        return html_report(corpus, settings.summary, embedder, membership_basis(corpus, settings))
    raise ConfigError(f"unknown export format {format!r} (known: {', '.join(FORMATS)})")


def _jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    stream = io.StringIO()
    write_jsonl(rows, stream)
    return stream.getvalue()


# --------------------------------------------------------------------------- JSONL


def write_jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """One JSON object a line (UTF-8 kept readable); returns the number of rows."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count
