"""One file's bytes as text: size limits, byte-order marks, UTF-8, and the legacy encodings
pages and old sites come in. What cannot be read as text says why (:class:`Unreadable`)."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import IO

from storyline.records import PassedOver, RawDocument, ReadFailure

ReadResult = RawDocument | ReadFailure | PassedOver


class Unreadable(Exception):
    """Internal: why some bytes cannot be used as text (becomes a ReadFailure)."""


def read_bytes(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise Unreadable(f"larger than {size_label(limit)} limit (read.max_file_bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read file ({exc.strerror or exc})") from exc


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


def decode_file(data: bytes, html: bool) -> str:
    """A file's text: in the encoding its byte-order mark announces, else (HTML) the one its
    ``<meta>`` declares, else UTF-8, else the legacy encoding charset-normalizer finds (files
    saved on Windows or by old sites come in cp1252, latin-1, cp1251, ...), or why none fits."""
    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data:  # UTF-16 and UTF-32 without a mark, or not text at all
            raise Unreadable("binary file (contains NUL bytes), not text")
        if html:
            from storyline.read.pages import decode_html

            text = decode_html(data, None)
        else:
            text = _utf8_or_guessed(data)
    if not text.strip():
        raise Unreadable("empty file")
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                reason = f"not {codec} text, as its byte-order mark says ({exc.reason})"
                raise Unreadable(reason) from exc
    return None


def _utf8_or_guessed(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from storyline.read.pages import guessed_text

        guessed = guessed_text(data)
        if guessed is None:
            byte = data[exc.start]
            raise Unreadable(
                f"not text: not UTF-8 (byte 0x{byte:02x} at offset {exc.start}) and in no "
                "other encoding charset-normalizer knows"
            ) from exc
        return guessed


def open_or_failure(path: Path) -> IO[bytes] | ReadFailure:
    """``path`` open for streaming its bytes, or the failure that says why it cannot be."""
    try:
        return path.open("rb")
    except OSError as exc:
        return ReadFailure(str(path), f"cannot read file ({exc.strerror or exc})")
