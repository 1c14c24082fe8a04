"""The house shows the flow: the layout's contracts hold (docs/architecture.md).

Every import counts here, those inside functions and under ``TYPE_CHECKING`` too: an import
hidden in a function is still a dependency, and a cycle it hides is still a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

from conftest import ROOT

PACKAGE = ROOT / "src" / "storyline"
#: The ground stays small: shared vocabulary and the shells, everything else in its step.
MAX_GROUND_MODULES = 12
#: A module longer than this holds more than one job (the largest before the re-layout: 1,353).
MAX_MODULE_LINES = 800


def test_the_folders_are_the_flow_and_no_package_has_a_cycle() -> None:
    """pyproject.toml's import contracts: each step imports only the steps below it, and
    the modules of each package import one way."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = grimp.build_graph("storyline")
    imports = nx.DiGraph()
    for module in graph.modules:
        imports.add_node(module)
        imports.add_edges_from((module, t) for t in graph.find_modules_directly_imported_by(module))
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == []
    assert len(graph.modules) > 50  # the graph is the whole package, not an empty one


def test_the_ground_is_small_and_no_module_is_long() -> None:
    ground = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(ground) <= MAX_GROUND_MODULES, ground
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_package_inits_only_describe_and_re_export() -> None:
    """Code lives in a package's modules; its ``__init__`` says what each does and names the
    public entries, so importing one module never runs another's code."""
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE:
            continue  # the library's public face: storyline/__init__.py
        source = init.read_text("utf-8")
        assert "\ndef " not in source and "\nclass " not in source, init
        assert source.startswith('"""'), f"{init}: no docstring"


def test_code_imports_names_from_the_module_that_defines_them() -> None:
    """Inside the library a name comes from its module (`storyline.store.store`), never
    through a package's ``__init__`` (`storyline.store`): an ``__init__`` that re-exports can
    then never close a cycle, and importing one module never runs a whole package."""
    packages = {
        ".".join(init.parent.relative_to(PACKAGE.parent).parts)
        for init in PACKAGE.rglob("__init__.py")
    }
    through_a_package = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in packages:
                submodules = {n.name for n in node.names} - {
                    p.stem for p in (PACKAGE.parent / node.module.replace(".", "/")).iterdir()
                }
                if submodules:
                    where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                    through_a_package.append(f"{where} from {node.module}")
    assert through_a_package == []
