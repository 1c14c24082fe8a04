"""Kill and resume, and readers with writers: nothing lost, duplicated or half written.

usage: python benchmarks/bench_reliability.py [--eval-dir DIR] [--articles N] [--kills K]
                                              [--writers W] [--windowed] [--seed S]

Part 1, kill and resume: ``storyline analyze`` over the first ``--articles`` eval texts (one
JSONL input, batches of 4, a regrouping every 8 articles) is run once uninterrupted, then
again and again into a second store, each run SIGKILLed at a random moment once its models
are loaded (uniform over half the uninterrupted run's work), until ``--kills`` runs were
killed while running; then once to the end. The resumed store must hold what the
uninterrupted one holds: the same rows in every table, no article twice, none without a
story, the ingest log empty. ``--windowed`` does the same in stores regrouped around new
articles from the start (``full_regroup_below = 0``).

Part 2, concurrent use: ``--writers`` ``analyze`` processes on overlapping shares of the
same texts write one store at once while this process reads it through the HTTP API (every
story listed, opened, each of its articles opened) until they end. Every answer must be
whole, and the store must end holding each article once, each in one story.

Prints the figures; exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_throughput import input_lines
from evalkit import DEFAULT_EVAL_DIR

from storyline.store.store import Store

STEPS = "[pipeline]\nbatch_size = 4\nregroup_every = 8\n"


def command(db: Path, config: Path, inputs: list[Path]) -> list[str]:
    return [
        sys.executable, "-m", "storyline", "analyze", *map(str, inputs),
        "--db", str(db), "--config", str(config), "-q",
    ]  # fmt: skip


def stored_count(db: Path) -> int:
    """Articles another process has committed so far (0 before the store exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def run_to_end(db: Path, config: Path, inputs: list[Path]) -> tuple[float, float]:
    """Run ``analyze`` to its end; the seconds until it stored its first article, and in all."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command(db, config, inputs), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    first = None
    while process.poll() is None:
        if first is None and stored_count(db):
            first = time.perf_counter() - started
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"analyze failed: {process.communicate()[0][-1000:]}")
    return first or seconds, seconds


def killed_while_working(
    db: Path, config: Path, inputs: list[Path], loading: float, working: float, rng: random.Random
) -> bool:
    """Run ``analyze``; once it stores its first article (or has had the time its models
    take to load), SIGKILL it at a random moment of the time the work takes. False if it
    had ended by then."""
    before = stored_count(db)
    started = time.perf_counter()
    process = subprocess.Popen(
        command(db, config, inputs), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while process.poll() is None and stored_count(db) == before:
        if time.perf_counter() - started > loading:
            break
        time.sleep(0.02)
    try:
        process.wait(timeout=rng.uniform(0, working))
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def comparable(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """A store's content without its generation counter (it counts writes, not content)."""
    state = [row for row in dump["store_state"] if row[0] != "generation"]
    return {**dump, "store_state": state}


def whole_problems(store: Store) -> list[str]:
    """What a store left by any run must never show."""
    corpus = store.load_corpus()
    ids = [d.article.id for d in corpus.documents]
    in_stories = sorted(a for s in corpus.stories or [] for a in s.articles)
    problems = []
    if len(ids) != len(set(ids)):
        problems.append("an article stored twice")
    if in_stories != sorted(ids):
        problems.append("an article in no story or in two")
    if store.ungrouped():
        problems.append(f"{len(store.ungrouped())} articles left ungrouped")
    if str(store.path).endswith(".db"):
        with sqlite3.connect(store.path) as connection:
            if connection.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                problems.append("SQLite integrity check failed")
    return problems


def kill_and_resume(
    folder: Path, source: Path, kills: int, windowed: bool, rng: random.Random
) -> list[str]:
    config = folder / "steps.toml"
    config.write_text(STEPS + ("full_regroup_below = 0\n" if windowed else ""), "utf-8")
    reference = folder / "uninterrupted.db"
    loading, seconds = run_to_end(reference, config, [source])
    db = folder / "killed.db"
    hit, runs = 0, 0
    # Until ``kills`` runs were killed while running (a run that ended first is no kill),
    # each at a moment within half the work left to do at most.
    while hit < kills and runs < 3 * kills:
        hit += killed_while_working(db, config, [source], loading, (seconds - loading) / 2, rng)
        runs += 1
        print(f"  run {runs}: {stored_count(db)} articles stored", flush=True)
    run_to_end(db, config, [source])
    with Store(reference) as uninterrupted, Store(db) as resumed:
        problems = whole_problems(resumed)
        if comparable(resumed.dump()) != comparable(uninterrupted.dump()):
            problems.append("resumed store differs from the uninterrupted one")
        count = resumed.article_count()
    print(
        f"kill and resume: uninterrupted run {seconds:.1f} s ({loading:.1f} s to the first"
        f" article stored); {runs} runs, {hit} of them killed while running at a random moment,"
        f" then resumed: {count} articles, {'; '.join(problems) or 'same store'}",
        flush=True,
    )
    return problems


def readers_with_writers(folder: Path, source: Path, writers: int) -> list[str]:
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app
    from storyline.settings import load_settings

    lines = source.read_text("utf-8").splitlines()
    shares = []
    for number in range(writers):  # overlapping shares: each text is in two of them
        share = folder / f"share-{number}.jsonl"
        chosen = [line for i, line in enumerate(lines) if i % writers != number]
        share.write_text("\n".join(chosen) + "\n", "utf-8")
        shares.append(share)
    db = folder / "shared.db"
    config = folder / "one.toml"
    config.write_text("[pipeline]\nbatch_size = 4\n", "utf-8")
    run_to_end(db, config, [shares[0]])  # a store to read from the first moment
    # Reads as fast as it can: the per-client rate limit is no part of what is measured.
    unlimited = load_settings(serve={"requests_per_minute": 0, "writes_per_minute": 0})
    client = TestClient(create_app(db, unlimited))
    processes = [
        subprocess.Popen(
            command(db, config, [share]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for share in shares[1:] + shares[:1]
    ]
    reads, refused = 0, 0
    while any(p.poll() is None for p in processes):
        listing = client.get("/api/stories", params={"limit": 100})
        answers = [listing]
        for item in listing.json().get("items", []):
            story = client.get(f"/api/stories/{item['id']}")
            answers.append(story)
            answers += [client.get(f"/api/articles/{a}") for a in story.json().get("articles", [])]
        reads += len(answers)
        refused += sum(a.status_code != 200 for a in answers)
    problems = [
        f"writer {n} exited {p.returncode}" for n, p in enumerate(processes) if p.returncode
    ]
    if refused:
        problems.append(f"{refused} reads not answered whole")
    with Store(db) as store:
        problems += whole_problems(store)
        count = store.article_count()
    if count != len(lines):
        problems.append(f"{count} articles stored, not {len(lines)}")
    verdict = "; ".join(problems) or "each once, each in one story"
    print(
        f"concurrent use: {writers} writers and 1 reader ({reads} API reads, {refused} not"
        f" whole): {count} articles, {verdict}",
        flush=True,
    )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--windowed", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="leave the stores in this (new) folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = args.keep or Path(name)
        folder.mkdir(parents=True, exist_ok=args.keep is None)
        source = folder / "articles.jsonl"
        source.write_text(
            "".join(json.dumps(r) + "\n" for r in input_lines(args.eval_dir, args.articles)),
            "utf-8",
        )
        problems = kill_and_resume(
            folder, source, args.kills, args.windowed, random.Random(args.seed)
        )
        problems += readers_with_writers(folder, source, args.writers)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
