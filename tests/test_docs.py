"""The README stays true: its quick start is what CI runs, and every command is documented."""

from __future__ import annotations

import re

import storyline
from conftest import ROOT
from storyline.cli import app

README = (ROOT / "README.md").read_text("utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.S)
    assert block, "the quick start has a code block"
    return [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]


def test_quick_start_is_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "storyline analyze examples/russia-hamas" in commands[0]
    assert "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_command_is_documented() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert set(names) == {"analyze", "regroup", "stories", "show", "export", "serve", "watch"}
    for name in names:
        assert f"storyline {name}" in README, name


def test_public_api_is_complete() -> None:
    exported = set(storyline.__all__)
    assert {"analyze", "load", "Store", "Story", "Quote", "StorylineError"} <= exported
    for name in exported:
        assert hasattr(storyline, name), name


def test_every_test_the_guarantees_name_exists() -> None:
    """A guarantee stands on its tests: renaming or removing one must not leave it unbacked."""
    section = README.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named_files = set(re.findall(r"tests/(test_\w+)\.py", section))
    named_tests = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)`", section))
    sources = {path.stem: path.read_text("utf-8") for path in (ROOT / "tests").glob("test_*.py")}
    assert named_files <= set(sources), named_files - set(sources)
    defined = {name for text in sources.values() for name in re.findall(r"def (test_\w+)", text)}
    assert len(named_tests) >= 20
    assert named_tests <= defined, named_tests - defined
