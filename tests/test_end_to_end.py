"""The whole flow on the bundled example, through the CLI as a user runs it."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_DIR
from storyline.cli import app
from storyline.store.store import Store

runner = CliRunner()

ARTICLE_FIELDS = {
    "id",
    "source",
    "url",
    "title",
    "outlet",
    "language",
    "published",
    "published_inferred",
    "text",
    "body",
    "duplicate_of",
    "story",
    "thread",
    "entities",
    "quotes",
    "timex",
}
STORY_FIELDS = {
    "id",
    "thread",
    "title",
    "description",
    "articles",
    "start",
    "end",
    "timeline",
    "cast",
    "quote_groups",
    "outlets",
    "sides",
    "coverage",
    "conflicts",
    "summary",
    "background",
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "storyline.db"
    result = runner.invoke(app, ["analyze", str(EXAMPLE_DIR), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 new articles" in result.output
    return path


def _export(store_path: Path, fmt: str) -> list[dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["export", "--db", str(store_path), "--format", fmt])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_second_run_is_a_no_op(store_path: Path) -> None:
    with Store(store_path) as store:
        before = store.dump()
    result = runner.invoke(app, ["analyze", str(EXAMPLE_DIR), "--db", str(store_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "0 new articles, 5 already stored" in result.output
    with Store(store_path) as store:
        assert store.dump() == before


def test_html_pages_and_unnamed_jsonl_lines_are_known_on_a_second_run(tmp_path: Path) -> None:
    # The id the pipeline checks before cleaning is the id the cleaner gives the article.
    page = Path(__file__).parent / "data" / "html" / "hand_made_article.html"
    lines = tmp_path / "lines.jsonl"
    lines.write_text(json.dumps({"text": "The council approved the budget on Monday."}) + "\n")
    db = str(tmp_path / "store.db")
    first = runner.invoke(app, ["analyze", str(page), str(lines), "--db", db, "-q"])
    assert "2 new articles, 0 already stored" in first.output, first.output
    second = runner.invoke(app, ["analyze", str(page), str(lines), "--db", db, "-q"])
    assert "0 new articles, 2 already stored" in second.output, second.output


def test_jsonl_export_has_every_field_and_valid_offsets(store_path: Path) -> None:
    rows = _export(store_path, "jsonl")
    assert len(rows) == 5
    for row in rows:
        assert set(row) == ARTICLE_FIELDS
        text = row["text"]
        assert row["body"] and row["story"] and row["thread"]
        for mention in row["entities"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        for timex in row["timex"]:
            assert text[timex["start"] : timex["end"]] == timex["text"]
            if timex["event"]:  # the clause the date belongs to holds it
                assert timex["event"]["start"] <= timex["start"] < timex["end"]
                assert timex["end"] <= timex["event"]["end"]
        for quote in row["quotes"]:
            assert text[quote["content"]["start"] : quote["content"]["end"]].strip()
            if quote["speaker"]:
                assert text[quote["speaker"]["start"] : quote["speaker"]["end"]].strip()
    inferred = [r for r in rows if r["published_inferred"]]
    assert {r["published"] for r in inferred} == {"2006-02-09"}  # seeds 002 and 003
    assert {r["language"] for r in rows} == {"en"}
    assert sum(len(r["quotes"]) for r in rows) >= 5
    assert any(e["name"] and "Putin" in e["name"] for r in rows for e in r["entities"])


def test_stories_export_cites_real_spans(store_path: Path) -> None:
    articles = {r["id"]: r["text"] for r in _export(store_path, "jsonl")}
    stories = _export(store_path, "stories")
    assert stories
    assert sorted(a for s in stories for a in s["articles"]) == sorted(articles)
    for story in stories:
        assert set(story) == STORY_FIELDS
        for sentence in story["summary"]:
            for source in sentence["sources"]:
                assert articles[source["article"]][source["start"] : source["end"]].strip()
        for group in story["quote_groups"]:
            for quote in group["quotes"]:
                assert articles[quote["article"]][quote["start"] : quote["end"]].strip()


def test_stories_and_show(store_path: Path) -> None:
    listing = runner.invoke(app, ["stories", "--db", str(store_path)])
    assert listing.exit_code == 0, listing.output
    story_id = _export(store_path, "stories")[0]["id"]
    shown = runner.invoke(app, ["show", story_id, "--db", str(store_path)])
    assert shown.exit_code == 0, shown.output
    assert "Summary" in shown.output


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_reports(store_path: Path, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(
        app, ["export", "--db", str(store_path), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Hamas" in out.read_text("utf-8")


def test_errors_are_one_actionable_line(tmp_path: Path, store_path: Path) -> None:
    missing = runner.invoke(app, ["stories", "--db", str(tmp_path / "nothing.db")])
    assert missing.exit_code == 1
    assert "storyline analyze" in missing.stderr
    assert "Traceback" not in missing.output
    unknown = runner.invoke(app, ["show", "zzz", "--db", str(store_path)])
    assert unknown.exit_code == 1
    assert "no story id begins with 'zzz'" in unknown.stderr


def test_unreadable_input_is_reported_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    good = next(EXAMPLE_DIR.glob("000_*.txt"))
    (folder / good.name).write_text(good.read_text("utf-8"), "utf-8")
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["analyze", str(folder), "--db", str(db), "-q"])
    assert result.exit_code == 3
    assert "bad.txt" in result.stderr
    assert "1 new article," in result.stdout


def test_every_command_has_help() -> None:
    for command in ["analyze", "export", "stories", "show"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_a_quote_broken_by_its_cue_is_exported_with_fragments_that_leave_the_cue_out(
    store_path: Path,
) -> None:
    broken = [
        (row["text"], quote)
        for row in _export(store_path, "jsonl")
        for quote in row["quotes"]
        if quote["content"].get("fragments")
    ]
    texts = [" … ".join(text[s:e] for s, e in q["content"]["fragments"]) for text, q in broken]
    assert any(t.startswith("I want to state here in Moscow … that if Israel") for t in texts)
    for text, quote in broken:
        start, end = quote["content"]["start"], quote["content"]["end"]
        pieces = quote["content"]["fragments"]
        assert all(start <= s < e <= end for s, e in pieces)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(pieces))
        if quote["cue"]:  # the cue lies between the pieces, never inside one
            assert all(quote["cue"] not in text[s:e] for s, e in pieces), quote
