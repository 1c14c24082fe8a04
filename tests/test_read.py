"""READ: files and folders to raw documents; every unreadable input becomes a clear failure."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from storyline.read.inputs import read_inputs
from storyline.records import RawDocument, ReadFailure
from storyline.settings import ReadSettings, Settings

TESTS = Path(__file__).resolve().parent
EXAMPLE_DIR = TESTS.parent / "examples" / "russia-hamas"
JSONL = TESTS / "data" / "read" / "articles.jsonl"


@pytest.fixture
def read_settings(settings: Settings) -> ReadSettings:
    return settings.read


def read_all(paths: list[Path], settings: ReadSettings) -> list[RawDocument | ReadFailure]:
    return list(read_inputs(paths, settings))


def only_failure(path: Path, settings: ReadSettings) -> ReadFailure:
    [result] = read_all([path], settings)
    assert isinstance(result, ReadFailure), result
    assert result.source == str(path)
    return result


def test_folder_of_seeds_is_read_sorted_as_text(read_settings: ReadSettings) -> None:
    results = read_all([EXAMPLE_DIR], read_settings)
    assert all(isinstance(r, RawDocument) for r in results)
    docs = [r for r in results if isinstance(r, RawDocument)]
    assert [Path(d.source).name[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    assert all(d.text and d.html is None for d in docs)
    assert "Putin to invite Hamas to Moscow" in (docs[0].text or "")


def test_folder_skips_hidden_and_unknown_files_and_recurses(
    tmp_path: Path, read_settings: ReadSettings
) -> None:
    (tmp_path / "b.txt").write_text("Second article text.", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.html").write_text("<p>First page.</p>", "utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("Hidden folder.", "utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    results = read_all([tmp_path], read_settings)
    assert [Path(r.source).name for r in results] == ["b.txt", "a.html"]
    html = results[1]
    assert isinstance(html, RawDocument) and html.html == "<p>First page.</p>"


def test_named_file_of_unknown_kind_fails(tmp_path: Path, read_settings: ReadSettings) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "unknown input kind '.pdf'" in only_failure(path, read_settings).reason


def test_missing_file_fails(tmp_path: Path, read_settings: ReadSettings) -> None:
    assert only_failure(tmp_path / "nope.txt", read_settings).reason == "no such file or folder"


def test_binary_file_fails(tmp_path: Path, read_settings: ReadSettings) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in only_failure(path, read_settings).reason


def test_a_legacy_encoding_is_recognised(tmp_path: Path, read_settings: ReadSettings) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Prime minister Zapatero said " + "señor".encode("latin-1"))
    [doc] = read_all([path], read_settings)
    assert isinstance(doc, RawDocument) and doc.text == "Prime minister Zapatero said señor"


def test_bytes_in_no_encoding_name_the_byte_and_offset(
    tmp_path: Path, read_settings: ReadSettings
) -> None:
    path = tmp_path / "noise.txt"
    noise = random.Random(1)
    path.write_bytes(b"A" + bytes(noise.randrange(1, 256) for _ in range(4000)))
    reason = only_failure(path, read_settings).reason
    assert reason.startswith("not text: not UTF-8 (byte 0x")
    assert "in no other encoding" in reason


def test_utf8_bom_is_stripped(tmp_path: Path, read_settings: ReadSettings) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHeadline\n\nBody text.")
    [doc] = read_all([path], read_settings)
    assert isinstance(doc, RawDocument) and doc.text == "Headline\n\nBody text."


@pytest.mark.parametrize("content", [b"", b"  \n\t\n  "])
def test_empty_file_fails(tmp_path: Path, read_settings: ReadSettings, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert only_failure(path, read_settings).reason == "empty file"


def test_too_large_file_fails_naming_the_setting(tmp_path: Path, settings: Settings) -> None:
    small = settings.read.model_copy(update={"max_file_bytes": 10})
    path = tmp_path / "long.txt"
    path.write_text("This text is longer than ten bytes.", "utf-8")
    reason = only_failure(path, small).reason
    assert reason == "larger than 10 bytes limit (read.max_file_bytes)"


def test_jsonl_reads_good_lines_and_reports_bad_ones(read_settings: ReadSettings) -> None:
    results = read_all([JSONL], read_settings)
    by_line = {r.source.rsplit(":", 1)[1]: r for r in results}
    assert sorted(by_line, key=int) == ["1", "3", "4", "5", "6", "7", "8", "9"]  # 2 is blank
    first = by_line["1"]
    assert first == RawDocument(
        source=f"{JSONL}:1",
        text="The council approved the new budget on Monday after a long debate.",
        id="first",
        title="Budget approved",
        published="2021-03-01",
        outlet="Town Crier",
        url="https://example.org/budget",
    )
    second, third = by_line["4"], by_line["9"]
    assert isinstance(second, RawDocument) and second.html and second.text is None
    assert isinstance(third, RawDocument) and third.id == "third"
    reasons = {line: r.reason for line, r in by_line.items() if isinstance(r, ReadFailure)}
    assert reasons["3"].startswith("bad JSON")
    assert reasons["5"] == "expected a JSON object, got list"
    assert '"text" or "html"' in reasons["6"]
    assert reasons["7"] == 'field "text" must be a string, got int'
    assert '"published" is not a date' in reasons["8"]


def test_reading_is_lazy(tmp_path: Path, read_settings: ReadSettings) -> None:
    """A generator: nothing is read until asked for, so huge inputs stream."""
    stream = read_inputs([tmp_path / "missing.txt", JSONL], read_settings)
    first = next(stream)
    assert isinstance(first, ReadFailure)
    assert isinstance(next(stream), RawDocument)


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("2009-02-03T10:00:00Z", "2009-02-03"),
        ("Tue, 03 Feb 2009 23:30:00 -0500", "2009-02-03"),  # the outlet's day, not UTC's
        ("03 Feb 2009 10:00 GMT", "2009-02-03"),
    ],
)
def test_a_published_date_as_feeds_and_apis_write_it_is_read(
    given: str, day: str, tmp_path: Path, settings: Settings
) -> None:
    from storyline.clean import clean

    path = tmp_path / "api.jsonl"
    text = "The council approved the new budget on Monday after a long and heated debate."
    path.write_text(json.dumps({"text": text, "published": given}) + "\n", "utf-8")
    [raw] = read_all([path], settings.read)
    assert isinstance(raw, RawDocument)
    article = clean(raw, settings.clean)
    assert article.published is not None and article.published.date.isoformat() == day
