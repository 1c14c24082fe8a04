"""What adding articles to a big store costs, against adding them to an empty one.

usage: python benchmarks/bench_incremental.py --db STORE [--eval-dir DIR] [--articles 1000]

``STORE`` is a store built by ``build_store.py`` (ECB+ texts); it is copied, never changed.
The articles added are other real texts (PolNeAR train, then TempEval-3, then MEANTIME), as one
JSONL input. ``storyline analyze`` runs in its own process twice, on the same input: into an
empty store and into the copy of ``STORE``. Both annotate the same new articles; what differs
is what the store's size adds (reading it, grouping it again). Prints both times, their ratio
(target at 100,000 articles: at most 1.2) and each run's largest process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, timed_analyze

from storyline.store import Store

SOURCES = ("quotes/polnear-train.jsonl", "time/tempeval3-train.jsonl", "entities/meantime.jsonl")


def write_input(eval_dir: Path, count: int, path: Path) -> int:
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for name in SOURCES:
            for record in read_jsonl(eval_dir / name):
                if written == count:
                    return written
                line = {"id": f"added-{record['id']}", "text": record["text"]}
                for optional in ("title", "published"):
                    if record.get(optional):
                        line[optional] = record[optional]
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    with Store(args.db) as store:
        size = store.article_count()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "added.jsonl"
        count = write_input(args.eval_dir, args.articles, source)
        empty, empty_rss = timed_analyze(source, folder / "empty.db")
        copy = folder / "big.db"
        shutil.copy(args.db, copy)
        big, big_rss = timed_analyze(source, copy)
    print(
        f"adding {count} articles to an empty store: {empty:.1f} s (largest process "
        f"{empty_rss:.0f} MiB)"
    )
    print(
        f"adding them to a store of {size}: {big:.1f} s (largest process so far {big_rss:.0f} MiB)"
    )
    print(f"ratio {big / empty:.2f} (target at 100,000 articles: <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
