"""The web server reads while ``analyze`` writes, on both backends: every answer is whole
(each story listed can be opened, each of its articles too), and the new articles show."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE_DIR
from storyline.pipeline.analyze import analyze
from storyline.serve.app import create_app
from storyline.settings import load_settings

#: analyze runs in another process while the server answers.
pytestmark = pytest.mark.processes


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("postgres_url"))


def _read_whole(client: TestClient) -> int:
    """Every story of the listing, its page, and each of its articles; how many articles."""
    listing = client.get("/api/stories", params={"limit": 100})
    assert listing.status_code == 200, listing.text
    articles = 0
    for item in listing.json()["items"]:
        story = client.get(f"/api/stories/{item['id']}")
        assert story.status_code == 200, story.text
        assert client.get(f"/stories/{item['id']}").status_code == 200
        for article in story.json()["articles"]:
            assert client.get(f"/api/articles/{article}").status_code == 200
            articles += 1
    return articles


def test_the_server_answers_whole_while_analyze_writes(db: str, tmp_path: Path) -> None:
    files = sorted(EXAMPLE_DIR.glob("*.txt"))
    analyze(files[:2], db)
    config = tmp_path / "steps.toml"
    config.write_text("[pipeline]\nbatch_size = 1\n", "utf-8")  # a commit per article
    # Reads as fast as it can: the per-client rate limit is no part of this test.
    unlimited = load_settings(serve={"requests_per_minute": 0, "writes_per_minute": 0})
    client = TestClient(create_app(db, unlimited))
    assert _read_whole(client) == 2
    log = tmp_path / "analyze.log"
    command = [sys.executable, "-m", "storyline", "analyze", "--config", str(config), "-q"]
    with log.open("w") as output:
        writer = subprocess.Popen(
            [*command, "--db", db, *map(str, files[2:])],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        reads = 0
        while writer.poll() is None:
            assert _read_whole(client) in range(2, 6)
            reads += 1
    assert writer.returncode == 0, log.read_text()
    assert reads >= 3, "analyze ended before the server read while it wrote"
    print(f"{reads} whole reads of the store while analyze wrote")
    deadline = time.monotonic() + 30  # the server reads a changed store again behind
    while _read_whole(client) != 5:
        assert time.monotonic() < deadline, "the new articles never showed"
        time.sleep(0.1)
    if not db.startswith("postgres"):
        with sqlite3.connect(db) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
