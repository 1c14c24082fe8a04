"""READ for web archives: the HTML pages of a WARC file (``.warc``, ``.warc.gz``), streamed.

A WARC holds everything a crawler fetched: pages, images, scripts, redirects, errors. A
``response`` record becomes a raw HTML document (cleaned like any ``.html`` page) when its
HTTP status is 200, its content type is HTML and the language it declares is one of
``read.languages``; every other response is passed over with its reason. Records that are no
response (the crawl's ``warcinfo``, the ``request`` that asked for a page, ``metadata``,
``revisit``) hold no page and are not counted.

Record N (counting every record from 1) is named ``file.warc.gz#record-N``, so a re-run gives
the same sources and so the same article ids. A file cut short or garbled gives one failure
naming the record where it broke and its offset; the records before it are kept. Records are
read one at a time and a page at most ``read.max_file_bytes``: a WARC is never held in memory.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from storyline.read.files import ReadResult, open_or_failure, size_label
from storyline.read.pages import decode_html, http_date, is_html, iso_day, language_refusal
from storyline.read.pages import media_type as media_type_of
from storyline.records import Hints, PassedOver, RawDocument, ReadFailure
from storyline.settings import ReadSettings

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

#: Bytes read at a time when skipping the rest of a record.
_CHUNK = 1 << 16


class _Broken(Exception):
    """Internal: the WARC cannot be read on from here (cut short, not gzip, garbled)."""


class _Stream:
    """The file (decompressed, for ``.warc.gz``) as warcio reads it, counting what it gave.

    Python's gzip reader, unlike warcio's own, raises when a file ends inside a gzip member;
    a file that simply stops would otherwise read as a shorter, complete one. It is read with
    ``read1`` (one step at a time), so everything before the break is given before it raises.
    Errors become :class:`_Broken`, which warcio does not catch (it takes an ``EOFError`` for
    the end of the file).
    """

    def __init__(self, raw: IO[bytes], gzipped: bool) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else None
        self._raw = raw
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._gzip.read1(size) if self._gzip else self._raw.read(size)
        except (EOFError, OSError, zlib.error) as exc:
            raise _Broken(f"cut short or not gzip ({exc})") from exc
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position


def read_warc(path: Path, settings: ReadSettings) -> Iterator[ReadResult]:
    """One raw document or passed-over record per response record of the WARC at ``path``."""
    handle = open_or_failure(path)
    if isinstance(handle, ReadFailure):
        yield handle
        return
    with handle:
        yield from _records(path, _Stream(handle, path.name.lower().endswith(".gz")), settings)


def _records(path: Path, stream: _Stream, settings: ReadSettings) -> Iterator[ReadResult]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    broken = (_Broken, ArchiveLoadFailed, ValueError)
    iterator = ArchiveIterator(stream)
    records = iter(iterator)
    number = 1
    while True:
        offset = iterator.offset  # where the next record starts
        try:
            record = next(records, None)
            if record is None:
                break
            result = _read_record(f"{path}#record-{number}", record, settings)
        except broken as exc:
            yield _broken(path, number, f"byte {offset}", str(exc))
            return
        if result is not None:
            yield result
        try:
            iterator.read_to_end()  # the blank lines after it: a break there is the next one's
        except broken as exc:
            yield _broken(path, number + 1, f"after record {number}", str(exc))
            return
        number += 1
    # warcio takes a file that ends inside a record's headers for one that ended before it.
    if iterator.offset < stream.position:
        at = f"byte {iterator.offset}"
        yield _broken(path, number, at, "cut short inside the record's headers")


def _broken(path: Path, number: int, at: str, why: str) -> ReadFailure:
    if path.name.lower().endswith(".gz") and at.startswith("byte"):
        at += " of the uncompressed WARC"
    before = number - 1
    kept = f"the {before} record{'s' if before > 1 else ''} before it were read"
    if not before:
        kept = "no record read"
    return ReadFailure(
        f"{path}#record-{number}", f"broken WARC at record {number} ({at}): {why}; {kept}"
    )


def _read_record(source: str, record: ArcWarcRecord, settings: ReadSettings) -> ReadResult | None:
    """The record's page or why it is passed over (None: no response); raises :class:`_Broken`
    when the record is cut short, so that a partial page is never kept."""
    if record.rec_headers.get_header("Content-Length") is None:
        raise _Broken("a record without Content-Length (cut short or garbled)")
    result = _response(source, record, settings) if record.rec_type == "response" else None
    while record.raw_stream.read(_CHUNK):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise _Broken("cut short inside the record")
    return result


def _response(source: str, record: ArcWarcRecord, settings: ReadSettings) -> ReadResult:
    http = record.http_headers
    status = http.get_statuscode() if http else None
    if status != "200":
        return PassedOver(source, f"HTTP status {status or 'missing'}, not 200")
    content_type = http.get_header("Content-Type")
    if not is_html(content_type):
        return PassedOver(source, f"not HTML ({media_type_of(content_type) or 'no type'})")
    try:
        data = record.content_stream().read(settings.max_file_bytes + 1)
    except (zlib.error, OSError) as exc:
        return ReadFailure(source, f"cannot decode the page's content encoding ({exc})")
    if len(data) > settings.max_file_bytes:
        limit = size_label(settings.max_file_bytes)
        return ReadFailure(source, f"page larger than {limit} limit (read.max_file_bytes)")
    html = decode_html(data, content_type)
    if not html.strip():
        return PassedOver(source, "empty page")
    refusal = language_refusal(html, http.get_header("Content-Language"), settings.languages)
    if refusal:
        return PassedOver(source, refusal)
    url = record.rec_headers.get_header("WARC-Target-URI")
    return RawDocument(source=source, html=html, url=url, hints=_hints(record))


def _hints(record: ArcWarcRecord) -> Hints | None:
    """A publication date for a page that states none: when the server says it last changed,
    else when it was archived (a late bound: the page may be older); and the language the
    server declares, for a page too short to tell its own."""
    language = record.http_headers.get_header("Content-Language")
    modified = http_date(record.http_headers.get_header("Last-Modified"))
    if modified:
        return Hints(
            published=modified, published_origin="HTTP Last-Modified (WARC)", language=language
        )
    archived = iso_day(record.rec_headers.get_header("WARC-Date"))
    if archived:
        return Hints(
            published=archived, published_origin="WARC-Date (when archived)", language=language
        )
    return Hints(language=language) if language else None
