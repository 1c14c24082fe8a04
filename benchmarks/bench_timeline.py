"""Timeline summarization on Timeline17, through the product's path, scored the news-tls way.

usage: python benchmarks/bench_timeline.py [--eval-dir DIR] [--set tls/t17-dev.jsonl]
                                           [--stores DIR] [--topics a,b] [--per-task]

Per topic, its articles are written as the input JSONL a user would have (``id``,
``published``, ``text``) and analysed into one store by ``storyline analyze``; per task
(one gold timeline), ``storyline timeline --since START --until END --dates l --sentences k
--format jsonl`` reads that store, as the protocol gives a system the range and l, k
(``../shared/eval/README.md`` §6). The timelines are scored by ``score/score_tls.py``,
whose output is printed as is (date F1, alignment ROUGE AR-1/AR-2, concat ROUGE; the last
line ``ar1_f=``), after the times: analysis in articles per second and each ``timeline``
command's seconds (process start included).

``--stores DIR`` keeps the stores there and reuses one that exists (to score again after a
change to the timeline alone; delete them after a change to analysis).

The published figures on all of T17 (AR-1 F / AR-2 F / Date F1): DATEWISE 0.120 / 0.035 /
0.544, MARTSCHAT2018 0.105 / 0.030 / 0.544, PUBCOUNT 0.105 / 0.027 / 0.481; on dev here,
the l busiest days with their lead sentences nearest the day's centroid: 0.113 / 0.030 / 0.579.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, timed_analyze, write_jsonl


def topic_stores(
    tasks: list[dict[str, Any]], eval_dir: Path, folder: Path, topics: set[str] | None
) -> dict[str, Path]:
    """Each topic's store, analysed from its articles unless already there; prints the rate."""
    articles_file = eval_dir / "tls" / tasks[0]["articles_file"]
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in read_jsonl(articles_file):
        if topics is None or article["topic"] in topics:
            record = {k: article[k] for k in ("id", "published", "text")}
            by_topic[article["topic"]].append(record)
    stores = {}
    for topic, records in sorted(by_topic.items()):
        db = folder / f"{topic}.db"
        if not db.exists():
            source = write_jsonl(folder / f"{topic}.jsonl", records)
            seconds, peak = timed_analyze(source, db)
            print(
                f"analyze {topic}: {len(records)} articles in {seconds:.1f} s "
                f"({len(records) / seconds:.1f} articles/s; peak {peak:.0f} MiB so far)",
                flush=True,
            )
        stores[topic] = db
    return stores


def run_timeline(db: Path, task: dict[str, Any]) -> tuple[dict[str, Any], float]:
    command = [
        sys.executable, "-m", "storyline", "timeline", "--db", str(db),
        "--since", task["start"], "--until", task["end"],
        "--dates", str(task["l"]), "--sentences", str(task["k"]), "--format", "jsonl",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"timeline failed for {task['id']}: {done.stderr.strip()}")
    row = json.loads(done.stdout)
    timeline = [
        {"date": day["date"], "sentences": [s["text"] for s in day["sentences"]]}
        for day in row["timeline"]
    ]
    return {"id": task["id"], "timeline": timeline}, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", default="tls/t17-dev.jsonl")
    parser.add_argument("--stores", type=Path, help="keep and reuse the topics' stores here")
    parser.add_argument("--topics", help="only these topics (comma-separated)")
    parser.add_argument("--per-task", action="store_true", help="also the scorer's task lines")
    args = parser.parse_args()
    gold = args.eval_dir / args.set
    topics = set(args.topics.split(",")) if args.topics else None
    tasks = [t for t in read_jsonl(gold) if topics is None or t["topic"] in topics]
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.stores or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        stores = topic_stores(tasks, args.eval_dir, folder, topics)
        predictions, times = [], []
        for task in tasks:
            prediction, seconds = run_timeline(stores[task["topic"]], task)
            predictions.append(prediction)
            times.append((seconds, len(task["article_ids"]), task["id"]))
        seconds, articles, slowest = max(times)
        print(
            f"timeline: {len(tasks)} tasks, {sum(t for t, _, _ in times):.1f} s in all; "
            f"slowest {seconds:.2f} s ({slowest}, {articles} articles in range)"
        )
        subset = write_jsonl(Path(scratch) / "gold.jsonl", tasks)
        pred = write_jsonl(Path(scratch) / "pred.jsonl", predictions)
        command = [sys.executable, str(args.eval_dir / "score" / "score_tls.py"), str(subset)]
        command += [str(pred), *(["--per-task"] if args.per_task else [])]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(done.stderr or "score_tls.py failed")
        print(done.stdout, end="")
    print(f"command: python benchmarks/bench_timeline.py --set {args.set}")


if __name__ == "__main__":
    main()
