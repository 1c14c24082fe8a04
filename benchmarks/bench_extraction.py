"""Boilerplate removal on the article extraction benchmark (dev), through storyline.clean.

Runs the cleaner twice over ``extraction/dev.jsonl``: on each page's whole-page text dump (the
line-level text cleaner) and on its HTML (trafilatura), scores both bodies with the eval's own
scorer, and prints body_f1 and seconds per page for each mode.

    .venv/bin/python benchmarks/bench_extraction.py [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.clean import clean
from storyline.errors import InputError
from storyline.records import RawDocument
from storyline.settings import CleanSettings, default_settings

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"


@dataclass(frozen=True)
class ModeResult:
    mode: str
    body_f1: str
    seconds_per_page: float
    failures: int


def records(gold: Path, limit: int | None) -> Iterator[dict[str, str]]:
    with gold.open(encoding="utf-8") as handle:
        for count, line in enumerate(handle):
            if limit is not None and count >= limit:
                return
            yield json.loads(line)


def raw_document(record: dict[str, str], mode: str) -> RawDocument:
    # The record's id is passed so predictions line up with gold; url is left out so the
    # text cleaner is measured on the text alone.
    if mode == "text":
        return RawDocument(source=record["id"], text=record["text_dump"], id=record["id"])
    return RawDocument(source=record["id"], html=record["html"], id=record["id"])


def predict(
    gold: Path, mode: str, settings: CleanSettings, out: Path, limit: int | None
) -> tuple[float, int, int]:
    """Write predictions; return (seconds spent cleaning, pages, failures)."""
    seconds, pages, failures = 0.0, 0, 0
    with out.open("w", encoding="utf-8") as handle:
        for record in records(gold, limit):
            started = time.perf_counter()
            try:
                body = clean(raw_document(record, mode), settings).body_text
            except InputError:
                body, failures = "", failures + 1
            seconds += time.perf_counter() - started
            pages += 1
            handle.write(json.dumps({"id": record["id"], "body": body}) + "\n")
    return seconds, pages, failures


def score(eval_dir: Path, gold: Path, predictions: Path) -> str:
    scorer = eval_dir / "score" / "score_extraction.py"
    result = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(predictions)],
        capture_output=True,
        text=True,
        check=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    return last.split("=", 1)[1]


def run_mode(eval_dir: Path, mode: str, limit: int | None) -> ModeResult:
    gold = eval_dir / "extraction" / "dev.jsonl"
    settings = default_settings().clean
    with tempfile.TemporaryDirectory() as tmp:
        predictions = Path(tmp) / f"pred-{mode}.jsonl"
        seconds, pages, failures = predict(gold, mode, settings, predictions, limit)
        if limit is not None:
            gold = _limited_gold(gold, Path(tmp) / "gold.jsonl", limit)
        return ModeResult(
            mode, score(eval_dir, gold, predictions), seconds / max(pages, 1), failures
        )


def _limited_gold(gold: Path, out: Path, limit: int) -> Path:
    with out.open("w", encoding="utf-8") as handle:
        for record in records(gold, limit):
            handle.write(json.dumps(record) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--mode", choices=["text", "html", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    modes = ["text", "html"] if args.mode == "both" else [args.mode]
    for mode in modes:
        result = run_mode(args.eval_dir.resolve(), mode, args.limit)
        print(
            f"{result.mode:5s} body_f1={result.body_f1}  "
            f"{result.seconds_per_page * 1000:.1f} ms/page  failures={result.failures}"
        )


if __name__ == "__main__":
    main()
