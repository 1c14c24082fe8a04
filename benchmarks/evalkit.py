"""What every benchmark script shares: where the eval data is, reading it, and scoring with it.

Each ``bench_*.py`` reads gold records from the shared evaluation folder (``../shared/eval``),
writes its predictions as JSONL and runs that folder's own scorer (``score/score_*.py``) on
them in a separate interpreter, so that the figures are the eval's, never re-implemented here.
This module holds that common part once; the scripts import it as ``from evalkit import ...``,
which works because a script's own folder is on ``sys.path`` when it is run.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from types import ModuleType
from typing import Any

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file, blank lines skipped; only the first ``limit`` if given."""
    with path.open(encoding="utf-8") as lines:
        records = (json.loads(line) for line in lines if line.strip())
        yield from islice(records, limit)


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write one JSON object a line to ``path``; return ``path``."""
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return path


def score(eval_dir: Path, scorer: str, gold: Path, predictions: Iterable[dict[str, Any]]) -> str:
    """Run ``eval_dir/score/<scorer>`` on ``gold`` and the predictions; return its output.

    Exits (SystemExit with the scorer's stderr) when the scorer fails.
    """
    with tempfile.TemporaryDirectory() as folder:
        pred = write_jsonl(Path(folder) / "pred.jsonl", predictions)
        command = [sys.executable, str(eval_dir / "score" / scorer), str(gold), str(pred)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr or f"{scorer} failed with exit code {result.returncode}")
    return result.stdout


def final_metric(output: str) -> float:
    """The value of the scorer's last line, ``NAME=value`` (its headline figure)."""
    return float(output.strip().splitlines()[-1].split("=", 1)[1])


def timed_analyze(source: Path, db: Path) -> tuple[float, float]:
    """Seconds of ``storyline analyze SOURCE --db DB`` in its own process (models loading and
    process start included, as a user runs it), and the largest resident set in MiB of any
    process this one has waited for so far (that run, its workers, and any earlier run).

    Exit code 3 (some input was skipped, and said why) is a finished run.
    """
    command = [sys.executable, "-m", "storyline", "analyze", str(source), "--db", str(db), "-q"]
    started = time.perf_counter()
    done = subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise SystemExit(f"analyze failed with exit code {done.returncode}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    return seconds, largest / (1024 * 1024)


def analyze_export(
    records: Iterable[dict[str, Any]], folder: Path, export_options: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """Run the product's path on ``records`` (input JSONL objects, each with an ``id``):
    ``storyline analyze`` into a fresh store in ``folder``, then ``storyline export`` (with
    ``export_options``, e.g. ``--vectors``); return the exported article rows by id. Exits
    when either command fails."""
    source = write_jsonl(folder / "input.jsonl", records)
    db, out = folder / "storyline.db", folder / "articles.jsonl"
    storyline = [sys.executable, "-m", "storyline"]
    export = ["export", "--db", str(db), "--format", "jsonl", "--out", str(out), *export_options]
    for command in (
        [*storyline, "analyze", str(source), "--db", str(db), "-q"],
        [*storyline, *export],
    ):
        done = subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(command[2:4])} failed with exit code {done.returncode}")
    return {row["id"]: row for row in read_jsonl(out)}


def load_scorer(eval_dir: Path, scorer: str) -> ModuleType:
    """The eval's scorer ``eval_dir/score/<scorer>`` as a module, for figures on parts of a set
    (a half, a page) with the scorer's own functions rather than a copy of them."""
    path = eval_dir / "score" / scorer
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
