"""Per-article annotation elsewhere: worker processes on this machine, or a Dask cluster.

Both are a :class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, or the executor of
a ``distributed.Client``), so one code path hands batches out, a few ahead of what has been
stored, and collects them in input order.

A worker loads its models once: it builds its stages on its first batch and keeps them in a
module-level cache (the models behind them are cached per process too), so a Dask worker keeps
them between runs with the same settings. A cache built on first use, not a Dask
``WorkerPlugin``: the same code serves the pool and Dask, nothing is registered on a cluster
that outlives the run (and serves other runs, with other settings), a worker that never gets
a batch loads nothing, and the settings travel with every batch (they are small and frozen).

A batch whose worker is lost (a pool process died, the scheduler went away, or Dask gave up
on a batch that kept killing its workers) is annotated here, and so is every batch after it:
whatever lost one worker is likely to lose the next. Dask replaces a worker that dies and
reruns its batch elsewhere on its own.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from storyline.errors import ClusterError
from storyline.pipeline.annotate import ProgressCallback, annotate, article_stages
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from distributed import Client

    from storyline.stage import ArticleStage

    #: What a worker sends back: the annotated documents, and the articles it could not use.
    Annotated = tuple[list[Document], list[ReadFailure]]

#: Most worker processes "one per core" starts: each holds its own models (about 0.7 GB).
MAX_AUTO_WORKERS = 4


@dataclass(frozen=True)
class Workers:
    """Somewhere to send batches: an executor, how many batches it runs at once, and the
    exceptions its futures raise when the worker running them is gone."""

    executor: Executor
    slots: int
    lost: tuple[type[BaseException], ...]


def pool_size(settings: Settings) -> int:
    """Worker processes on this machine that ``pipeline.workers`` asks for."""
    return settings.pipeline.workers or min(os.cpu_count() or 1, MAX_AUTO_WORKERS)


def annotated_elsewhere(
    batches: Iterator[list[Article]],
    settings: Settings,
    failures: list[ReadFailure],
    progress: ProgressCallback | None = None,
) -> Iterator[list[Document]]:
    """Each batch annotated by workers (the Dask cluster of ``pipeline.dask``, else a process
    pool), in input order."""
    here = _Here(settings, failures, progress)
    with _workers(settings) as workers:
        yield from _in_order(batches, workers, here)


@contextmanager
def _workers(settings: Settings) -> Iterator[Workers]:
    if settings.pipeline.dask:
        with _dask_workers(settings.pipeline.dask, settings.pipeline.dask_timeout) as workers:
            yield workers
    else:
        with _process_pool(pool_size(settings)) as workers:
            yield workers


@contextmanager
def _process_pool(size: int) -> Iterator[Workers]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # "spawn", not "fork": a forked child inherits the parent's imported native libraries, and
    # onnxruntime imported after usearch crashes (see story_index.usearch_index).
    context = multiprocessing.get_context("spawn")
    parent = os.getpid()
    with ProcessPoolExecutor(
        size, mp_context=context, initializer=_end_with_parent, initargs=(parent,)
    ) as pool:
        yield Workers(pool, size, (BrokenProcessPool,))


#: How often a pool worker checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 1.0


def _end_with_parent(parent: int) -> None:
    """In a pool worker: exit once ``parent`` is gone. A parent killed outright (SIGKILL, the
    out-of-memory killer) cannot stop its workers, and they would wait for work forever:
    each holds the write end of the pool's task queue too, so it never reads end-of-file.
    A check from a daemon thread works wherever Python does (prctl's death signal is
    Linux's only)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="storyline-parent-watch", daemon=True).start()


@contextmanager
def _dask_workers(address: str, timeout: float) -> Iterator[Workers]:
    client = _connected(address, timeout)  # first: it says so when Dask is not installed
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        _check_workers(client, address)
        slots = max(1, sum(client.nthreads().values()))
        # pure=False: every batch is new work, so Dask need not hash the articles for a key.
        # A lost scheduler cancels every future (CancelledError); a worker that dies is
        # replaced by Dask itself, until a task has killed several (KilledWorker).
        yield Workers(client.get_executor(pure=False), slots, (KilledWorker, CancelledError))
    finally:
        client.close()


def _check_workers(client: Client, address: str) -> None:
    """There are workers, and each runs this storyline: one that cannot import it never
    finishes a batch (it fails to read the task and waits), and another version would
    annotate differently. Workers that join later are not checked."""
    from storyline.version import __version__

    found = client.run(_installed_version, on_error="return")
    if not found:  # the batches would wait for a worker for ever
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers; start them first "
            f"(dask worker {address} --nworkers auto --nthreads 1)"
        )
    wrong = {worker: v for worker, v in found.items() if v != __version__}
    if wrong:
        worker, version = next(iter(wrong.items()))
        raise ClusterError(
            f"{len(wrong)} of the {len(found)} Dask workers of {address} do not run storyline "
            f"{__version__} ({worker}: {version}); install it on every worker"
        )


def _installed_version() -> str:
    """On a Dask worker: the storyline it would run."""
    from storyline.version import __version__

    return __version__


def _connected(address: str, timeout: float) -> Client:
    """A client of the scheduler at ``address``, or one ClusterError that says why not.

    The address is first tried with a bare Dask handshake: a ``Client`` that fails other than
    by a timeout is left half-open, and complains about it when collected.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError(
            f"pipeline.dask is set ({address}) but Dask is not installed: "
            "pip install 'storyline[dask]'"
        ) from exc
    _handshake(address, timeout)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise _unreachable(address, exc) from exc


def _handshake(address: str, timeout: float) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def greet() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    # A thread of its own: the caller may be running an event loop already (a notebook).
    with ThreadPoolExecutor(1) as thread:
        try:
            thread.submit(asyncio.run, greet()).result()
        except ValueError as exc:
            raise ClusterError(
                f"pipeline.dask {address!r} is not a scheduler address ({exc}); "
                "write it as tcp://host:8786"
            ) from exc
        except OSError as exc:
            raise _unreachable(address, exc) from exc
        except Exception as exc:  # anything else came from a server that is not Dask's
            raise ClusterError(
                f"{address} does not answer as a Dask scheduler ({type(exc).__name__}); "
                "is that the scheduler's port (8786 by default), not its dashboard's?"
            ) from exc


def _unreachable(address: str, exc: OSError) -> ClusterError:
    # distributed's message names the address and the timeout ("Timed out trying to connect
    # to tcp://host:8786 after 10 s"), except when it fails sooner.
    return ClusterError(
        f"cannot reach the Dask scheduler at {address} ({exc}); start one (dask scheduler) "
        "or correct pipeline.dask / --dask"
    )


@dataclass
class _Here:
    """Annotation in this process, for the batches no worker can take (models load on need)."""

    settings: Settings
    failures: list[ReadFailure]
    progress: ProgressCallback | None
    workers_lost: bool = False
    stages: list[ArticleStage] = field(default_factory=list)

    def annotate(self, batch: list[Article]) -> list[Document]:
        self.stages[:] = self.stages or article_stages(self.settings)
        languages = self.settings.annotate.languages
        return annotate(batch, self.stages, self.failures, self.progress, languages)

    def accept(self, annotated: Annotated) -> list[Document]:
        documents, failures = annotated
        self.failures.extend(failures)
        for document in documents:
            if self.progress:
                self.progress(document.article.source)
        return documents


def _in_order(
    batches: Iterator[list[Article]], workers: Workers, here: _Here
) -> Iterator[list[Document]]:
    """Batches handed out at most ``2 * slots`` ahead of the one collected: every worker has
    the next batch waiting, and memory stays bounded however long the input."""
    pending: deque[tuple[list[Article], Future[Annotated] | None]] = deque()
    for batch in batches:
        pending.append((batch, _submitted(batch, workers, here)))
        if len(pending) > 2 * workers.slots:
            yield _collected(*pending.popleft(), workers, here)
    while pending:
        yield _collected(*pending.popleft(), workers, here)


def _submitted(batch: list[Article], workers: Workers, here: _Here) -> Future[Annotated] | None:
    """The batch's future, or None when it is to be annotated here."""
    if here.workers_lost:
        return None
    try:
        return workers.executor.submit(annotate_in_worker, batch, here.settings)
    except workers.lost:  # a broken process pool refuses new work
        here.workers_lost = True
        return None


def _collected(
    batch: list[Article], future: Future[Annotated] | None, workers: Workers, here: _Here
) -> list[Document]:
    if future is not None:
        try:
            return here.accept(future.result())
        except workers.lost:
            here.workers_lost = True
    return here.annotate(batch)


#: A worker's stages and the settings they were built with; built on its first batch.
_WORKER_STAGES: list[tuple[Settings, list[ArticleStage]]] = []
#: A Dask worker with several threads runs tasks side by side; one set of models is not safe
#: to share between threads, so its batches take turns (start Dask workers with --nthreads 1).
_WORKER_LOCK = threading.Lock()


def annotate_in_worker(batch: list[Article], settings: Settings) -> Annotated:
    """On a worker (a pool process or a Dask worker): one batch, with the worker's stages."""
    failures: list[ReadFailure] = []
    with _WORKER_LOCK:
        stages = _worker_stages(settings)
        return annotate(batch, stages, failures, languages=settings.annotate.languages), failures


def _worker_stages(settings: Settings) -> list[ArticleStage]:
    """The stages for ``settings``, built once per worker (their models load on first use,
    once per process). Workers share the machine's cores, so each runs its models on one
    thread: more speed comes from more workers."""
    if not _WORKER_STAGES or _WORKER_STAGES[0][0] != settings:
        embed = settings.embed.model_copy(update={"threads": 1})
        stages = article_stages(settings.model_copy(update={"embed": embed}))
        _WORKER_STAGES[:] = [(settings, stages)]
    return _WORKER_STAGES[0][1]


def annotated_batches(
    batches: Iterator[list[Article]],
    settings: Settings,
    failures: list[ReadFailure],
    progress: ProgressCallback | None = None,
) -> Iterator[list[Document]]:
    """Each batch annotated, in input order: in this process, by worker processes, or by the
    Dask cluster of ``pipeline.dask`` (:mod:`storyline.pipeline.workers`).

    Workers are used only when a second batch arrives: a worker loads its own models, which
    for one batch costs as much as annotating it here.
    """
    first, second = next(batches, None), next(batches, None)
    if first is None:
        return
    batches = chain([first], [second] if second else [], batches)
    if second is None or not (settings.pipeline.dask or pool_size(settings) > 1):
        stages = article_stages(settings)
        for batch in batches:
            yield annotate(batch, stages, failures, progress, settings.annotate.languages)
        return
    yield from annotated_elsewhere(batches, settings, failures, progress)
