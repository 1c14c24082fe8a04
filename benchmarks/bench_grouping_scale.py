"""Grouping at scale: articles/s and peak memory of dedup, stories and threads at 1k and 10k.

usage: python benchmarks/bench_grouping_scale.py [--eval-dir DIR] [--sizes 1000,10000]
                                                 [--skip-memory] [--repeat N]

The 772 real ECB+ dev texts are annotated once by the pipeline's article stages (timed apart:
annotation is per article and not what this measures). A corpus of N articles is then built
from replicas of them: replica r gives every text a new id (``<id>-r<r>``) and a publication
day. Each gold event gets a base day within the first EVENT_SPREAD_DAYS, its articles appear
up to REPORTING_DAYS later, and replica r is shifted by r * REPLICA_SHIFT_DAYS, so that copies
of one text sit in different time windows. The smallest size is one block: replicas 0, 1, ...
with the last one cut at a day to reach exactly that size (its first days kept whole, so that
its time windows are as dense as a full replica's: cut in input order, its articles spread
thinly over all its days, and scanning a thin window costs less). Larger sizes are copies of
that block, each later in time, so that every size holds the same articles in the same
proportions: per-article costs then differ only by what the size does to them. (Built as
twelve whole replicas and a thirteenth cut short, 10,000 articles averaged 1,873 characters
against 1,813 for the 1,000, whose partial replica holds its first days' shorter articles.)

The grouping stages (dedup, stories, threads) run over each corpus as ``regroup`` runs them,
each timed on its own. Entity resolution and quote groups are left out (they are quadratic
today and belong to another issue); the story stage gets an empty list of quote groups.

Replication makes every text a verbatim copy of itself in every other replica, which dedup
rightly finds and which would put all replicas of a text in one story whatever their dates.
Those cross-replica links exist only because of the replication, so they are set aside (and
counted) before the story stage: within each replica, copies point at that replica's earliest
copy, exactly what dedup finds on one replica alone.

Peak memory comes from a second, untimed run under tracemalloc (which slows allocation-heavy
code): it counts Python and numpy allocations, not memory a C++ library (usearch) allocates
itself. The process's maximum RSS is printed too; it is dominated by the annotation models.

Quality is a sanity check that time windows keep replicas apart: B-cubed against gold
clusters (event, replica) with the shared scorer. The last line is the story stage's seconds
per article at the largest size over that at the smallest (target: at most 1.0), in wall time
and in this process's CPU time: the machines are shared, and CPU time moves less when other
jobs compete for the cores. Each grouping runs in a new process (a process that has grouped
10,000 articles is not in the state of a new one), and a smaller size is grouped there as
many times over as makes the articles of the largest (ten groupings of 1,000, one after the
other, against one of 10,000), so that both sizes are timed over the same stretch of a
machine whose speed drifts. ``--repeat N`` makes N such runs of each size, the sizes taking
turns, and reports the run with the median story-stage time;
``OPENBLAS_NUM_THREADS=1`` in the environment keeps numpy's matrix products on one core, so
that wall and CPU time agree. The last lines give the same ratio for the whole grouping
(dedup, stories and threads).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_clustering import GOLD, SCORER, annotated
from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score, write_jsonl

from storyline.group.dedup import chronological_key
from storyline.pipeline.analyze import corpus_stages
from storyline.pipeline.annotate import article_stages
from storyline.records import Corpus, Document, Precision, PubDate
from storyline.settings import Settings, default_settings
from storyline.stage import CorpusStage, check_chain, check_provided

#: The corpus stages measured here, in pipeline order.
GROUPING = ("dedup", "stories", "threads")
SEED = 4
FIRST_DAY = dt.date(2020, 1, 1)
#: Gold events start on a day drawn from this many; an article appears up to REPORTING_DAYS - 1
#: days after its event (inside the story stage's 7-day window).
EVENT_SPREAD_DAYS = 60
REPORTING_DAYS = 4
#: Longer than a replica's whole span (63 days) plus the 7-day window, so replicas never meet.
REPLICA_SHIFT_DAYS = 90
MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """One annotated ECB+ article with its gold labels."""

    document: Document
    event: str
    topic: str


@dataclasses.dataclass(frozen=True, slots=True)
class Replicated:
    """A corpus built from replicas of the sources."""

    documents: list[Document]
    replica_of: dict[str, int]  # article id → replica number
    gold: list[dict[str, Any]]  # records in the scorer's gold format


@dataclasses.dataclass(frozen=True, slots=True)
class Run:
    """One timed grouping run."""

    corpus: Corpus
    seconds: dict[str, float]  # stage name → wall seconds
    cpu_seconds: dict[str, float]  # stage name → CPU seconds of this process (all its threads)
    cross_replica_copies: int
    articles: int  # articles grouped in all (the corpus, times the groupings of it)


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def annotated_sources(records: list[dict[str, Any]], settings: Settings) -> list[Source]:
    """The records annotated by the article stages in pipeline batches (as bench_clustering)."""
    documents = annotated(records, settings)
    gold = {record["id"]: record["gold"] for record in records}
    return [
        Source(d, str(gold[d.article.id]["event"]), str(gold[d.article.id]["topic"]))
        for d in documents
    ]


def event_days(sources: list[Source]) -> dict[str, int]:
    """A base day (0 to EVENT_SPREAD_DAYS - 1) for every gold event, the same in every run."""
    rng = random.Random(SEED)
    return {event: rng.randrange(EVENT_SPREAD_DAYS) for event in sorted({s.event for s in sources})}


def replica(
    sources: list[Source], number: int, base_days: dict[str, int], jitter: int
) -> list[Source]:
    """Replica ``number``: new ids and dates, annotations shared (stages do not change them).

    Its articles' days after their events are drawn with seed ``jitter``: two replicas with one
    seed differ only by their shift in time.
    """
    rng = random.Random(f"{SEED}-{jitter}")
    copies = []
    for source in sources:
        day = base_days[source.event] + rng.randrange(REPORTING_DAYS)
        day += number * REPLICA_SHIFT_DAYS
        article_id = f"{source.document.article.id}-r{number}"
        article = dataclasses.replace(
            source.document.article,
            id=article_id,
            source=f"ecbplus:{article_id}",
            published=PubDate(FIRST_DAY + dt.timedelta(days=day), Precision.DAY, "input"),
        )
        copies.append(
            Source(
                dataclasses.replace(source.document, article=article),
                f"{source.event}-r{number}",
                f"{source.topic}-r{number}",
            )
        )
    return copies


def replicated(sources: list[Source], size: int, block: int | None = None) -> Replicated:
    """``size`` articles: copies of a block of ``block`` (default ``size``) articles, each
    copy later in time than the one before.

    A block is the first ``block`` articles of replicas 0, 1, 2, ... of the sources; copy b of
    it is made of replicas shifted b blocks later, with the same days otherwise. Every size
    built from one block therefore holds the same articles in the same proportions, as dense
    in time: a corpus of 1,000 is one replica and the first days of a second (whose articles
    are 3% shorter than the average), and one of 10,000 is ten such blocks rather than twelve
    whole replicas and a thirteenth cut short, so that per-article costs compare like with like.
    """
    block = block or size
    base_days = event_days(sources)
    per_block = math.ceil(block / len(sources))
    numbered: list[tuple[int, Source]] = []
    for copy in range(math.ceil(size / block)):
        numbers = range(copy * per_block, (copy + 1) * per_block)
        replicas = [(n, by_day(replica(sources, n, base_days, n % per_block))) for n in numbers]
        numbered += [(n, s) for n, copies in replicas for s in copies][:block]
    numbered = numbered[:size]
    return Replicated(
        documents=[s.document for _, s in numbered],
        replica_of={s.document.article.id: n for n, s in numbered},
        gold=[
            {"id": s.document.article.id, "text": "", "gold": {"event": s.event, "topic": s.topic}}
            for _, s in numbered
        ],
    )


def by_day(sources: list[Source]) -> list[Source]:
    """In order of publication, then id: a replica cut short keeps its first days whole, as
    dense as a full replica (cut in input order, its articles spread thinly over every day)."""
    return sorted(sources, key=lambda s: chronological_key(s.document.article))


def within_replicas(corpus: Corpus, replica_of: dict[str, int]) -> tuple[dict[str, str], int]:
    """Dedup's copy links restricted to each replica, and how many crossed replicas.

    Each copy group is split by replica; in each part the copies point at the part's earliest
    article, as dedup does (chronological order).
    """
    groups: dict[str, set[str]] = {}
    for copy, original in corpus.duplicate_of.items():
        groups.setdefault(original, {original}).add(copy)
    crossing = sum(replica_of[c] != replica_of[o] for c, o in corpus.duplicate_of.items())
    kept: dict[str, str] = {}
    for group in groups.values():
        parts: dict[int, list[str]] = {}
        for article_id in group:
            parts.setdefault(replica_of[article_id], []).append(article_id)
        for part in parts.values():
            ordered = sorted(part, key=lambda i: chronological_key(corpus.document(i).article))
            kept.update({member: ordered[0] for member in ordered[1:]})
    return dict(sorted(kept.items())), crossing


def grouping_stages(settings: Settings) -> list[CorpusStage]:
    """The measured stages, checked as a chain after the article stages and quote groups."""
    stages = [stage for stage in corpus_stages(settings) if stage.name in GROUPING]
    annotated = check_chain(article_stages(settings))
    check_chain(stages, annotated | {"quote_groups"})
    return stages


def group(corpus: Replicated, stages: Sequence[CorpusStage]) -> Run:
    """Run the stages in order over a fresh corpus, timing each one."""
    grouped = Corpus(list(corpus.documents), quote_groups=[])
    seconds: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    crossing = 0
    for stage in stages:
        started, cpu_started = time.perf_counter(), time.process_time()
        grouped = stage(grouped)
        seconds[stage.name] = time.perf_counter() - started
        cpu_seconds[stage.name] = time.process_time() - cpu_started
        check_provided(stage, [grouped])
        if stage.name == "dedup":
            grouped.duplicate_of, crossing = within_replicas(grouped, corpus.replica_of)
    return Run(grouped, seconds, cpu_seconds, crossing, len(corpus.documents))


def group_in_fresh_process(sources: list[Source], size: int, block: int, times: int) -> Run:
    """``group`` ``times`` times over ``size`` replicated articles (blocks of ``block``) in a
    new process, returning the summed timings and the corpus without its documents.

    A process that has grouped 10,000 articles runs the next grouping slower or faster than a
    new one (its heap and caches differ): each run gets a process of its own, so that the two
    sizes are measured alike. The smaller size is grouped as many times as it takes to group
    as many articles as the larger one (ten groupings of 1,000 against one of 10,000): both
    then span the same stretch of time on a machine whose speed drifts, instead of a few
    seconds that mostly miss its slow spells set against a minute that never does.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_group_replicas, sources, size, block, times).result()


def _group_replicas(sources: list[Source], size: int, block: int, times: int) -> Run:
    stages = grouping_stages(default_settings())
    group(replicated(sources[:50], 50), stages)  # imports and first calls, untimed
    corpus = replicated(sources, size, block)
    runs = [group(corpus, stages) for _ in range(times)]
    grouped = runs[-1].corpus
    light = Corpus(
        [], duplicate_of=grouped.duplicate_of, stories=grouped.stories, threads=grouped.threads
    )
    return Run(
        light,
        {name: sum(r.seconds[name] for r in runs) for name in runs[0].seconds},
        {name: sum(r.cpu_seconds[name] for r in runs) for name in runs[0].cpu_seconds},
        runs[-1].cross_replica_copies,
        sum(r.articles for r in runs),
    )


def story_seconds(run: Run) -> float:
    return run.seconds["stories"]


def peak_traced_mib(corpus: Replicated, stages: Sequence[CorpusStage]) -> float:
    tracemalloc.start()
    try:
        group(corpus, stages)
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB  # KiB on Linux


def quality(eval_dir: Path, corpus: Replicated, run: Run) -> str:
    predictions = (
        {"id": article_id, "story": story.id}
        for story in run.corpus.stories or []
        for article_id in story.articles
    )
    with tempfile.TemporaryDirectory() as folder:
        gold = write_jsonl(Path(folder) / "gold.jsonl", corpus.gold)
        return score(eval_dir, SCORER, gold, predictions)


def report(size: int, corpus: Replicated, run: Run, memory: float | None, scored: str) -> None:
    replicas = len(set(corpus.replica_of.values()))
    times = run.articles // size
    print(
        f"\n{size} articles ({replicas} replicas), grouped {times} time(s): "
        f"{len(run.corpus.stories or [])} stories, {len(run.corpus.threads or [])} threads; "
        f"dedup found {len(run.corpus.duplicate_of)} copies within replicas "
        f"({run.cross_replica_copies} across, set aside)"
    )
    rows = [(name, seconds, run.cpu_seconds[name]) for name, seconds in run.seconds.items()]
    rows.append(("grouping", sum(run.seconds.values()), sum(run.cpu_seconds.values())))
    for name, seconds, cpu in rows:
        rate = run.articles / seconds
        print(f"  {name:<9} {seconds:8.2f} s  {rate:9.0f} articles/s  (CPU {cpu:.2f} s)")
    traced = "skipped" if memory is None else f"{memory:.1f} MiB"
    print(f"  peak traced memory (grouping, tracemalloc): {traced}")
    print(f"  process max RSS so far: {max_rss_mib():.0f} MiB")
    print("  quality vs gold (event, replica):")
    print("".join(f"    {line}\n" for line in scored.splitlines()), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sizes", type=sizes, default=[1000, 10000], help="e.g. 1000,10000")
    parser.add_argument(
        "--skip-memory", action="store_true", help="no second run under tracemalloc"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="group each size N times, report the median run"
    )
    args = parser.parse_args()
    settings = default_settings()
    stages = grouping_stages(settings)
    records = list(read_jsonl(args.eval_dir / GOLD))
    started = time.perf_counter()
    sources = annotated_sources(records, settings)
    print(f"annotated {len(sources)} articles in {time.perf_counter() - started:.0f}s (not timed)")
    block = min(args.sizes)
    corpora = {size: replicated(sources, size, block) for size in args.sizes}
    # Sizes take turns (1k, 10k, 1k, 10k...): a shared machine drifts over minutes, and a
    # drift should not land on one size only.
    runs: dict[int, list[Run]] = {size: [] for size in args.sizes}
    for _ in range(args.repeat):
        for size in args.sizes:
            times = max(1, max(args.sizes) // size)
            runs[size].append(group_in_fresh_process(sources, size, block, times))
    per_article: dict[int, dict[str, tuple[float, float]]] = {}
    for size, corpus in corpora.items():
        ordered = sorted(runs[size], key=story_seconds)
        run = ordered[len(ordered) // 2]
        if args.repeat > 1:
            print(
                f"\nstory stage in {args.repeat} runs: "
                + ", ".join(f"{story_seconds(r):.2f} s" for r in ordered)
            )
        memory = None if args.skip_memory else peak_traced_mib(corpus, stages)
        report(size, corpus, run, memory, quality(args.eval_dir, corpus, run))
        per_article[size] = {
            "story stage": (
                run.seconds["stories"] / run.articles,
                run.cpu_seconds["stories"] / run.articles,
            ),
            "grouping": (
                sum(run.seconds.values()) / run.articles,
                sum(run.cpu_seconds.values()) / run.articles,
            ),
        }
    if len(per_article) > 1:
        small, large = min(per_article), max(per_article)
        print()
        for part in ("story stage", "grouping"):
            wall, cpu = (per_article[large][part][k] / per_article[small][part][k] for k in (0, 1))
            print(
                f"{part} s/article at {large} / at {small}: {wall:.2f} wall, {cpu:.2f} CPU "
                "(target <= 1.0)"
            )


if __name__ == "__main__":
    main()
