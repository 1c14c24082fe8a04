"""Boilerplate removal on the article extraction benchmark (dev), through storyline.clean.

Runs the cleaner twice over ``extraction/dev.jsonl``: on each page's whole-page text dump (the
line-level text cleaner) and on its HTML (trafilatura), scores both bodies with the eval's own
scorer, and prints body_f1 and the cleaning speed for each mode (one process, so one core;
the first page, which loads trafilatura or the stoplists, is timed apart).

The text cleaner's rules were written looking at these pages, and pages nobody has seen score
lower; two options show how much of a figure is fit to dev rather than to the web:

- ``--split``: body_f1 on each half of dev (pages in sorted id order: the first half and the
  second), and the pages that score worst, so that a change can be judged by whether it helps
  both halves rather than a few pages;
- ``--cross-check``: every tuned constant of the text cleaner tuned on one half and scored on
  the other (leave-half-out): the figure on the half it was not tuned on estimates what the
  constant gives on unseen pages.

    .venv/bin/python benchmarks/bench_extraction.py [--eval-dir ../shared/eval] [--limit N]
    .venv/bin/python benchmarks/bench_extraction.py --mode text --split --cross-check
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, final_metric, load_scorer, read_jsonl, score, write_jsonl

from storyline.clean import clean, postclean, text
from storyline.errors import InputError
from storyline.records import RawDocument
from storyline.settings import CleanSettings, default_settings

#: Pages of the split report's list of the worst.
WORST_PAGES = 12
#: Values tried for each constant in the cross-check, as multiples of its default.
CROSS_CHECK_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
#: The text cleaner's tuned constants: settings by name, and module constants as
#: (module, name). Only those that decide what is body text; the title's are left out.
TUNED_SETTINGS = (
    "min_body_line_chars",
    "chrome_line_penalty",
    "short_content_cost",
    "min_stopword_density",
)
TUNED_CONSTANTS: tuple[tuple[ModuleType, str], ...] = (
    (text, "NOTICE_MAX_CHARS"),
    (text, "NOTICE_OPENING_CHARS"),
    (text, "SHORT_CJK_CHARS"),
    (text, "GLUED_PROSE_CHARS"),
    (text, "CREDIT_MAX_CHARS"),
    (text, "MARKER_MAX_CHARS"),
    (text, "TEASER_REACH"),
    (text, "MIN_COMMENTS"),
    (text, "COMMENT_HEADER_CHARS"),
    (text, "MIN_REPEAT_CHARS"),
    (text, "PULL_QUOTE_SIGNATURE_CHARS"),
    (text, "TEASER_HEADLINE_CHARS"),
    (text, "TIME_STAMP_WORDS"),
    (text, "ENDING_CHARS"),
    (postclean, "MAX_NOTICE_CHARS"),
    (postclean, "MIN_PROSE_CHARS"),
    (postclean, "MAX_LINES_AFTER_NOTICE"),
)


@dataclass(frozen=True)
class ModeResult:
    mode: str
    body_f1: float
    first_page_seconds: float  # loads what the cleaner loads once (trafilatura, stoplists)
    seconds_per_page: float  # over the other pages, one core
    failures: int


@dataclass(frozen=True)
class PageScore:
    id: str
    url: str
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Tuned:
    """One constant tuned on one half of dev and scored on the other."""

    name: str
    default: float
    tuned_on: str
    best: float
    default_f1: float  # on the other half, at the default
    cross_f1: float  # on the other half, at the value best on this half


def raw_document(record: dict[str, Any], mode: str) -> RawDocument:
    # The record's id is passed so predictions line up with gold; url is left out so the
    # text cleaner is measured on the text alone.
    if mode == "text":
        return RawDocument(source=record["id"], text=record["text_dump"], id=record["id"])
    return RawDocument(source=record["id"], html=record["html"], id=record["id"])


def predict(
    records: Sequence[dict[str, Any]], mode: str, settings: CleanSettings
) -> tuple[list[dict[str, Any]], list[float], int]:
    """Predicted bodies; the seconds spent cleaning each page; the pages the cleaner failed on."""
    predictions: list[dict[str, Any]] = []
    seconds: list[float] = []
    failures = 0
    for record in records:
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
    records = list(read_jsonl(gold, limit))
    predictions, seconds, failures = predict(records, mode, default_settings().clean)
    with tempfile.TemporaryDirectory() as tmp:
        if limit is not None:  # score against the pages actually cleaned
            gold = write_jsonl(Path(tmp) / "gold.jsonl", records)
        output = score(eval_dir, "score_extraction.py", gold, predictions)
    rest = seconds[1:] or seconds
    return ModeResult(mode, final_metric(output), seconds[0], sum(rest) / len(rest), failures)


class Halves:
    """Dev in sorted id order, split in two; body F1 of a half by the eval's own scorer."""

    def __init__(self, eval_dir: Path, limit: int | None) -> None:
        records = sorted(read_jsonl(eval_dir / "extraction" / "dev.jsonl", limit), key=_id)
        middle = len(records) // 2
        self.halves = {"first": records[:middle], "second": records[middle:]}
        self.scorer = load_scorer(eval_dir, "score_extraction.py")

    def counts(self, records: Sequence[dict[str, Any]], settings: CleanSettings) -> list[Any]:
        """The scorer's per-page shingle counts (true and false positives, false negatives)."""
        predictions, _, _ = predict(records, "text", settings)
        tokens = self.scorer.tokens
        return [
            self.scorer.tp_fp_fn(tokens(record["gold"]["body"]), tokens(prediction["body"]), 4)
            for record, prediction in zip(records, predictions, strict=True)
        ]

    def f1(self, half: str, settings: CleanSettings) -> float:
        return float(self.scorer.summarize(self.counts(self.halves[half], settings))[2])

    def pages(self, settings: CleanSettings) -> list[PageScore]:
        """Every page's shingle precision, recall and F1."""
        records = [*self.halves["first"], *self.halves["second"]]
        found = []
        for record, counts in zip(records, self.counts(records, settings), strict=True):
            p, r = self.scorer.prec(*counts), self.scorer.rec(*counts)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            found.append(PageScore(record["id"], record.get("url") or "", p, r, f1))
        return found


def _id(record: dict[str, Any]) -> str:
    return str(record["id"])


def split_report(halves: Halves) -> None:
    settings = default_settings().clean
    for half, records in halves.halves.items():
        f1 = halves.f1(half, settings)
        print(f"text  {half} half of dev ({len(records)} pages) body_f1={f1:.4f}")
    print(f"the {WORST_PAGES} worst pages:")
    for page in sorted(halves.pages(settings), key=lambda page: page.f1)[:WORST_PAGES]:
        print(
            f"  F1 {page.f1:.3f}  P {page.precision:.3f}  R {page.recall:.3f}  "
            f"{page.id[:12]}  {page.url}"
        )


@contextmanager
def tuned(values: dict[str, float], defaults: CleanSettings) -> Iterator[CleanSettings]:
    """The settings to clean with while each named constant has its value: a setting is
    replaced in a copy; a module constant is set for the block (the cleaner reads it at each
    call) and put back after."""
    settings = defaults.model_copy(
        update={name: type(getattr(defaults, name))(v) for name, v in values.items()
                if name in TUNED_SETTINGS}
    )  # fmt: skip
    saved = {}
    for module, name in TUNED_CONSTANTS:
        if name in values:
            saved[module, name] = getattr(module, name)
            setattr(module, name, type(saved[module, name])(values[name]))
    try:
        yield settings
    finally:
        for (module, name), default in saved.items():
            setattr(module, name, default)


def cross_check(halves: Halves) -> None:
    """Each tuned constant tuned on one half (the best of a few values around its default,
    the default on a tie) and scored on the other; then all of them tuned on one half, one
    after the other, and scored on the other: the leave-half-out estimate of body F1."""
    defaults = default_settings().clean
    names = [*TUNED_SETTINGS, *(name for _, name in TUNED_CONSTANTS)]
    candidates = {name: _candidates(_default(name, defaults)) for name in names}
    print("leave-half-out: each constant tuned on one half, scored on the other")
    print(f"  {'constant':28s} {'default':>8s} {'tuned on':>9s} {'best':>8s} "
          f"{'other half: at default':>23s} {'at best':>8s}")  # fmt: skip
    for name in names:
        default = _default(name, defaults)
        f1 = {}
        for value in candidates[name]:
            with tuned({name: value}, defaults) as settings:
                for half in halves.halves:
                    f1[value, half] = halves.f1(half, settings)
        for train, test in (("first", "second"), ("second", "first")):
            best = max(candidates[name], key=lambda value: (f1[value, train], value == default))
            print(
                f"  {name:28s} {default:8g} {train:>9s} {best:8g} "
                f"{f1[default, test]:23.4f} {f1[best, test]:8.4f}"
            )
    estimates = []
    for train, test in (("first", "second"), ("second", "first")):
        values = _tune_together(halves, train, names, candidates, defaults)
        with tuned(values, defaults) as settings:
            estimates.append(halves.f1(test, settings))
        changed = ", ".join(f"{name}={value:g}" for name, value in values.items()) or "none"
        print(f"all tuned on the {train} half ({changed}): {test} half body_f1={estimates[-1]:.4f}")
    print(f"leave-half-out estimate (mean of the two): body_f1={sum(estimates) / 2:.4f}")


def _tune_together(
    halves: Halves,
    half: str,
    names: Sequence[str],
    candidates: dict[str, list[float]],
    defaults: CleanSettings,
) -> dict[str, float]:
    """The constants tuned on ``half`` one after the other, each given those before it; only
    those whose best value is not the default."""
    values: dict[str, float] = {}
    for name in names:
        default = _default(name, defaults)
        scores = {}
        for value in candidates[name]:
            with tuned({**values, name: value}, defaults) as settings:
                scores[value] = halves.f1(half, settings)
        best = max(candidates[name], key=lambda value: (scores[value], value == default))
        if best != default:
            values[name] = best
    return values


def _candidates(default: float) -> list[float]:
    return sorted({_scaled(default, factor) for factor in CROSS_CHECK_FACTORS})


def _default(name: str, defaults: CleanSettings) -> Any:
    if name in TUNED_SETTINGS:
        return getattr(defaults, name)
    return next(
        getattr(module, constant) for module, constant in TUNED_CONSTANTS if constant == name
    )


def _scaled(default: float, factor: float) -> float:
    value = default * factor
    return max(1, round(value)) if isinstance(default, int) else round(value, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--mode", choices=["text", "html", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--split", action="store_true", help="text mode: each half of dev, and the worst pages"
    )
    parser.add_argument(
        "--cross-check",
        action="store_true",
        help="text mode: each tuned constant tuned on one half of dev, scored on the other",
    )
    args = parser.parse_args()
    eval_dir = args.eval_dir.resolve()
    modes = ["text", "html"] if args.mode == "both" else [args.mode]
    for mode in modes:
        result = run_mode(eval_dir, mode, args.limit)
        print(
            f"{result.mode:5s} body_f1={result.body_f1:.4f}  "
            f"{result.seconds_per_page * 1000:.1f} ms/page = "
            f"{1 / result.seconds_per_page:.0f} pages/s on one core "
            f"(first page {result.first_page_seconds * 1000:.0f} ms, loading included)  "
            f"failures={result.failures}"
        )
    if args.split or args.cross_check:
        halves = Halves(eval_dir, args.limit)
        if args.split:
            split_report(halves)
        if args.cross_check:
            cross_check(halves)


if __name__ == "__main__":
    main()
