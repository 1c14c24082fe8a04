"""Throughput of ``analyze`` end to end on the eval sets' real texts, where the time goes per
stage, and the floor under it: spaCy's small model and the embedding model alone.

usage: python benchmarks/bench_throughput.py [--eval-dir DIR] [--limit N] [--skip-end-to-end]
                                            [--end-to-end-only]

The texts of every eval set (ECB+ dev, MEANTIME, the extraction set's HTML pages, PolNeAR dev
and train, TempEval-3 train: 2,192 articles) are written to one JSONL input, as a user's news
API dump would be. Three runs over them, each in a fresh store:

1. ``storyline.analyze`` as a user runs it (worker processes as the settings choose; on this
   machine two), timed from the first read to the last stored row: articles per second.
2. The same work in this one process, stage by stage: read and clean, each article stage
   over the pipeline's batches, storing, then each corpus stage over everything stored.
3. The floor: the spaCy pipeline the NLP stage loads, run alone over the same clean bodies
   (``nlp.pipe`` with the same batch size), and the embedding model alone over the same
   texts (each article's title and lead, and its head). One ratio is the article stages of
   run 2 over that floor (both in one process): what storyline's own per-article code adds
   to the models it cannot avoid. The other is run 1 over spaCy alone: what a user waits for
   against what the English pipeline alone would take in one process (issue 28: <= 1.5).

``--limit 400`` takes the first 400 texts: ECB+ dev's.

Runs 2 and 3 load their models before the clock starts. Peak memory is run 1's: the largest
resident set of the analyze process or any of its workers.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, timed_analyze

from storyline.annotate.embed import article_vectors
from storyline.clean import clean
from storyline.errors import InputError
from storyline.pipeline.analyze import corpus_stages, regroup
from storyline.pipeline.annotate import article_stages
from storyline.read.inputs import read_inputs
from storyline.records import Article, Document, ReadFailure
from storyline.settings import Settings, default_settings
from storyline.stage import check_provided
from storyline.store.store import Store

#: The eval sets whose texts are read, with the field that holds each text.
SETS = (
    ("clustering/ecbplus-dev.jsonl", "text"),
    ("entities/meantime.jsonl", "text"),
    ("extraction/dev.jsonl", "html"),
    ("quotes/polnear-dev.jsonl", "text"),
    ("quotes/polnear-train.jsonl", "text"),
    ("time/tempeval3-train.jsonl", "text"),
)


def input_lines(eval_dir: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    """One input record per eval text: its id, text or HTML, and title and date if given."""
    count = 0
    for name, field in SETS:
        for record in read_jsonl(eval_dir / name):
            if limit is not None and count >= limit:
                return
            line = {"id": f"{name.split('/')[0]}-{record['id']}", field: record[field]}
            for optional in ("title", "published"):
                if record.get(optional):
                    line[optional] = record[optional]
            count += 1
            yield line


def end_to_end(source: Path, folder: Path) -> float:
    """Run 1: ``storyline analyze`` in its own process (its memory is its own), models and
    process start included, as a user runs it."""
    db = folder / "end-to-end.db"
    seconds, largest = timed_analyze(source, db)
    with Store(db) as store:
        stored = store.article_count()
    print(
        f"analyze end to end (its own process, models loading included): {stored} articles "
        f"in {seconds:.1f} s = {stored / seconds:.1f} articles/s; its largest process "
        f"(parent or worker) peaked at {largest:.0f} MiB"
    )
    return seconds


def cleaned(source: Path, settings: Settings) -> list[Article]:
    articles = []
    for item in read_inputs([source], settings.read):
        if isinstance(item, ReadFailure):
            continue
        try:
            articles.append(clean(item, settings.clean))
        except InputError:
            continue  # skipped by analyze too, with its reason
    return articles


def by_stage(source: Path, folder: Path, settings: Settings) -> tuple[dict[str, float], int]:
    """Run 2: seconds per stage in this process, and the number of articles."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    articles = cleaned(source, settings)
    seconds["read + clean"] = time.perf_counter() - started
    stages = article_stages(settings)
    warm(stages, articles[:4])
    documents: list[Document] = []
    size = settings.pipeline.batch_size
    for begin in range(0, len(articles), size):
        batch = [Document(a) for a in articles[begin : begin + size]]
        for stage in stages:
            started = time.perf_counter()
            batch = stage(batch)
            seconds[stage.name] = seconds.get(stage.name, 0.0) + time.perf_counter() - started
            check_provided(stage, batch)
        for document in batch:
            document.parse = None
        documents += batch
    with Store(folder / "by-stage.db") as store:
        started = time.perf_counter()
        store.save_documents(documents)
        seconds["store articles"] = time.perf_counter() - started
        corpus = store.load_corpus(inferred=False)
        for stage in corpus_stages(settings):
            started = time.perf_counter()
            corpus = regroup(corpus, [stage])
            seconds[f"corpus: {stage.name}"] = time.perf_counter() - started
    return seconds, len(documents)


def warm(stages: list[Any], articles: list[Article]) -> None:
    """Load the models before the clocks start."""
    batch = [Document(a) for a in articles]
    for stage in stages:
        batch = stage(batch)


def floor(source: Path, settings: Settings) -> dict[str, float]:
    """Run 3: the models alone over the same texts, in this process."""
    from storyline.annotate.embed import default_embedder
    from storyline.annotate.models import spacy_pipeline

    articles = cleaned(source, settings)
    nlp = spacy_pipeline()
    embed = settings.embed
    embedder = default_embedder(embed.max_tokens, embed.batch_size, embed.threads)
    list(nlp.pipe([a.body_text for a in articles[:4]]))
    embedder.encode(["warm-up"])
    started = time.perf_counter()
    for _ in nlp.pipe([a.body_text for a in articles], batch_size=settings.pipeline.batch_size):
        pass
    spacy_seconds = time.perf_counter() - started
    documents = [Document(a) for a in articles]
    started = time.perf_counter()
    for begin in range(0, len(documents), settings.pipeline.batch_size):
        article_vectors(embedder, documents[begin : begin + settings.pipeline.batch_size])
    return {"spaCy alone": spacy_seconds, "embedding alone": time.perf_counter() - started}


def print_table(seconds: dict[str, float], articles: int) -> None:
    print(f"{'stage (one process)':28} {'seconds':>9} {'articles/s':>11}")
    for name, value in seconds.items():
        rate = articles / value if value > 0 else float("inf")
        print(f"{name:28} {value:9.1f} {rate:11.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="at most this many texts")
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--end-to-end-only", action="store_true", help="only run 1")
    args = parser.parse_args()
    settings = default_settings()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "articles.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for line in input_lines(args.eval_dir, args.limit):
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        whole = None if args.skip_end_to_end else end_to_end(source, folder)
        if args.end_to_end_only:
            return 0
        seconds, articles = by_stage(source, folder, settings)
        print_table(seconds, articles)
        models = floor(source, settings)
        print_table(models, articles)
        per_article = sum(seconds[s.name] for s in article_stages(settings))
        base = sum(models.values())
        print(
            f"article stages {per_article:.1f} s against the models alone {base:.1f} s: "
            f"ratio {per_article / base:.2f} (target <= 1.5); whole pipeline in one process "
            f"{articles / sum(seconds.values()):.1f} articles/s"
        )
        if whole is not None:
            print(
                f"analyze end to end {whole:.1f} s against spaCy's small pipeline alone in one "
                f"process {models['spaCy alone']:.1f} s: ratio {whole / models['spaCy alone']:.2f}"
                " (target <= 1.5)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
