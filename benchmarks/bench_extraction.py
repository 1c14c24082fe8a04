"""Boilerplate removal on the article extraction benchmark (dev), through storyline.clean.

Runs the cleaner twice over ``extraction/dev.jsonl``: on each page's whole-page text dump (the
line-level text cleaner) and on its HTML (trafilatura), scores both bodies with the eval's own
scorer, and prints body_f1 and the cleaning speed for each mode (one process, so one core;
the first page, which loads trafilatura or the stoplists, is timed apart).

    .venv/bin/python benchmarks/bench_extraction.py [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, final_metric, read_jsonl, score, write_jsonl

from storyline.clean import clean
from storyline.errors import InputError
from storyline.records import RawDocument
from storyline.settings import CleanSettings, default_settings


@dataclass(frozen=True)
class ModeResult:
    mode: str
    body_f1: float
    first_page_seconds: float  # loads what the cleaner loads once (trafilatura, stoplists)
    seconds_per_page: float  # over the other pages, one core
    failures: int


def raw_document(record: dict[str, Any], mode: str) -> RawDocument:
    # The record's id is passed so predictions line up with gold; url is left out so the
    # text cleaner is measured on the text alone.
    if mode == "text":
        return RawDocument(source=record["id"], text=record["text_dump"], id=record["id"])
    return RawDocument(source=record["id"], html=record["html"], id=record["id"])


def predict(
    gold: Path, mode: str, settings: CleanSettings, limit: int | None
) -> tuple[list[dict[str, Any]], list[float], int]:
    """Predicted bodies; the seconds spent cleaning each page; the pages the cleaner failed on."""
    predictions: list[dict[str, Any]] = []
    seconds: list[float] = []
    failures = 0
    for record in read_jsonl(gold, limit):
        raw = raw_document(record, mode)
        started = time.perf_counter()
        try:
            body = clean(raw, settings).body_text
        except InputError:
            body, failures = "", failures + 1
        seconds.append(time.perf_counter() - started)
        predictions.append({"id": record["id"], "body": body})
    return predictions, seconds, failures


def run_mode(eval_dir: Path, mode: str, limit: int | None) -> ModeResult:
    gold = eval_dir / "extraction" / "dev.jsonl"
    predictions, seconds, failures = predict(gold, mode, default_settings().clean, limit)
    with tempfile.TemporaryDirectory() as tmp:
        if limit is not None:  # score against the pages actually cleaned
            gold = write_jsonl(Path(tmp) / "gold.jsonl", read_jsonl(gold, limit))
        output = score(eval_dir, "score_extraction.py", gold, predictions)
    rest = seconds[1:] or seconds
    return ModeResult(mode, final_metric(output), seconds[0], sum(rest) / len(rest), failures)


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
            f"{result.mode:5s} body_f1={result.body_f1:.4f}  "
            f"{result.seconds_per_page * 1000:.1f} ms/page = "
            f"{1 / result.seconds_per_page:.0f} pages/s on one core "
            f"(first page {result.first_page_seconds * 1000:.0f} ms, loading included)  "
            f"failures={result.failures}"
        )


if __name__ == "__main__":
    main()
