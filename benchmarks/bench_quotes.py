"""Benchmark who said what on PolNeAR through the product's path: every quote a reader is shown.

Writes the gold articles as an input JSONL file (``id``, ``text``, ``outlet``, ``published``),
runs ``storyline analyze`` into a fresh store and ``storyline export`` as a user would, turns
each exported article's ``quotes`` (offsets into its ``text``, the input text) into the
scorer's format and prints the output of ``score/score_quotes.py``. Usage::

    .venv/bin/python benchmarks/bench_quotes.py [--eval-dir ../shared/eval] [--set dev]
    .venv/bin/python benchmarks/bench_quotes.py --time   # the quote stage's time per article

The figures a reader feels are ``direct_attributed_precision`` and ``all_attributed_precision``
(quotes shown with a speaker whose words and speaker are both right); ``direct_f1`` is the
quote-finding figure. Reference (README of the eval data): every quote-mark stretch, no
speaker → direct_f1 0.611.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, analyze_export, read_jsonl, score, write_jsonl


def input_record(record: dict[str, Any]) -> dict[str, Any]:
    """A gold record as a news API would hand it over: the raw text, its outlet and date."""
    fields = {"id": record["id"], "text": record["text"], "outlet": record.get("outlet")}
    if record.get("published"):
        fields["published"] = record["published"]
    return fields


def prediction(record: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """The exported quotes of one article in the scorer's shape (no quotes when it was not
    stored, which the scorer counts as missed)."""
    if row is None:
        return {"id": record["id"], "quotes": []}
    if row["text"] != record["text"]:
        raise SystemExit(f"{record['id']}: exported text differs from the input text")
    return {"id": record["id"], "quotes": [_quote_json(q) for q in row["quotes"]]}


def _quote_json(quote: dict[str, Any]) -> dict[str, Any]:
    content = dict(quote["content"])
    return {
        "content": content,
        "speaker": quote["speaker"],
        "speaker_name": quote["speaker_name"],
        "direct": quote["direct"],
    }


def time_quote_stage(records: list[dict[str, Any]], repeat: int = 5) -> float:
    """Milliseconds per article of the quote stage alone (best of ``repeat``), on the articles
    cleaned and parsed once beforehand: quotes and attribution, without the parse they read."""
    from storyline.annotate.nlp import NlpStage
    from storyline.annotate.quotes import QuoteStage
    from storyline.clean.cleaner import clean
    from storyline.records import Document, RawDocument
    from storyline.settings import default_settings

    settings = default_settings()
    documents = [
        Document(clean(RawDocument(r["id"], r["text"], id=r["id"]), settings.clean))
        for r in records
    ]
    NlpStage()(documents)
    stage = QuoteStage(settings.quotes)
    stage(documents)  # warm
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        stage(documents)
        best = min(best, time.perf_counter() - started)
    return 1000 * best / len(documents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    parser.add_argument("--time", action="store_true", help="time the quote stage instead")
    args = parser.parse_args()
    gold = args.eval_dir / "quotes" / f"polnear-{args.set}.jsonl"
    records = list(read_jsonl(gold, args.limit or None))
    if args.time:
        print(f"quote_stage_ms_per_article={time_quote_stage(records):.2f}")
        return
    with tempfile.TemporaryDirectory() as folder:
        rows = analyze_export((input_record(r) for r in records), Path(folder))
        predictions = [prediction(r, rows.get(r["id"])) for r in records]
        if args.limit:  # recall over the articles run, not over the whole set
            gold = write_jsonl(Path(folder) / "gold.jsonl", records)
        print(f"articles: {len(records)}, exported: {sum(r['id'] in rows for r in records)}")
        print(score(args.eval_dir, "score_quotes.py", gold, predictions), end="")
    print(f"reproduce: python benchmarks/bench_quotes.py --set {args.set}"
          + (f" --limit {args.limit}" if args.limit else ""))  # fmt: skip


if __name__ == "__main__":
    main()
