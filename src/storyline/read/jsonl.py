"""JSONL inputs (files and standard input): one article a line, in the agreed shape; a bad
line fails alone with its reason, named ``FILE:LINE``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.dates import parse_given_date
from storyline.read.files import ReadResult, Unreadable, open_or_failure, size_label
from storyline.records import RawDocument, ReadFailure
from storyline.settings import ReadSettings

#: Optional JSONL string fields carried into the raw document; others are ignored.
OPTIONAL_FIELDS = ("id", "title", "published", "outlet", "url", "language")


def _decode_line(data: bytes) -> str:
    """A JSONL line's text: JSON is UTF-8 (RFC 8259), so nothing is guessed here."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise Unreadable(f"not UTF-8 text (byte 0x{byte:02x} at offset {exc.start})") from exc


def read_jsonl(path: Path, settings: ReadSettings) -> Iterator[ReadResult]:
    """One raw document per line; a bad line fails alone. The size limit applies per line,
    since the file is streamed and may legitimately be large."""
    handle = open_or_failure(path)
    if isinstance(handle, ReadFailure):
        yield handle
        return
    with handle:
        yield from jsonl_lines(str(path), handle, settings)


def jsonl_lines(name: str, lines: Iterable[bytes], settings: ReadSettings) -> Iterator[ReadResult]:
    """A raw document or a failure per non-blank line, each named ``name:LINE``, as they come."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source = f"{name}:{lineno}"
        try:
            yield _jsonl_record(source, line, settings.max_file_bytes)
        except Unreadable as exc:
            yield ReadFailure(source, str(exc))


def _jsonl_record(source: str, line: bytes, limit: int) -> RawDocument:
    _check_line_size(len(line), limit)
    try:
        value = json.loads(_decode_line(line))
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at")  # "Invalid control character at"
        raise Unreadable(f"bad JSON ({message} at column {exc.colno})") from exc
    if not isinstance(value, dict):
        raise Unreadable(f"expected a JSON object, got {type(value).__name__}")
    return _raw_from_object(source, value)


def document_from_object(
    source: str, value: dict[str, Any], size: int, limit: int
) -> RawDocument | ReadFailure:
    """One input object (a JSONL line's, or an article posted to the HTTP API) as a raw
    document, or the failure that says why it cannot be one. ``size`` is the bytes of the
    object's JSONL line, held to ``limit`` (``read.max_file_bytes``) as an input line is."""
    try:
        _check_line_size(size, limit)
        return _raw_from_object(source, value)
    except Unreadable as exc:
        return ReadFailure(source, str(exc))


def _check_line_size(size: int, limit: int) -> None:
    if size > limit:
        raise Unreadable(f"line larger than {size_label(limit)} limit (read.max_file_bytes)")


def _raw_from_object(source: str, value: dict[str, Any]) -> RawDocument:
    fields = {name: _optional_string(value, name) for name in (*OPTIONAL_FIELDS, "text", "html")}
    if (fields["text"] is None) == (fields["html"] is None):
        raise Unreadable('needs exactly one of "text" or "html" (a string)')
    body = fields["text"] if fields["text"] is not None else fields["html"]
    if not (body or "").strip():
        raise Unreadable('"text"/"html" is empty')
    published = fields["published"]
    if published is not None and parse_given_date(published) is None:
        raise Unreadable(
            f'"published" is not a date (YYYY[-MM[-DD]], ISO 8601 or RFC 2822): {published!r}'
        )
    return RawDocument(
        source,
        fields["text"],
        fields["html"],
        fields["id"],
        fields["title"],
        published,
        fields["outlet"],
        fields["url"],
        language=fields["language"],
    )


def _optional_string(value: dict[str, Any], name: str) -> str | None:
    field = value.get(name)
    if field is None or isinstance(field, str):
        return field
    raise Unreadable(f'field "{name}" must be a string, got {type(field).__name__}')
