"""Latency of the HTTP API and the story page on loopback, over a store of the seeds.

usage: python benchmarks/bench_api.py [--db PATH] [--requests 200] [--concurrency 4]

Without ``--db`` the bundled seeds are analysed into a temporary store. The server is
``storyline serve`` in its own process, on 127.0.0.1; a fixed number of requests (``--requests``
per endpoint, ``--concurrency`` at a time) go to the story list, the JSON story, the story
page and an article page, after one warm-up request each (the first report of a story embeds
its sentences; the store keeps the vectors, the server keeps the report). Prints the median,
p95 and max per endpoint.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "russia-hamas"


def serve(db: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """``storyline serve`` in its own process (a client in the server's process would share
    its interpreter lock and time itself)."""
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(base + "/api/outlets", timeout=1)
            return base, process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def timed(base: str, path: str, requests: int, concurrency: int) -> list[float]:
    import httpx

    def one(_: int) -> float:
        started = time.perf_counter()
        response = client.get(base + path)
        response.raise_for_status()
        return time.perf_counter() - started

    with httpx.Client(timeout=60) as client:
        one(0)  # warm-up: the first report of a story is built and kept
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(one, range(requests)))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            import storyline

            db = Path(folder) / "seeds.db"
            storyline.analyze([EXAMPLE], db=db)
        base, server = serve(db)
        import httpx

        stories = httpx.get(base + "/api/stories", params={"limit": 100}).json()["items"]
        biggest = max(stories, key=lambda s: s["articles"])
        article = httpx.get(f"{base}/api/stories/{biggest['id']}").json()["articles"][0]
        articles = httpx.get(base + "/api/outlets").json()
        total = sum(o["articles"] for o in articles)
        print(f"store: {len(stories)} stories, {total} articles; story of {biggest['articles']}")
        for name, path in (
            ("story list (JSON)", "/api/stories"),
            ("story (JSON)", f"/api/stories/{biggest['id']}"),
            ("story page", f"/stories/{biggest['id']}"),
            ("article page", f"/articles/{article}"),
        ):
            times = sorted(timed(base, path, args.requests, args.concurrency))
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"{name:18} {len(times)} requests, {args.concurrency} at a time: median "
                f"{statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
                f"max {times[-1] * 1000:.1f} ms"
            )
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
