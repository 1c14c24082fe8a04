"""What a new user meets first at the command line: help that reads well at any width, counts
that agree with their number, an empty folder or a busy port said plainly, and long entries
that wrap under their own text at 80 columns."""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import EXAMPLE_DIR, ROOT
from storyline.cli import EXIT_ERROR, EXIT_SOME_SKIPPED, _flowed, app
from storyline.dates import counted
from storyline.report.render.text import hanging
from storyline.store.store import Store

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
#: A type shown as Python spells it (<list[Path]>, <bool>, <path>) rather than as a metavar.
PYTHON_TYPE = re.compile(r"<[\w\[\], |]+>")


def _help(command: str | None, columns: int) -> str:
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, env={"COLUMNS": str(columns), "TERMINAL_WIDTH": None})
    assert result.exit_code == 0, result.output
    return result.output


def _docstring(command: str) -> str:
    group = typer.main.get_command(app)
    callback = group.commands[command].callback  # type: ignore[attr-defined]
    return _flowed(callback.__doc__ or "")


# -- --help ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
@pytest.mark.parametrize("columns", [80, 120])
def test_help_shows_metavars_not_python_types(command: str | None, columns: int) -> None:
    text = _help(command, columns)
    assert not PYTHON_TYPE.search(text), PYTHON_TYPE.search(text)
    assert "{" not in text.splitlines()[1], "a usage line with {ARG}"
    assert all(len(line) <= columns for line in text.splitlines())


def test_help_names_arguments_and_values_as_a_person_would() -> None:
    assert "Usage: storyline analyze [OPTIONS] INPUT..." in _help("analyze", 80)
    assert re.search(r"--db\s+PATH\s", _help("analyze", 80))
    assert re.search(r"--config\s+FILE\s", _help("show", 80))
    assert re.search(r"--out\s+-o\s+FILE\s", _help("export", 80))
    assert re.search(r"--since\s+DATE\s", _help("timeline", 80))
    assert re.search(r"--quiet\s+-q\s+No progress bar", _help("analyze", 80)), "a flag, no type"
    assert "[OPTIONS] FEED..." in _help("watch", 80)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_paragraphs_flow_rather_than_keep_the_sources_line_breaks(command: str) -> None:
    """Rendered wide enough never to wrap, each paragraph of a command's docstring is one
    line: a break the source had would show as a line ending mid-sentence."""
    wide = [" ".join(line.strip(" │").split()) for line in _help(command, 1000).splitlines()]
    for paragraph in _docstring(command).split("\n\n"):
        assert paragraph in wide, paragraph
    listing = _help(None, 1000)
    first = _docstring(command).split("\n\n")[0]
    assert any(first in line for line in listing.splitlines()), first


@pytest.mark.parametrize("command", COMMANDS)
def test_help_paragraphs_fill_each_line_at_80_columns(command: str) -> None:
    """Above the panels, a line ends early only where the next word would not have fit."""
    text = _help(command, 80)
    prose = text.split("╭")[0].splitlines()
    for line, following in itertools.pairwise(prose):
        if line.strip() and following.strip() and not following.strip().startswith("Usage"):
            room = 80 - 2 - len(line.strip())  # rich pads the text by one column each side
            assert len(following.split()[0]) + 1 > room, (line, following)


# -- counts ----------------------------------------------------------------------------------


def test_counts_agree_with_their_number() -> None:
    assert counted(1, "article") == "1 article"
    assert counted(2, "article") == "2 articles"
    assert counted(0, "new article") == "0 new articles"
    assert counted(1, "story", "stories") == "1 story"
    assert counted(1261, "story", "stories") == "1,261 stories"


def test_analyze_says_one_article_and_one_story(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    seed = next(EXAMPLE_DIR.glob("000_*.txt"))
    (folder / seed.name).write_text(seed.read_text("utf-8"), "utf-8")
    db = tmp_path / "s.db"
    once = runner.invoke(app, ["analyze", str(folder), "--db", str(db), "-q"])
    assert once.exit_code == 0, once.output
    assert f"1 new article, 0 already stored, 0 skipped; 1 story in {db}" in once.stdout
    regrouped = runner.invoke(app, ["regroup", "--db", str(db)])
    assert f"1 story in {db}" in regrouped.stdout
    assert "articles" not in once.stdout and "stories" not in once.stdout


# -- an empty folder -------------------------------------------------------------------------


@pytest.mark.parametrize("contents", [[], ["notes.pdf", ".hidden.txt"]])
def test_a_folder_with_no_readable_file_says_so_and_what_storyline_reads(
    tmp_path: Path, contents: list[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in contents:
        (folder / name).write_text("Some text that is no article.", "utf-8")
    result = runner.invoke(app, ["analyze", str(folder), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == EXIT_SOME_SKIPPED
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(f"skipped {folder}: no file storyline reads in this folder")
    assert all(kind in line for kind in (".txt", ".html", ".jsonl", ".warc.gz"))
    assert "0 new articles, 0 already stored, 1 skipped; 0 stories" in result.stdout
    assert "┃ story" not in result.stdout, "an empty story table"


# -- a busy port -----------------------------------------------------------------------------


def test_serve_on_a_busy_port_says_so_and_never_says_serving(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    assert result.returncode == EXIT_ERROR
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is in use; pick another with --port\n"
    )
    assert "serving" not in result.stdout + result.stderr


# -- wrapping at 80 columns ------------------------------------------------------------------


def test_a_long_entry_wraps_under_its_text() -> None:
    lines = hanging("  2006-02-09  ", "word " * 30, 40)
    assert lines[0].startswith("  2006-02-09  word")
    assert all(line.startswith(" " * 14 + "word") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)
    assert hanging("  - ", "one line", None) == ["  - one line"]


def _at_80_columns(db: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "storyline", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _blocks_fall_back_to_the_edge(text: str) -> list[str]:
    """Lines at column 0 inside an indented block: a wrapped line that lost its indent."""
    lines = text.splitlines()
    return [
        line
        for before, line in itertools.pairwise(lines)
        if line and not line[0].isspace() and before.startswith(" ") and not line.endswith(":")
    ]


@pytest.mark.slow
def test_show_and_timeline_wrap_under_their_text_at_80_columns(analyzed_example_db: Path) -> None:
    db = analyzed_example_db
    stories = Store(db).load_corpus().stories or []
    story = next(s for s in stories if len(s.articles) > 1)
    article = story.articles[0]
    views = {
        "show": _at_80_columns(db, "show", story.id),
        "show --article": _at_80_columns(db, "show", "--article", article),
        "timeline": _at_80_columns(db, "timeline"),
    }
    for name, text in views.items():
        assert all(len(line) <= 80 for line in text.splitlines() if " " in line.strip()), name
        assert not _blocks_fall_back_to_the_edge(text), (name, _blocks_fall_back_to_the_edge(text))
    shown = views["show"]
    # Long entries did wrap, and their second lines sit under their text.
    timeline = shown.split("\nTimeline:\n")[1].split("\n\n")[0].splitlines()
    assert any(line.startswith(" " * 14) for line in timeline)
    summary = shown.split("\nSummary:\n")[1].split("\n\n")[0].splitlines()
    assert any(line.startswith("    ") and not line.startswith("  - ") for line in summary)
    assert re.search(r"\(PERSON, 1 article\)", shown) or re.search(r", 1 article\)", shown)
