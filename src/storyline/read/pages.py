"""Web pages before cleaning: their text, in the encoding they were sent in, and the language
they declare.

Shared by the readers that get pages as bytes with HTTP headers: web archives
(:mod:`storyline.read.warc`) and feeds (:mod:`storyline.read.feeds`), and HTML files on disk
(:mod:`storyline.read.files`, which also takes :func:`guessed_text` for text files).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from email.utils import parsedate_to_datetime

#: Media types read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The <html> tag and a <meta charset> sit at the top of a page: only this much is searched.
HEAD_BYTES = 8192

_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# `lang` or `xml:lang` on the <html> tag.
_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]+)*)", re.I
)


def media_type(content_type: str | None) -> str:
    """``text/html`` of ``text/html; charset=utf-8``; empty when there is none."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html(content_type: str | None) -> bool:
    return media_type(content_type) in HTML_TYPES


def decode_html(data: bytes, content_type: str | None) -> str:
    """The page's text: in the charset its headers or its ``<meta>`` declare, else UTF-8, else
    the charset charset-normalizer finds most likely (pages on the web come in many)."""
    for declared in (_header_charset(content_type), _meta_charset(data)):
        if declared:
            try:
                # A wrong byte or two in a page that declares its charset is the page's
                # error, not a reason to guess another charset for all of it.
                return data.decode(declared, errors="replace").removeprefix("\ufeff")
            except LookupError:  # a charset Python does not know: guess instead
                pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _guessed(data)


def _header_charset(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return found.group(1) if found else None


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:HEAD_BYTES])
    return found.group(1).decode("ascii", errors="replace") if found else None


def _guessed(data: bytes) -> str:
    guessed = guessed_text(data)
    return guessed if guessed is not None else data.decode("utf-8", errors="replace")


def guessed_text(data: bytes) -> str | None:
    """``data`` in the legacy encoding charset-normalizer finds, or None when none fits.

    A short text fits many single-byte encodings equally well ("señor" reads as "seńor" in
    cp1250); windows-1252 is taken whenever it fits as well as the best, as browsers do with
    unlabelled Western pages (WHATWG Encoding) and as the English models here expect.
    """
    import charset_normalizer  # lazily: only bytes that are not UTF-8 need it

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    return str(western if western is not None and western.chaos <= best.chaos else best)


def declared_languages(html: str, content_language: str | None) -> list[str]:
    """The languages a page declares: its ``<html lang>``, else its Content-Language header
    (which may list several); empty when it declares none. No language is guessed from the
    text: a model for that would be heavier than what it decides here."""
    found = _HTML_LANG.search(html[:HEAD_BYTES])
    if found:
        return [found.group(1)]
    return [part.strip() for part in (content_language or "").split(",") if part.strip()]


def language_refusal(html: str, content_language: str | None, wanted: Sequence[str]) -> str | None:
    """Why a page is passed over for its language (``read.languages``), or None to keep it.

    Codes match on their primary subtag ("en-GB" is "en"); a page that declares no language
    is kept, and so is every page when ``wanted`` is empty.
    """
    declared = declared_languages(html, content_language)
    if not wanted or not declared:
        return None
    wanted_primary = {code.split("-")[0].lower() for code in wanted}
    if any(code.split("-")[0].lower() in wanted_primary for code in declared):
        return None
    return f"language {', '.join(declared)} not in read.languages ({', '.join(wanted)})"


def http_date(value: str | None) -> str | None:
    """The ISO day of an HTTP date (``Last-Modified: Thu, 09 Feb 2006 10:00:00 GMT``)."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def iso_day(value: str | None) -> str | None:
    """The ISO day of an ISO 8601 timestamp (``WARC-Date: 2024-05-01T12:00:00Z``)."""
    try:
        return dt.datetime.fromisoformat(value).date().isoformat() if value else None
    except ValueError:
        return None
