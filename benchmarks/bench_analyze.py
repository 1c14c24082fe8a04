"""Wall time and peak memory of `storyline analyze` on the bundled example; import time.

Usage: python benchmarks/bench_analyze.py [--runs 3] [INPUT ...]

Each run is a fresh process on a fresh store (models load every time, as for a user), timed as
a whole; peak memory is the child's maximum resident set size. Import time is `import
storyline` in a fresh interpreter minus a bare interpreter start, median of several runs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "russia-hamas"


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def analyze_runs(inputs: list[str], runs: int) -> tuple[list[float], float]:
    walls = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            db = str(Path(folder) / "bench.db")
            walls.append(
                _timed([sys.executable, "-m", "storyline", "analyze", *inputs, "--db", db, "-q"])
            )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return walls, peak_kib / 1024


def import_time(runs: int = 7) -> float:
    bare = statistics.median(_timed([sys.executable, "-c", "pass"]) for _ in range(runs))
    full = statistics.median(
        _timed([sys.executable, "-c", "import storyline"]) for _ in range(runs)
    )
    return full - bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", default=[str(EXAMPLE)])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    walls, peak_mib = analyze_runs(args.inputs, args.runs)
    print(f"analyze {' '.join(args.inputs)}")
    print(
        f"  wall seconds: median {statistics.median(walls):.2f} "
        f"(min {min(walls):.2f}, max {max(walls):.2f}, {len(walls)} runs)"
    )
    print(f"  peak memory: {peak_mib:.0f} MiB (max RSS of the analyze process)")
    print(
        f"import storyline: {import_time() * 1000:.0f} ms (median, over a bare interpreter start)"
    )


if __name__ == "__main__":
    main()
