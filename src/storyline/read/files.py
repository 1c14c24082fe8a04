"""READ: turn paths (files and folders) into raw documents, streaming.

One reader per input kind (``.txt``, ``.html``/``.htm``, ``.jsonl``, and web archives,
``.warc``/``.warc.gz``, in :mod:`storyline.read.warc`); ``-`` is JSONL on standard input. Nothing
here judges content: an input that cannot be read as text, or a JSONL line that is not in the
agreed shape, becomes a :class:`ReadFailure` with a reason a person can act on, and the rest
goes on. A document read elsewhere (a fetched feed page) may be given in place of a path: it
passes through as it is.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from storyline.clean.metadata import parse_given_date
from storyline.records import PassedOver, RawDocument, ReadFailure
from storyline.settings import ReadSettings

ReadResult = RawDocument | ReadFailure | PassedOver
#: What ``read_inputs`` takes: a path (``-`` for standard input), or something already read.
Input = str | Path | RawDocument | ReadFailure | PassedOver

HTML_SUFFIXES = frozenset({".html", ".htm"})
WARC_SUFFIXES = (".warc", ".warc.gz")
#: The input name that stands for JSONL on standard input, and the source its lines carry.
STDIN = "-"
STDIN_SOURCE = "<stdin>"
#: Optional JSONL string fields carried into the raw document; others are ignored.
OPTIONAL_FIELDS = ("id", "title", "published", "outlet", "url")


class _Unreadable(Exception):
    """Internal: why some bytes cannot be used as text (becomes a ReadFailure)."""


def read_inputs(inputs: Iterable[Input], settings: ReadSettings) -> Iterator[ReadResult]:
    """Yield a raw document, a passed-over record or a failure for every input under
    ``inputs``, in a stable order."""
    extensions = {ext.lower() for ext in settings.extensions}
    for given in inputs:
        if isinstance(given, RawDocument | ReadFailure | PassedOver):
            yield given
            continue
        path = Path(given)
        if str(given) == STDIN:
            yield from _jsonl_lines(STDIN_SOURCE, sys.stdin.buffer, settings)
        elif path.is_dir():
            for file in _files_under(path, extensions):
                yield from _read_file(file, settings)
        elif not path.exists():
            yield ReadFailure(str(path), "no such file or folder")
        elif _kind(path, extensions) is None:
            known = ", ".join(sorted(extensions))
            yield ReadFailure(str(path), f"unknown input kind '{path.suffix}' (known: {known})")
        else:
            yield from _read_file(path, settings)


def _kind(path: Path, extensions: set[str]) -> str | None:
    """The known extension ``path`` ends with, the longest (``.warc.gz`` before ``.gz``)."""
    name = path.name.lower()
    endings = [ext for ext in extensions if name.endswith(ext) and len(name) > len(ext)]
    return max(endings, key=len, default=None)


def _files_under(folder: Path, extensions: set[str]) -> list[Path]:
    """Files of known kinds under ``folder``, recursively, sorted, hidden ones left out."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        hidden = any(part.startswith(".") for part in relative.parts)
        if not hidden and path.is_file() and _kind(path, extensions) is not None:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _read_file(path: Path, settings: ReadSettings) -> Iterator[ReadResult]:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        yield from _read_jsonl(path, settings)
        return
    if name.endswith(WARC_SUFFIXES):
        from storyline.read.warc import read_warc

        yield from read_warc(path, settings)
        return
    html = name.endswith(tuple(HTML_SUFFIXES))
    try:
        text = _decode_file(_read_bytes(path, settings.max_file_bytes), html)
    except _Unreadable as exc:
        yield ReadFailure(str(path), str(exc))
        return
    if html:
        yield RawDocument(source=str(path), html=text)
    else:
        yield RawDocument(source=str(path), text=text)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise _Unreadable(f"larger than {size_label(limit)} limit (read.max_file_bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise _Unreadable(f"cannot read file ({exc.strerror or exc})") from exc


def size_label(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1_000_000:g} MB"
    return f"{limit} bytes"


#: Byte-order marks and the codecs they announce; the UTF-32 ones first, since UTF-32 LE's
#: begins with UTF-16 LE's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode_file(data: bytes, html: bool) -> str:
    """A file's text: in the encoding its byte-order mark announces, else (HTML) the one its
    ``<meta>`` declares, else UTF-8, else the legacy encoding charset-normalizer finds (files
    saved on Windows or by old sites come in cp1252, latin-1, cp1251, ...), or why none fits."""
    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data:  # UTF-16 and UTF-32 without a mark, or not text at all
            raise _Unreadable("binary file (contains NUL bytes), not text")
        if html:
            from storyline.read.pages import decode_html

            text = decode_html(data, None)
        else:
            text = _utf8_or_guessed(data)
    if not text.strip():
        raise _Unreadable("empty file")
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                reason = f"not {codec} text, as its byte-order mark says ({exc.reason})"
                raise _Unreadable(reason) from exc
    return None


def _utf8_or_guessed(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from storyline.read.pages import guessed_text

        guessed = guessed_text(data)
        if guessed is None:
            byte = data[exc.start]
            raise _Unreadable(
                f"not text: not UTF-8 (byte 0x{byte:02x} at offset {exc.start}) and in no "
                "other encoding charset-normalizer knows"
            ) from exc
        return guessed


def _decode_line(data: bytes) -> str:
    """A JSONL line's text: JSON is UTF-8 (RFC 8259), so nothing is guessed here."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise _Unreadable(f"not UTF-8 text (byte 0x{byte:02x} at offset {exc.start})") from exc


def _read_jsonl(path: Path, settings: ReadSettings) -> Iterator[ReadResult]:
    """One raw document per line; a bad line fails alone. The size limit applies per line,
    since the file is streamed and may legitimately be large."""
    handle = open_or_failure(path)
    if isinstance(handle, ReadFailure):
        yield handle
        return
    with handle:
        yield from _jsonl_lines(str(path), handle, settings)


def open_or_failure(path: Path) -> IO[bytes] | ReadFailure:
    """``path`` open for streaming its bytes, or the failure that says why it cannot be."""
    try:
        return path.open("rb")
    except OSError as exc:
        return ReadFailure(str(path), f"cannot read file ({exc.strerror or exc})")


def _jsonl_lines(name: str, lines: Iterable[bytes], settings: ReadSettings) -> Iterator[ReadResult]:
    """A raw document or a failure per non-blank line, each named ``name:LINE``, as they come."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source = f"{name}:{lineno}"
        try:
            yield _jsonl_record(source, line, settings.max_file_bytes)
        except _Unreadable as exc:
            yield ReadFailure(source, str(exc))


def _jsonl_record(source: str, line: bytes, limit: int) -> RawDocument:
    _check_line_size(len(line), limit)
    try:
        value = json.loads(_decode_line(line))
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at")  # "Invalid control character at"
        raise _Unreadable(f"bad JSON ({message} at column {exc.colno})") from exc
    if not isinstance(value, dict):
        raise _Unreadable(f"expected a JSON object, got {type(value).__name__}")
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
    except _Unreadable as exc:
        return ReadFailure(source, str(exc))


def _check_line_size(size: int, limit: int) -> None:
    if size > limit:
        raise _Unreadable(f"line larger than {size_label(limit)} limit (read.max_file_bytes)")


def _raw_from_object(source: str, value: dict[str, Any]) -> RawDocument:
    fields = {name: _optional_string(value, name) for name in (*OPTIONAL_FIELDS, "text", "html")}
    if (fields["text"] is None) == (fields["html"] is None):
        raise _Unreadable('needs exactly one of "text" or "html" (a string)')
    body = fields["text"] if fields["text"] is not None else fields["html"]
    if not (body or "").strip():
        raise _Unreadable('"text"/"html" is empty')
    published = fields["published"]
    if published is not None and parse_given_date(published) is None:
        raise _Unreadable(
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
    )


def _optional_string(value: dict[str, Any], name: str) -> str | None:
    field = value.get(name)
    if field is None or isinstance(field, str):
        return field
    raise _Unreadable(f'field "{name}" must be a string, got {type(field).__name__}')
