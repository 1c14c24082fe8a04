"""Latency of the HTTP API and the web pages on loopback, over a store of the seeds or a
bigger one (``build_store.py``).

usage: python benchmarks/bench_api.py [--db PATH] [--requests 200] [--concurrency 4]
                                      [--stories 20] [--seed 7]

Without ``--db`` the bundled seeds are analysed into a temporary store. The server is
``storyline serve`` in its own process on 127.0.0.1 (a client in the server's process would
share its interpreter lock); it reads the store before it accepts requests, and the time until
it answers is printed. Then ``--stories`` stories are drawn (the largest always among them)
and each is opened once: the first view of a story builds its report (its sentences embedded
unless the store already keeps their vectors), timed apart. Then a fixed number of requests
(``--requests`` per endpoint, ``--concurrency`` at a time) go to each endpoint, spread over
the drawn stories, their articles and the entities in their casts, and the median, p95 and
max per endpoint are printed.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle, islice
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "russia-hamas"


def serve(
    db: Path | str, folder: Path, probe: str = "/api/outlets", serve_settings: str = ""
) -> tuple[str, subprocess.Popen[bytes], float]:
    """``storyline serve`` in its own process, and the seconds until it answered ``probe``.
    ``db`` is a path or a ``postgresql://`` URL (a string: ``Path`` would fold its ``//``);
    ``serve_settings`` are more lines of its ``[serve]`` settings."""
    import httpx

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    # Latency is measured with many requests from one client: the rate limit is off.
    unlimited = folder / "unlimited.toml"
    unlimited.write_text(
        f"[serve]\nrequests_per_minute = 0\nwrites_per_minute = 0\n{serve_settings}\n", "utf-8"
    )
    command = [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)]
    command += ["--config", str(unlimited)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(3000):
        try:
            httpx.get(base + probe, timeout=120).raise_for_status()
            return base, process, time.perf_counter() - started
        except httpx.ConnectError:  # not listening yet
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def timed(base: str, paths: list[str], requests: int, concurrency: int) -> list[float]:
    """Seconds per request: ``requests`` of them, taking ``paths`` in turn."""
    import httpx

    def one(path: str) -> float:
        started = time.perf_counter()
        response = client.get(base + path)
        response.raise_for_status()
        return time.perf_counter() - started

    with httpx.Client(timeout=120) as client, ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, islice(cycle(paths), requests)))


def drawn_stories(base: str, count: int, seed: int) -> list[dict[str, Any]]:
    import httpx

    stories, offset = [], 0
    while True:
        page = httpx.get(base + "/api/stories", params={"limit": 100, "offset": offset}).json()
        stories += page["items"]
        offset += 100
        if offset >= page["total"]:
            break
    largest = max(stories, key=lambda s: s["articles"])
    others = [s for s in stories if s["id"] != largest["id"]]
    return [largest, *random.Random(seed).sample(others, min(count - 1, len(others)))]


def first_views(base: str, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open each story once (its report is built then), returning the JSON stories."""
    rows, seconds = timed_first_views(base, stories)
    print(
        f"first view of {len(stories)} stories (report built): median "
        f"{statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"(the largest, {stories[0]['articles']} articles: {seconds[0]:.2f} s)"
    )
    return rows


def timed_first_views(
    base: str, stories: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[float]]:
    """The JSON stories, each opened once, and the seconds each first view took."""
    import httpx

    seconds, rows = [], []
    for story in stories:
        started = time.perf_counter()
        response = httpx.get(f"{base}/api/stories/{story['id']}", timeout=600)
        seconds.append(time.perf_counter() - started)
        response.raise_for_status()
        rows.append(response.json())
    return rows, seconds


def spread(times: list[float]) -> tuple[float, float, float]:
    """Median, p95 and max of ``times``."""
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]


def report(name: str, times: list[float], concurrency: int) -> None:
    median, p95, most = spread(times)
    print(
        f"{name:20} {len(times)} requests, {concurrency} at a time: median "
        f"{median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {most * 1000:.1f} ms"
    )


def endpoints(stories: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    ids = [s["id"] for s in stories]
    articles = [a for row in rows for a in row["articles"][:3]]
    entities = [m["entity"] for row in rows for m in row["cast"][:2]]
    words = [w for s in stories for w in s["title"].split() if len(w) > 5][:20] or ["Hamas"]
    return {
        "story list (JSON)": ["/api/stories"],
        "story list page": ["/"],
        "search (JSON)": [f"/api/stories?q={w}" for w in words],
        "story (JSON)": [f"/api/stories/{i}" for i in ids],
        "story page": [f"/stories/{i}" for i in ids],
        "article page": [f"/articles/{a}" for a in articles],
        "entity (JSON)": [f"/api/entities/{e}" for e in entities],
    }


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            import storyline

            db = Path(folder) / "seeds.db"
            storyline.analyze([EXAMPLE], db=db)
        base, server, ready = serve(db, Path(folder))
        try:
            import httpx

            outlets = httpx.get(base + "/api/outlets").json()
            total = sum(o["articles"] for o in outlets)
            stories = drawn_stories(base, args.stories, args.seed)
            print(f"store: {total} articles; server answering after {ready:.1f} s")
            rows = first_views(base, stories)
            for name, paths in endpoints(stories, rows).items():
                report(name, timed(base, paths, args.requests, args.concurrency), args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
