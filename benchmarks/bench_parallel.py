"""Per-article annotation in one process, in a 2-process pool, and on 2 Dask workers.

usage: python benchmarks/bench_parallel.py [--eval-dir DIR] [--limit N] [--batch-size B]
                                          [--every-set] [--setups one,pool,dask,warm]

The articles are ECB+ dev's distinct texts (the first ``--limit`` of them; no text is used
twice, so no cache or copy inflates the rate), built as bench_clustering.py builds them. Each
set-up runs the article stages (NLP, quotes, time expressions, embedding) as ``analyze`` runs
them (``pipeline.annotated_batches``, batches of ``--batch-size``) from cold: one process
loads its models in this process, the pool's processes and the Dask workers each load their
own, inside the time. The Dask ``LocalCluster`` (2 worker processes, 1 thread each) is
started before the clock, as a cluster is running before ``analyze --dask`` is called; a
second run on it shows what workers that kept their models give. Every set-up must produce
the same annotations as the one process, or the script says which article differs and exits 1.

``--every-set`` takes the texts of every eval set instead (bench_throughput's input, about
2,190 articles, read and cleaned as ``analyze`` reads them); ``--setups`` runs only some of
the set-ups (the one process always runs: it is the reference).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_clustering import GOLD, article_of
from evalkit import DEFAULT_EVAL_DIR, read_jsonl

from storyline.pipeline.workers import annotated_batches
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings, default_settings

WORKERS = 2


def distinct_articles(eval_dir: Path, limit: int | None) -> list[Article]:
    seen: set[str] = set()
    articles = []
    for record in read_jsonl(eval_dir / GOLD):
        if record["text"] not in seen and (limit is None or len(articles) < limit):
            seen.add(record["text"])
            articles.append(article_of(record))
    return articles


def every_set_articles(eval_dir: Path, limit: int | None) -> list[Article]:
    """The texts of every eval set, read and cleaned as ``analyze`` reads a JSONL input."""
    import json
    import tempfile

    from bench_throughput import input_lines

    from storyline.clean import clean
    from storyline.errors import InputError
    from storyline.read.inputs import read_inputs
    from storyline.records import RawDocument

    settings = default_settings()
    articles = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for line in input_lines(eval_dir, limit):
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        for item in read_inputs([source], settings.read):
            if isinstance(item, RawDocument):
                try:
                    articles.append(clean(item, settings.clean))
                except InputError:
                    continue  # reported by analyze; here it only leaves the set
    return articles


def with_pipeline(batch_size: int, **changes: Any) -> Settings:
    defaults = default_settings()
    update = {"batch_size": batch_size, **changes}
    return defaults.model_copy(update={"pipeline": defaults.pipeline.model_copy(update=update)})


def in_batches(articles: list[Article], size: int) -> Iterator[list[Article]]:
    return (articles[begin : begin + size] for begin in range(0, len(articles), size))


def timed(articles: list[Article], settings: Settings) -> tuple[float, list[Document]]:
    failures: list[ReadFailure] = []
    started = time.perf_counter()
    batches = in_batches(articles, settings.pipeline.batch_size)
    documents = [d for batch in annotated_batches(batches, settings, failures) for d in batch]
    seconds = time.perf_counter() - started
    if failures:
        print(f"  {len(failures)} articles failed: {failures[0].reason}", file=sys.stderr)
    return seconds, documents


def signature(document: Document) -> tuple[Any, ...]:
    """Everything the article stages provide, comparable (the embedding bit for bit)."""
    embedding = document.embedding.tobytes() if document.embedding is not None else None
    d = document
    return (d.article.id, d.sentences, d.mentions, d.quotes, d.timex, embedding)


def differs(documents: list[Document], reference: list[Document]) -> str | None:
    """The first article annotated differently from ``reference``, or None."""
    if len(documents) != len(reference):
        return f"{len(documents)} documents, not {len(reference)}"
    fields = ("id", "sentences", "mentions", "quotes", "timex", "embedding")
    for ours, theirs in zip(documents, reference, strict=True):
        if signature(ours) != signature(theirs):
            pairs = zip(fields, signature(ours), signature(theirs), strict=True)
            named = [field for field, a, b in pairs if a != b]
            return f"{ours.article.id} ({', '.join(named)})"
    return None


def report(name: str, seconds: float, count: int) -> None:
    print(f"{name:<28} {seconds:7.1f} s  {count / seconds:6.1f} articles/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="the first N distinct texts")
    parser.add_argument("--batch-size", type=int, default=default_settings().pipeline.batch_size)
    parser.add_argument("--every-set", action="store_true")
    parser.add_argument("--setups", default="one,pool,dask,warm")
    args = parser.parse_args()
    setups = set(args.setups.split(","))
    if args.every_set:
        articles = every_set_articles(args.eval_dir, args.limit)
        what = "articles of every eval set"
    else:
        articles = distinct_articles(args.eval_dir, args.limit)
        what = "distinct ECB+ dev articles"
    size = args.batch_size
    print(f"{len(articles)} {what}, batches of {size}", flush=True)

    seconds, reference = timed(articles, with_pipeline(size, workers=1))
    report("one process", seconds, len(articles))
    runs: dict[str, tuple[float, list[Document]]] = {}
    if "pool" in setups:
        pool = f"{WORKERS}-process pool"
        runs[pool] = timed(articles, with_pipeline(size, workers=WORKERS))
        report(pool, runs[pool][0], len(articles))
    if setups & {"dask", "warm"}:
        runs |= _dask_runs(articles, size, warm="warm" in setups)

    different = {name: d for name, (_, docs) in runs.items() if (d := differs(docs, reference))}
    for name, where in different.items():
        print(f"{name}: annotations differ from one process at {where}", file=sys.stderr)
    if different:
        sys.exit(1)
    print(f"all {len(runs) + 1} runs produce the same annotations", flush=True)


def _dask_runs(
    articles: list[Article], size: int, warm: bool = True
) -> dict[str, tuple[float, list[Document]]]:
    from distributed import LocalCluster

    runs: dict[str, tuple[float, list[Document]]] = {}
    with LocalCluster(
        n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
    ) as cluster:
        settings = with_pipeline(size, dask=cluster.scheduler_address)
        names = [f"{WORKERS} Dask workers", f"{WORKERS} Dask workers, warm"][: 2 if warm else 1]
        for name in names:
            runs[name] = timed(articles, settings)
            report(name, runs[name][0], len(articles))
    return runs


if __name__ == "__main__":
    main()
