"""Annotation in worker processes stores exactly what annotation in one process stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from conftest import EXAMPLE_DIR, assert_a_bad_article_is_lost_alone
from storyline.pipeline.workers import annotated_batches
from storyline.records import Article, ReadFailure, Span
from storyline.settings import PipelineSettings, Settings, default_settings
from storyline.store.store import Store


def with_pipeline(batch_size: int, workers: int) -> Settings:
    defaults = default_settings()
    pipeline = defaults.pipeline.model_copy(update={"batch_size": batch_size, "workers": workers})
    return defaults.model_copy(update={"pipeline": pipeline})


def stored(tmp_path: Path, name: str, settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    handled: list[str] = []
    result = storyline.analyze([EXAMPLE_DIR], db=tmp_path / name, settings=settings,
                               progress=handled.append)  # fmt: skip
    assert len(result.added) == 5 and not result.failures
    assert sorted(handled) == sorted(str(p) for p in EXAMPLE_DIR.iterdir())
    with Store(tmp_path / name) as store:
        return store.dump()


@pytest.mark.processes
def test_two_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    # Batches of two: three batches, so the workers start (one batch never starts them).
    alone = stored(tmp_path, "alone.db", with_pipeline(batch_size=2, workers=1))
    assert stored(tmp_path, "pooled.db", with_pipeline(batch_size=2, workers=2)) == alone


@pytest.mark.processes
def test_a_batch_that_fails_in_a_worker_loses_only_its_bad_article() -> None:
    assert_a_bad_article_is_lost_alone(with_pipeline(1, 2))


@pytest.mark.parametrize("workers", [-1])
def test_workers_cannot_be_negative(workers: int) -> None:
    with pytest.raises(ValueError, match="workers"):
        PipelineSettings(batch_size=2, workers=workers, dask="", dask_timeout=10)


@pytest.mark.processes
def test_batches_of_a_worker_process_that_dies_are_annotated_here() -> None:
    import multiprocessing
    import os
    import signal

    def batches() -> Iterator[list[Article]]:
        others = set(multiprocessing.active_children())
        texts = [f"The council of town {n} approved its budget on Monday." for n in range(4)]
        for n, text in enumerate(texts):
            if n == 2:  # the first two batches are with the pool: its processes die
                for child in set(multiprocessing.active_children()) - others:
                    os.kill(child.pid or 0, signal.SIGKILL)
            yield [Article(id=f"t{n}", source=f"t{n}", text=text, body=(Span(0, len(text)),))]

    failures: list[ReadFailure] = []
    documents = list(annotated_batches(batches(), with_pipeline(1, 2), failures))
    ids = [[d.article.id for d in batch] for batch in documents]
    assert ids == [["t0"], ["t1"], ["t2"], ["t3"]] and not failures
