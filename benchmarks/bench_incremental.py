"""What adding articles to a big store costs, against adding them to an empty one.

usage: python benchmarks/bench_incremental.py --db STORE [--eval-dir DIR] [--articles 1000]
                                             [--days 7]

``STORE`` is a store built by ``build_store.py`` (ECB+ texts); it is copied, never changed.
The articles added are other real texts (PolNeAR train, then TempEval-3, then MEANTIME), as one
JSONL input, dated over the store's last ``--days`` days (a week's news into a store as busy in
its latest weeks as in the rest). ``storyline analyze`` runs in its own process twice, on the
same input: into an empty store and into the copy of ``STORE``. Both annotate the same new
articles; what differs is what the store's size adds (reading it, grouping it again). Prints
both times, their ratio (target at 100,000 articles: at most 1.2) and each run's largest
process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, timed_analyze

from storyline.settings import default_settings
from storyline.store.store import Store

SOURCES = ("quotes/polnear-train.jsonl", "time/tempeval3-train.jsonl", "entities/meantime.jsonl")


def write_input(eval_dir: Path, count: int, path: Path, days: list[dt.date]) -> int:
    """``count`` real texts as JSONL, each dated one of ``days`` in turn (today's news
    arriving into a store whose latest days are as busy as the rest of it)."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for name in SOURCES:
            for record in read_jsonl(eval_dir / name):
                if written == count:
                    return written
                line = {"id": f"added-{record['id']}", "text": record["text"]}
                if record.get("title"):
                    line["title"] = record["title"]
                line["published"] = days[written % len(days)].isoformat()
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
    return written


def latest_days(store: Store, count: int) -> list[dt.date]:
    """The last ``count`` days the store has articles on (or from today, for an empty one)."""
    latest = store.latest_date() or dt.date.today()
    return [latest - dt.timedelta(days=n) for n in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    with Store(args.db) as store:
        size = store.article_count()
        days = latest_days(store, args.days)
        reach = dt.timedelta(days=default_settings().stories.max_days_apart)
        near = len(store.dated_between(min(days) - reach, max(days) + reach))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "added.jsonl"
        count = write_input(args.eval_dir, args.articles, source, days)
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
    print(f"stored articles dated within a story's reach of the added ones: {near}")
    print(f"ratio {big / empty:.2f} (target at 100,000 articles: <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
