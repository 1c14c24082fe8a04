"""Crash safety: an ``analyze`` killed at any point, then run again, ends with the store an
uninterrupted run leaves: no article lost or stored twice, none left without a story."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, comparable_dump
from storyline.pipeline.analyze import analyze
from storyline.settings import load_settings
from storyline.store.store import Store

#: One article per batch and a regrouping every two, so that a run holds many transactions
#: to be killed between (and inside).
pytestmark = pytest.mark.crash

SMALL_STEPS = "[pipeline]\nbatch_size = 1\nregroup_every = 2\n"
#: As above, in a store regrouped around new articles from the start, not as a whole.
WINDOWED = SMALL_STEPS + "full_regroup_below = 0\n"


def _analyze_command(db: Path, config: Path) -> list[str]:
    return [
        sys.executable, "-m", "storyline", "analyze", str(EXAMPLE_DIR),
        "--db", str(db), "--config", str(config), "-q",
    ]  # fmt: skip


def _stored_articles(db: Path) -> int:
    """How many articles another process has committed so far (0 before the store exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _killed_while_storing(db: Path, config: Path, stored: int, rng: random.Random) -> bool:
    """Run ``analyze``; once ``stored`` articles are in the store, wait a random moment and
    SIGKILL it. True if it was killed, False if it ended first."""
    process = subprocess.Popen(
        _analyze_command(db, config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and _stored_articles(db) < stored:
        assert time.monotonic() < deadline, "analyze stored nothing for two minutes"
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.6))
    ended = process.poll() is not None
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _assert_gone(workers)
    return not ended


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started (its annotation workers), from /proc."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def _assert_gone(pids: set[int]) -> None:
    """The workers of a killed ``analyze`` end by themselves (they would wait forever)."""
    deadline = time.monotonic() + 10
    while alive := {p for p in pids if Path(f"/proc/{p}").exists()}:
        assert time.monotonic() < deadline, f"workers {alive} outlived their killed parent"
        time.sleep(0.1)


@pytest.mark.parametrize("steps", [SMALL_STEPS, WINDOWED], ids=["whole", "windowed"])
def test_killing_analyze_at_random_points_then_rerunning_loses_and_duplicates_nothing(
    steps: str, tmp_path: Path
) -> None:
    config = tmp_path / "steps.toml"
    config.write_text(steps, "utf-8")
    reference = tmp_path / "uninterrupted.db"
    done = subprocess.run(_analyze_command(reference, config), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    db = tmp_path / "killed.db"
    rng = random.Random(steps)
    # A kill after each number of stored articles: in a batch's writing, between batches,
    # in a regrouping and after the last article (while the store is regrouped).
    kills = [_killed_while_storing(db, config, stored, rng) for stored in range(1, 6)]
    assert sum(kills) >= 3, "analyze ended before most kills: the test tests nothing"
    again = subprocess.run(_analyze_command(db, config), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr

    with Store(reference) as uninterrupted, Store(db) as resumed:
        assert comparable_dump(resumed.dump()) == comparable_dump(uninterrupted.dump())
        assert resumed.ungrouped() == []
        corpus = resumed.load_corpus()
    in_stories = sorted(a for s in corpus.stories or [] for a in s.articles)
    assert in_stories == sorted(d.article.id for d in corpus.documents)  # each in one story


def test_articles_stored_by_a_run_stopped_before_regrouping_are_regrouped_by_the_next(
    tmp_path: Path,
) -> None:
    """The ingest log: a windowed store skips stored articles as already done, so without
    it an article stored just before a crash would never join a story."""
    config = tmp_path / "windowed.toml"
    config.write_text(WINDOWED, "utf-8")
    settings = load_settings(config)
    files = sorted(EXAMPLE_DIR.glob("*.txt"))
    db = tmp_path / "store.db"
    analyze(files[:3], db, settings)
    stopped = tmp_path / "stopped.db"
    analyze(files[3:], stopped, settings)  # only to annotate the last two as analyze does
    with Store(stopped) as other, Store(db) as store:
        store.save_documents(other.load_documents())  # stored, then "killed"
        assert {aid for aid, _, _ in store.ungrouped()} == {
            d.article.id for d in other.load_documents()
        }

    result = analyze(files, db, settings)
    assert result.added == [] and len(result.already_stored) == 5
    with Store(db) as store:
        assert store.ungrouped() == []
        corpus = store.load_corpus()
    in_stories = sorted(a for s in corpus.stories or [] for a in s.articles)
    assert in_stories == sorted(d.article.id for d in corpus.documents)
