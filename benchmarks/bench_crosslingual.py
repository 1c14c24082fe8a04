"""Stories across languages: SemEval-2022 Task 8 pairs through `analyze` then `export --vectors`.

usage: python benchmarks/bench_crosslingual.py [--eval-dir DIR] [--set semeval8-dev] [--halves]

The set's articles (``crosslingual/<set>-articles.jsonl``: 10 languages, titles split off where
the text marked one) are written as the JSONL a news API gives (``id``, ``title``, ``text``),
analysed into a fresh store by ``storyline analyze`` and read back with
``storyline export --vectors``. Each gold pair is then predicted twice, from what a user gets:

- ``similarity``: the cosine of the two articles' exported vectors (the ones story grouping
  uses), scored by Pearson's r with the human "Overall" judgement;
- ``same_story``: whether the two articles are in one story, scored by precision, recall and F1
  against the pairs judged the same event (Overall <= 1.5) or different (>= 2.5).

Both are scored by the eval's own ``score/score_pairs.py``, for all pairs, cross-lingual and
monolingual ones and each language pair. ``--halves`` also scores the two halves of the pairs
(by a hash of the pair id) with the same store: the settings are the same everywhere, so the two
halves tell how much of a figure is the sample.

Anchors (the eval's README): TF-IDF cosine Pearson 0.535, cross-lingual 0.475; TF-IDF same-story
F1 0.599, cross-lingual 0.080; all-MiniLM-L6-v2 cosine 0.389.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from evalkit import DEFAULT_EVAL_DIR, analyze_export, read_jsonl, score, write_jsonl


def article_input(record: dict[str, Any]) -> dict[str, Any]:
    """A news API's record: the title apart from the body when the text starts with it."""
    line = {"id": record["id"], "text": record["text"]}
    title = record.get("title")
    if title and record["text"].startswith(title) and record["text"][len(title) :].strip():
        line["title"] = title
        line["text"] = record["text"][len(title) :].strip()
    return line


def predictions(pairs: list[dict[str, Any]], rows: dict[str, dict[str, Any]]) -> list[dict]:
    """One prediction per pair: cosine of the exported vectors and whether the stories agree.
    An article not exported (skipped by analyze, with its reason) has no vector and no story."""
    out = []
    for pair in pairs:
        a, b = rows.get(pair["a"]), rows.get(pair["b"])
        line: dict[str, Any] = {"id": pair["id"], "same_story": False}
        if a and b:
            va, vb = np.asarray(a["vector"]), np.asarray(b["vector"])
            line["similarity"] = float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
            line["same_story"] = a["story"] is not None and a["story"] == b["story"]
        out.append(line)
    return out


def half_of(pair_id: str) -> int:
    return hashlib.sha1(pair_id.encode()).digest()[0] % 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", default="semeval8-dev", help="crosslingual/<set>-pairs.jsonl")
    parser.add_argument("--halves", action="store_true", help="also score two halves of pairs")
    args = parser.parse_args()
    folder_in = args.eval_dir / "crosslingual"
    gold = folder_in / f"{args.set}-pairs.jsonl"
    pairs = list(read_jsonl(gold))
    articles = [article_input(r) for r in read_jsonl(folder_in / f"{args.set}-articles.jsonl")]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        rows = analyze_export(articles, folder, ["--vectors"])
        seconds = time.perf_counter() - started
        stories = len({row["story"] for row in rows.values()})
        print(
            f"{len(articles)} articles analysed and exported in {seconds:.0f} s, "
            f"{len(rows)} exported, {stories} stories; {len(pairs)} pairs"
        )
        predicted = predictions(pairs, rows)
        print(score(args.eval_dir, "score_pairs.py", gold, predicted), end="")
        if args.halves:
            for half in (0, 1):
                kept = [p for p in pairs if half_of(p["id"]) == half]
                part = write_jsonl(folder / f"half{half}.jsonl", kept)
                ids = {p["id"] for p in kept}
                lines = (
                    score(
                        args.eval_dir,
                        "score_pairs.py",
                        part,
                        [p for p in predicted if p["id"] in ids],
                    )
                    .strip()
                    .splitlines()
                )
                print(f"half {half} ({len(kept)} pairs): " + "; ".join(lines[-3:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
