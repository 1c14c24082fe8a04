"""`storyline analyze -`: JSONL on standard input, read line by line as it comes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.read.inputs import read_inputs
from storyline.records import RawDocument, ReadFailure
from storyline.settings import Settings
from storyline.store.store import Store
from webpages import STORIES

runner = CliRunner()


def jsonl(*rows: dict[str, str] | str) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


class _Stdin:
    """Standard input whose second line is not there yet: reading it fails the test."""

    class _Lines:
        def __iter__(self) -> Iterator[bytes]:
            yield b'{"text": "The council approved the budget on Monday."}\n'
            raise AssertionError("read past the first line before it was needed")

    buffer = _Lines()


def test_stdin_is_read_a_line_at_a_time(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin())
    first = next(read_inputs(["-"], settings.read))
    assert isinstance(first, RawDocument) and first.source == "<stdin>:1"
    assert first.text == "The council approved the budget on Monday."


def test_analyze_dash_reads_jsonl_from_stdin_and_a_second_run_is_a_no_op(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "store.db")
    lines = jsonl(
        {"text": " ".join(STORIES["bridge"]), "title": "Bridge reopens", "outlet": "Courier"},
        "not json",
        {"id": "library-1", "text": " ".join(STORIES["library"]), "published": "2024-03-05"},
    )
    first = runner.invoke(app, ["analyze", "-", "--db", db, "-q"], input=lines)
    assert first.exit_code == 3, first.output
    assert "2 new articles, 0 already stored, 1 skipped" in first.stdout
    assert "skipped <stdin>:2: bad JSON" in first.stderr
    with Store(db) as store:
        articles = {d.article.source: d.article for d in store.load_documents()}
        before = store.dump()
        assert [f.source for f in store.failures()] == ["<stdin>:2"]
    assert set(articles) == {"<stdin>:1", "<stdin>:3"}
    assert articles["<stdin>:1"].title == "Bridge reopens"
    assert articles["<stdin>:3"].id == "library-1"
    second = runner.invoke(app, ["analyze", "-", "--db", db, "-q"], input=lines)
    assert "0 new articles, 2 already stored, 1 skipped" in second.stdout, second.output
    with Store(db) as store:
        assert store.dump() == before


def test_stdin_lines_keep_their_ids_when_reordered(settings: Settings) -> None:
    """An unnamed line's id comes from its content, not its line number."""
    import io

    rows = [{"text": " ".join(STORIES[name])} for name in ("bridge", "orchard")]
    ids = []
    for order in (rows, rows[::-1]):
        stdin = io.TextIOWrapper(io.BytesIO(jsonl(*order).encode()))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", stdin)
            read = list(read_inputs(["-"], settings.read))
        assert not any(isinstance(r, ReadFailure) for r in read)
        ids.append(sorted(r.article_id for r in read if isinstance(r, RawDocument)))
    assert ids[0] == ids[1]


def test_a_line_given_twice_in_one_run_is_one_new_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is asked about a chunk of inputs at once, and an id this run already took
    counts as stored: the second copy is neither analysed nor counted as new."""
    asked: list[set[str]] = []
    known_ids = Store.known_ids

    def counted(self: Store, ids: set[str]) -> set[str]:
        asked.append(set(ids))
        return known_ids(self, ids)

    monkeypatch.setattr(Store, "known_ids", counted)
    db = str(tmp_path / "store.db")
    bridge = {"id": "bridge-1", "text": " ".join(STORIES["bridge"])}
    library = {"id": "library-1", "text": " ".join(STORIES["library"])}
    result = runner.invoke(
        app, ["analyze", "-", "--db", db, "-q"], input=jsonl(bridge, library, bridge)
    )
    assert result.exit_code == 0, result.output
    assert "2 new articles, 1 already stored, 0 skipped" in result.stdout
    assert asked == [{"bridge-1", "library-1"}]  # one question for the chunk, not one a line
    with Store(db) as store:
        assert sorted(d.article.id for d in store.load_documents()) == ["bridge-1", "library-1"]
