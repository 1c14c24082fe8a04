"""Bad inputs as users' folders hold them, written to a folder for the bad-input tests and
``benchmarks/bench_bad_input.py``: each with what storyline must say about it (a snippet of
the reason it is skipped), or that it must be kept (``None``: it can be read after all).

The good documents among them are the bundled example's articles, some saved in legacy
encodings, so that what is kept can be compared with the text as published.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from webpages import STORIES

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "russia-hamas"
#: The example article stored before the bad batch arrives, which must stay as it was.
STORED_FIRST = "000_3c4d5f14704a746b.txt"

_PARAGRAPH = (
    "<p>The minister visited the harbour on Tuesday and said the new terminal would open "
    "next spring, paragraph {}.</p>"
)
ARTICLE_HTML = "<h1>Minister visits port</h1>" + "".join(_PARAGRAPH.format(i) for i in range(6))


@dataclass(frozen=True)
class BadInput:
    """One input: its file name (``name:LINE`` for a JSONL line), kind, and expected outcome."""

    source: str
    kind: str
    reason: str | None  # a snippet of the reason it is skipped; None: kept


def example(name: str) -> str:
    return (EXAMPLE_DIR / name).read_text("utf-8")


def _jsonl(lines: list[tuple[str, str | None, bytes]]) -> Callable[[Path], list[BadInput]]:
    def write(folder: Path) -> list[BadInput]:
        (folder / "api-dump.jsonl").write_bytes(b"\n".join(line for _, _, line in lines) + b"\n")
        return [
            BadInput(f"api-dump.jsonl:{number}", kind, reason)
            for number, (kind, reason, _) in enumerate(lines, start=1)
        ]

    return write


def _obj(**fields: object) -> bytes:
    return json.dumps(fields).encode()


#: JSONL lines from a news API: the good, the malformed and the wrongly typed.
JSONL_LINES: list[tuple[str, str | None, bytes]] = [
    ("JSONL: good line", None, _obj(text="\n\n".join(STORIES["bridge"]), outlet="Wire")),
    ("JSONL: malformed JSON", "bad JSON", b'{"text": "unterminated'),
    ("JSONL: a list, not an object", "expected a JSON object, got list", b"[1, 2, 3]"),
    ("JSONL: text is a number", 'field "text" must be a string, got int', _obj(text=5)),
    (
        "JSONL: title is a list",
        'field "title" must be a string, got list',
        _obj(text="x", title=["a"]),
    ),
    ("JSONL: no text or html", 'needs exactly one of "text" or "html"', _obj(title="Only a title")),
    (
        "JSONL: both text and html",
        'needs exactly one of "text" or "html"',
        _obj(text="a", html="<p>b</p>"),
    ),
    ("JSONL: empty text", '"text"/"html" is empty', _obj(text="   ")),
    (
        "JSONL: published not a date",
        '"published" is not a date',
        _obj(text="x", published="03-02-2009"),
    ),
    ("JSONL: not UTF-8", "not UTF-8 text (byte 0xe9", b'{"text": "caf\xe9"}'),
    (
        "JSONL: NUL, control characters and a lone surrogate in the text",
        None,
        _obj(
            text=example("004_3b47988b34628ac4.txt").replace("Hamas", "Ha\u0000mas\u0001", 1)
            + "\n\nA closing line with a lone surrogate \ud800 and a form feed\u000c here."
        ),
    ),
]


def _file(
    name: str, kind: str, reason: str | None, content: bytes, named: str = ""
) -> Callable[[Path], list[BadInput]]:
    """A file ``name`` holding ``content``; the reports name it ``name`` + ``named``."""

    def write(folder: Path) -> list[BadInput]:
        (folder / name).write_bytes(content)
        return [BadInput(name + named, kind, reason)]

    return write


def _big_single_line(folder: Path) -> list[BadInput]:
    with (folder / "one-line.txt").open("wb") as handle:  # 50 MB, written without holding it
        for _ in range(50):
            handle.write(b"word " * 200_000)
    return [BadInput("one-line.txt", "a 50 MB single-line file", "more than an article may have")]


def _undecodable_name(folder: Path) -> list[BadInput]:
    """A file name that is not UTF-8 (made on an old system): kept, under a storable name."""
    name = os.fsdecode(b"caf\xe9-report.txt")
    (folder / name).write_text(example("003_6fe1d82189966668.txt"), "utf-8")
    empty = os.fsdecode(b"empty-caf\xe9.txt")  # reported under a name that can be printed
    (folder / empty).write_bytes(b"")
    return [
        BadInput(name, "a file name that is not UTF-8", None),
        BadInput(empty, "an empty file whose name is not UTF-8", "empty file"),
    ]


def _noise() -> bytes:
    rng = random.Random(7)
    return b"A" + bytes(rng.randrange(1, 256) for _ in range(4000))


WRITERS: list[Callable[[Path], list[BadInput]]] = [
    _file(
        "photo.txt",
        "binary: an image saved as .txt",
        "binary file",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    ),
    _file(
        "archive.html",
        "binary: gzip saved as .html",
        "binary file",
        gzip.compress(ARTICLE_HTML.encode(), mtime=0),
    ),
    _file("noise.txt", "bytes in no encoding", "in no other encoding", _noise()),
    _file("empty.txt", "empty file", "empty file", b""),
    _file("blank.txt", "only white space", "empty file", b" \n\t\n  \r\n"),
    _file(
        "cp1252.txt",
        "legacy encoding: windows-1252",
        None,
        example("001_8d82cfc35d385578.txt").encode("cp1252"),
    ),
    _file(
        "utf16.txt",
        "UTF-16 with a byte-order mark",
        None,
        example("002_c0af5a29d12023ff.txt").encode("utf-16"),
    ),
    _file(
        "cp1251.html",
        "legacy encoding declared in <meta>: windows-1251",
        None,
        (
            '<html><head><meta charset="windows-1251"></head><body>'
            + ARTICLE_HTML
            + "<p>Путин встретился с делегацией ХАМАС в Москве.</p></body></html>"
        ).encode("cp1251"),
    ),
    _big_single_line,
    _file(
        "deep.html",
        "HTML bomb: 100,000 nested elements after the article",
        None,
        (
            "<html><body><article>"
            + ARTICLE_HTML
            + "</article>"
            + "<div>" * 100_000
            + "x"
            + "</div>" * 100_000
            + "</body></html>"
        ).encode(),
    ),
    _file(
        "attribute.html",
        "HTML bomb: a 20 MB attribute",
        None,
        (
            "<html><body><article>"
            + ARTICLE_HTML
            + '<p title="'
            + "a" * 20_000_000
            + '">more</p></article></body></html>'
        ).encode(),
    ),
    _file(
        "elements.html",
        "HTML bomb: 1,000,000 elements",
        "more than a page may have",
        b"<html><body>" + b"<p>x</p>" * 1_000_000 + b"</body></html>",
    ),
    _file(
        "markup.html",
        "HTML with no text",
        "no article text found",
        b"<html><head><script>var a = 1;</script></head><body><div><img src=x></div></body></html>",
    ),
    _file(
        "broken.html",
        "malformed HTML (stray brackets, unclosed and crossed tags)",
        None,
        b"<html><body><<<>>><div class=x><p>The minister visited the harbour on Tuesday and said"
        b" the new terminal would open next spring.<p>He said costs rose <b><i>sharply</b></i> in"
        b" the past year because of steel prices.</tr></td></html></html><p>Unclosed <a href=",
    ),
    _file(
        "truncated.warc.gz",
        "web archive cut short",
        "broken WARC",
        gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort")[
            :40
        ],
        named="#record-1",
    ),
    _file("report.pdf", "unknown kind of file", "unknown input kind '.pdf'", b"%PDF-1.4\n"),
    _undecodable_name,
    _jsonl(JSONL_LINES),
]


#: Inputs named on the command line besides the folder: a folder's files of unknown kinds are
#: passed over without a word (as a user's folders hold notes and images), named ones are not.
NAMED = ("report.pdf", "missing.txt")


def write_bad_inputs(folder: Path) -> list[BadInput]:
    """Write every input above into ``folder``; what each must come to."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [bad for write in WRITERS for bad in write(folder)]
    return [*written, BadInput("missing.txt", "a file that is not there", "no such file")]


def bad_inputs_to_name(folder: Path) -> list[str]:
    """What to give ``analyze``: the folder, and the inputs in :data:`NAMED`."""
    return [str(folder), *(str(folder / name) for name in NAMED)]
