"""The docs stay true: the README's quick start is what CI runs, every command, option and
setting is documented, every test the guarantees name exists, every link leads somewhere, and
docs/architecture.md names every package."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import typer

import storyline
from conftest import ROOT
from storyline.cli import app

README = (ROOT / "README.md").read_text("utf-8")
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "storyline"


def _doc(name: str) -> str:
    return (DOCS / name).read_text("utf-8")


def _sections(text: str, heading: str) -> str:
    """Every section of ``text`` whose level-2 heading starts with ``heading``, joined."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    found = [part for part in parts if part.startswith(heading)]
    assert found, f"no section {heading!r}"
    return "\n".join(found)


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


def test_the_readme_stays_short() -> None:
    assert len(README.splitlines()) <= 150


def _commands() -> dict[str, list[str]]:
    """Each command's name and its long options, as the CLI defines them."""
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    return {
        name: [
            opt
            for param in command.params
            for opt in param.opts
            if opt.startswith("--") and opt != "--help"
        ]
        for name, command in group.commands.items()
    }


def test_every_command_and_option_is_documented() -> None:
    commands = _commands()
    assert set(commands) == {
        "analyze",
        "regroup",
        "stories",
        "show",
        "export",
        "timeline",
        "serve",
        "watch",
    }
    reference = _doc("commands.md")
    for name, options in commands.items():
        assert f"storyline {name}" in README, name
        section = _sections(reference, f"## `storyline {name}")
        for option in options:
            assert f"{option}" in section, f"storyline {name} {option}"


def test_every_setting_is_documented() -> None:
    defaults = tomllib.loads((SRC / "defaults.toml").read_text("utf-8"))
    reference = _doc("settings.md")
    for section, values in defaults.items():
        described = _sections(reference, f"## `[{section}]`")
        for key in values:
            assert f"`{key}`" in described, f"{section}.{key}"


def test_public_api_is_complete() -> None:
    exported = set(storyline.__all__)
    assert {"analyze", "load", "Store", "Story", "Quote", "StorylineError"} <= exported
    for name in exported:
        assert hasattr(storyline, name), name


def test_every_test_the_guarantees_name_exists() -> None:
    """A guarantee stands on its tests: renaming or removing one must not leave it unbacked."""
    guarantees = _doc("guarantees.md")
    named_files = set(re.findall(r"tests/(test_\w+)\.py", guarantees))
    named_tests = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)`", guarantees))
    sources = {path.stem: path.read_text("utf-8") for path in (ROOT / "tests").glob("test_*.py")}
    assert named_files <= set(sources), named_files - set(sources)
    defined = {name for text in sources.values() for name in re.findall(r"def (test_\w+)", text)}
    assert len(named_tests) >= 20
    assert named_tests <= defined, named_tests - defined


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text("utf-8"), flags=re.S)
    return {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_every_relative_link_leads_to_a_file_and_its_heading() -> None:
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    assert len(pages) >= 8
    checked = 0
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a URL, not a file of the repository
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            assert path.is_file(), f"{page.name}: {target}"
            if anchor:
                assert anchor in _anchors(path), f"{page.name}: {target}"
            checked += 1
    assert checked >= 10


def test_architecture_names_every_package_and_ground_module() -> None:
    """A newcomer finds any step's code from docs/architecture.md: every package is in it,
    as its path under src/storyline (`report/render/`), and every module beside them."""
    architecture = _doc("architecture.md")
    packages = [p.parent.relative_to(SRC).as_posix() for p in SRC.rglob("__init__.py")]
    assert len(packages) >= 10
    for package in packages:
        if package != ".":
            # A subpackage may be named in its parent's entry (`quotes/` under `annotate/`).
            leaf = package.rsplit("/", 1)[-1]
            assert f"`{package}/`" in architecture or f"`{leaf}/`" in architecture, package
    for module in SRC.glob("*.py"):
        assert f"`{module.name}`" in architecture, module.name


def _resolves(dotted: str) -> bool:
    """Whether ``storyline.a.b.c`` names a module, or a name inside one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_every_module_and_path_the_docs_name_exists() -> None:
    """A module moved or renamed leaves no stale name in the README, docs/ or the shipped
    settings' comments: `storyline.group.window`, `annotate/timex/rules.py`."""
    texts = {
        path.relative_to(ROOT).as_posix(): path.read_text("utf-8")
        for path in (ROOT / "README.md", SRC / "defaults.toml", *sorted(DOCS.glob("*.md")))
    }
    stale = []
    for name, text in texts.items():
        for dotted in re.findall(r"(?<![\w/])storyline(?:\.[A-Za-z_]\w*)+", text):
            if not dotted.endswith((".db", ".toml")) and not _resolves(dotted):
                stale.append(f"{name}: {dotted}")
        for path in re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", text):
            if not (SRC / path).exists() and not (ROOT / path).exists():
                stale.append(f"{name}: {path}")
    assert len(texts) >= 8
    assert stale == []
