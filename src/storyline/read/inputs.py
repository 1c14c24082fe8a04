"""READ: turn paths (files and folders) into raw documents, streaming.

One reader per input kind (``.txt``, ``.html``/``.htm``, ``.jsonl`` in :mod:`storyline.read.jsonl`,
and web archives, ``.warc``/``.warc.gz``, in :mod:`storyline.read.warc`); ``-`` is JSONL on
standard input. Nothing here judges content: an input that cannot be read as text, or a JSONL
line that is not in the agreed shape, becomes a :class:`ReadFailure` with a reason a person can
act on, and the rest goes on. A document read elsewhere (a fetched feed page) may be given in
place of a path: it passes through as it is."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.read.files import ReadResult, Unreadable, decode_file, read_bytes
from storyline.read.jsonl import jsonl_lines, read_jsonl
from storyline.records import PassedOver, RawDocument, ReadFailure
from storyline.settings import ReadSettings

#: What ``read_inputs`` takes: a path (``-`` for standard input), or something already read.
Input = str | Path | RawDocument | ReadFailure | PassedOver

HTML_SUFFIXES = frozenset({".html", ".htm"})
WARC_SUFFIXES = (".warc", ".warc.gz")
#: The input name that stands for JSONL on standard input, and the source its lines carry.
STDIN = "-"
STDIN_SOURCE = "<stdin>"


def read_inputs(inputs: Iterable[Input], settings: ReadSettings) -> Iterator[ReadResult]:
    """Yield a raw document, a passed-over record or a failure for every input under
    ``inputs``, in a stable order."""
    extensions = {ext.lower() for ext in settings.extensions}
    known = ", ".join(sorted(extensions))
    for given in inputs:
        if isinstance(given, RawDocument | ReadFailure | PassedOver):
            yield given
            continue
        path = Path(given)
        if str(given) == STDIN:
            yield from jsonl_lines(STDIN_SOURCE, sys.stdin.buffer, settings)
        elif path.is_dir():
            files = _files_under(path, extensions)
            if not files:
                # Else an empty folder (or one of PDFs) would read as "0 new articles".
                yield ReadFailure(
                    str(path), f"no file storyline reads in this folder (it reads {known})"
                )
            for file in files:
                yield from _read_file(file, settings)
        elif not path.exists():
            yield ReadFailure(str(path), "no such file or folder")
        elif _kind(path, extensions) is None:
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
        yield from read_jsonl(path, settings)
        return
    if name.endswith(WARC_SUFFIXES):
        from storyline.read.warc import read_warc

        yield from read_warc(path, settings)
        return
    html = name.endswith(tuple(HTML_SUFFIXES))
    try:
        text = decode_file(read_bytes(path, settings.max_file_bytes), html)
    except Unreadable as exc:
        yield ReadFailure(str(path), str(exc))
        return
    if html:
        yield RawDocument(source=str(path), html=text)
    else:
        yield RawDocument(source=str(path), text=text)
