"""Time expressions on TempEval-3 (train): run the finder, score with the shared scorer.

Usage: python benchmarks/bench_time.py [--eval-dir DIR] [--set time/tempeval3-train.jsonl]
                                       [--errors N] [--by-year] [--through-analyze]

Each record's document creation date (``published``) is the anchor. Predictions are written
to a temporary JSONL file and scored by ``score/score_time.py`` from the evaluation folder,
whose output is printed as is (last line ``value_f1=``).

By default the finder (``find_timexes``) reads each record's text directly. With
``--through-analyze`` the expressions are those a user gets: the records are written as an
input JSONL file (``id``, ``published``, ``text``), ``storyline analyze`` stores them in a
fresh temporary store and ``storyline export --format jsonl`` writes the articles, each in its
own process as a user runs them (``evalkit.analyze_export``). An exported article's ``text`` is
the input text as given and its ``timex`` spans are offsets into it, so they are the record's
offsets as they are; the script checks that the texts are equal and stops if one differs.
Cleaning (boilerplate, datelines and titles left out of the body), the stage's anchor (the
article's stored date) and any later stage that resolves expressions again all count here.

``--errors N`` also prints up to N mismatches (missed, spurious, wrong value) to guide work on
the rules; with ``--through-analyze`` they are those of the product's path. ``--by-year`` also
scores the documents of each creation year apart (the set mixes 1989 WSJ earnings reports with
1990-2000 wire and broadcast news), to show whether a gain holds across sources or rests on one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

from evalkit import DEFAULT_EVAL_DIR, analyze_export, final_metric, read_jsonl, score, write_jsonl

from storyline.annotate.timex import find_timexes


class Found(NamedTuple):
    """One predicted expression: its span in the record's text and its value."""

    start: int
    end: int
    value: str | None


def anchor_of(record: dict) -> dt.date | None:
    stamp = record.get("published") or record.get("dct")
    return dt.date.fromisoformat(stamp[:10]) if stamp else None


def predict(records: list[dict]) -> dict[str, list[Found]]:
    return {
        r["id"]: [Found(t.start, t.end, t.value) for t in find_timexes(r["text"], anchor_of(r))]
        for r in records
    }


def input_record(record: dict[str, Any]) -> dict[str, Any]:
    """A gold record as the product reads it: id, text and creation date, no gold."""
    fields = {"id": record["id"], "text": record["text"]}
    if record.get("published"):
        fields["published"] = record["published"]
    return fields


def predict_through_analyze(records: list[dict]) -> dict[str, list[Found]]:
    """The exported expressions of each record after ``storyline analyze`` and ``export``
    (none for a record that was not stored, which the scorer counts as missed)."""
    with tempfile.TemporaryDirectory() as folder:
        rows = analyze_export((input_record(r) for r in records), Path(folder))
    predictions: dict[str, list[Found]] = {}
    for record in records:
        row = rows.get(record["id"])
        if row is not None and row["text"] != record["text"]:
            raise SystemExit(f"{record['id']}: exported text differs from the input text")
        found = row["timex"] if row else []
        predictions[record["id"]] = [Found(t["start"], t["end"], t["value"]) for t in found]
    return predictions


def prediction_records(predictions: dict[str, list[Found]]) -> Iterator[dict[str, Any]]:
    for doc_id, found in predictions.items():
        timex = [{"start": t.start, "end": t.end, "value": t.value} for t in found]
        yield {"id": doc_id, "timex": timex}


def print_errors(records: list[dict], predictions: dict[str, list[Found]], limit: int) -> None:
    """Gold and predicted expressions that do not agree, overlap-matched as the scorer does."""
    shown = 0
    for record in records:
        text, found = record["text"], predictions[record["id"]]
        for gold in record["gold"]["timex"]:
            match = next(
                (t for t in found if t.start < gold["end"] and gold["start"] < t.end), None
            )
            if match is None or (match.value or "").upper() != (gold["value"] or "").upper():
                got = f"{text[match.start : match.end]!r}={match.value}" if match else "MISSED"
                print(f"{record['dct'][:10]}  {gold['text']!r}={gold['value']}  got {got}")
                shown += 1
        for t in found:
            if not any(t.start < g["end"] and g["start"] < t.end for g in record["gold"]["timex"]):
                print(f"{record['dct'][:10]}  SPURIOUS {text[t.start : t.end]!r}={t.value}")
                shown += 1
        if shown >= limit:
            return


def print_by_year(eval_dir: Path, records: list[dict], predictions: dict[str, list[Found]]) -> None:
    """Value F1 of each creation year's documents, scored apart by the shared scorer."""
    by_year = sorted(records, key=lambda r: r["dct"][:4])
    with tempfile.TemporaryDirectory() as folder:
        for year, group in groupby(by_year, key=lambda r: r["dct"][:4]):
            subset = list(group)
            gold = write_jsonl(Path(folder) / f"{year}.jsonl", subset)
            chosen = {r["id"]: predictions[r["id"]] for r in subset}
            output = score(eval_dir, "score_time.py", gold, prediction_records(chosen))
            expressions = sum(len(r["gold"]["timex"]) for r in subset)
            print(
                f"{year}: {len(subset):3d} documents, {expressions:4d} expressions, "
                f"value_f1={final_metric(output):.4f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", default="time/tempeval3-train.jsonl")
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--by-year", action="store_true")
    parser.add_argument(
        "--through-analyze",
        action="store_true",
        help="score what storyline analyze and export give, not the finder alone",
    )
    args = parser.parse_args()
    gold_path = args.eval_dir / args.set
    records = list(read_jsonl(gold_path))
    started = time.perf_counter()
    if args.through_analyze:
        predictions, path = predict_through_analyze(records), "analyze + export"
    else:
        predictions, path = predict(records), "find_timexes"
    seconds = time.perf_counter() - started
    if args.errors:
        print_errors(records, predictions, args.errors)
    if args.by_year:
        print_by_year(args.eval_dir, records, predictions)
    output = score(args.eval_dir, "score_time.py", gold_path, prediction_records(predictions))
    print(f"{path} over {len(records)} documents: {seconds:.2f} s")
    print(output, end="")


if __name__ == "__main__":
    main()
