"""Annotation on a Dask cluster stores exactly what annotation in one process stores, redoes
here what a lost worker held, and a scheduler that cannot be reached is one clear error."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
import storyline.version
from conftest import DATA_DIR, EXAMPLE_DIR, assert_a_bad_article_is_lost_alone, make_article
from storyline.cli import app
from storyline.errors import ClusterError
from storyline.pipeline.workers import annotated_batches
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings, default_settings
from storyline.store.store import Store

distributed = pytest.importorskip("distributed", reason="needs the dask extra")

pytestmark = pytest.mark.dask

#: The seeds and a JSONL file of three usable articles and six bad lines: with batches of two,
#: five batches, and failures to record.
INPUTS = [EXAMPLE_DIR, DATA_DIR / "read" / "articles.jsonl"]
#: Nothing listens here: a refused connection, retried until the timeout.
NOBODY = "tcp://127.0.0.1:1"


def with_pipeline(**changes: Any) -> Settings:
    defaults = default_settings()
    pipeline = defaults.pipeline.model_copy(update=changes)
    return defaults.model_copy(update={"pipeline": pipeline})


def local_cluster(workers: int) -> Any:
    # The scheduler's HTTP server takes port 8787 even with no dashboard: a port of its own
    # lets two clusters (and other users of the machine) run side by side.
    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
    )


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two worker processes, as CI can afford: each loads its own models on its first batch."""
    with local_cluster(2) as cluster:
        yield cluster.scheduler_address


def stored(db: Path, settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    handled: list[str] = []
    result = storyline.analyze(INPUTS, db=db, settings=settings, progress=handled.append)
    assert len(result.added) == 8 and len(result.failures) == 5
    assert len(handled) == len(result.added) + len(result.failures)
    with Store(db) as store:
        return store.dump()


def batches_run_on_workers(scheduler: str) -> int:
    """How many of the cluster's workers have built their stages (run a batch)."""
    with distributed.Client(scheduler, set_as_default=False) as client:
        built = client.run(
            lambda: len(__import__("storyline.pipeline.workers").pipeline.workers._WORKER_STAGES)
        )
    return sum(built.values())


def test_a_dask_cluster_stores_what_one_process_stores(tmp_path: Path, scheduler: str) -> None:
    alone = stored(tmp_path / "alone.db", with_pipeline(batch_size=2, workers=1))
    on_dask = stored(tmp_path / "dask.db", with_pipeline(batch_size=2, dask=scheduler))
    assert on_dask == alone
    assert batches_run_on_workers(scheduler) >= 1  # the cluster did the work, not this process


def test_a_batch_that_fails_on_a_dask_worker_loses_only_its_bad_article(scheduler: str) -> None:
    assert_a_bad_article_is_lost_alone(with_pipeline(dask=scheduler))


def small_articles(count: int) -> list[list[Article]]:
    texts = [f"The council of town {n} approved its budget on Monday." for n in range(count)]
    return [[make_article(text, f"t{n}")] for n, text in enumerate(texts)]


def losing(batches: list[list[Article]], lose: Callable[[], None]) -> Iterator[list[Article]]:
    """The batches, with ``lose`` called once the first two are with the cluster."""
    yield from batches[:2]
    lose()
    yield from batches[2:]


@pytest.fixture
def annotated_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles of every batch annotated in this process instead of a worker."""
    from storyline.pipeline import workers as parallel

    here: list[str] = []
    redo = parallel._Here.annotate

    def recorded(self: parallel._Here, batch: list[Article]) -> list[Document]:
        here.extend(a.id for a in batch)
        return redo(self, batch)

    monkeypatch.setattr(parallel._Here, "annotate", recorded)
    return here


def annotated_ids(batches: Iterator[list[Article]], scheduler: str) -> list[list[str]]:
    failures: list[ReadFailure] = []
    settings = with_pipeline(dask=scheduler, dask_timeout=2)
    documents = list(annotated_batches(batches, settings, failures))
    assert not failures
    return [[d.article.id for d in batch] for batch in documents]


def test_batches_a_lost_scheduler_held_are_annotated_here(annotated_here: list[str]) -> None:
    batches = small_articles(4)
    cluster = local_cluster(1)
    # Closed while its worker is still loading models for the first batch: every future is
    # cancelled, and no later batch goes to the client that lost it.
    ids = annotated_ids(losing(batches, cluster.close), cluster.scheduler_address)
    assert ids == [["t0"], ["t1"], ["t2"], ["t3"]]
    assert annotated_here == ["t0", "t1", "t2", "t3"]


def test_batches_dask_gives_up_on_are_annotated_here(annotated_here: list[str]) -> None:
    import dask

    batches = small_articles(4)
    # No second try: the worker's death while it holds a batch fails the batch (KilledWorker).
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        local_cluster(1) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        (pid,) = client.run(os.getpid).values()

        def kill_when_busy() -> None:
            while not any(client.processing().values()):
                time.sleep(0.05)
            os.kill(pid, signal.SIGKILL)

        ids = annotated_ids(losing(batches, kill_when_busy), cluster.scheduler_address)
    assert ids == [["t0"], ["t1"], ["t2"], ["t3"]]
    assert annotated_here[:1] == ["t0"]


def test_workers_that_run_another_storyline_are_one_clear_error(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storyline.version, "__version__", "0.0.1")  # the workers run the real one
    batches = iter(small_articles(2))
    with pytest.raises(ClusterError, match=r"2 of the 2 Dask workers .* storyline 0\.0\.1"):
        list(annotated_batches(batches, with_pipeline(dask=scheduler), []))


def test_a_scheduler_with_no_workers_is_one_clear_error() -> None:
    batches = iter(small_articles(2))
    with local_cluster(0) as cluster, pytest.raises(ClusterError, match="has no workers"):
        list(annotated_batches(batches, with_pipeline(dask=cluster.scheduler_address), []))


@pytest.mark.parametrize(
    ("address", "says"),
    [(NOBODY, "cannot reach the Dask scheduler at"), ("nonsense", "not a scheduler address")],
)
def test_a_scheduler_that_cannot_be_reached_is_one_clear_error(address: str, says: str) -> None:
    batches = iter(small_articles(2))
    started = time.perf_counter()
    with pytest.raises(ClusterError, match=says):
        list(annotated_batches(batches, with_pipeline(dask=address, dask_timeout=1), []))
    assert time.perf_counter() - started < 5


def test_the_cli_maps_dask_onto_the_setting(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    config = tmp_path / "storyline.toml"
    config.write_text("[pipeline]\nbatch_size = 2\ndask_timeout = 1\n", "utf-8")
    args = [str(EXAMPLE_DIR), "--db", str(tmp_path / "s.db"), "--config", str(config)]
    result = CliRunner().invoke(app, ["analyze", *args, "-q", "--dask", NOBODY])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())  # one message, however the console wraps it
    assert message.startswith(f"error: cannot reach the Dask scheduler at {NOBODY} (Timed out")
    assert message.count("error") == 1 and "Traceback" not in message
