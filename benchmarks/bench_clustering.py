"""Story clustering on ECB+ dev: the pipeline's stages, scored by the shared B-cubed scorer.

usage: python benchmarks/bench_clustering.py [--eval-dir DIR] [--limit N] [--orders K] [--runs R]
                                             [--config FILE]

Each record's text (one sentence a line, no dates) becomes an article whose body is its
non-blank lines; the pipeline's article stages (NLP, quotes, time expressions, embedding)
annotate it in batches, then its corpus stages (dedup, resolve, quote groups, stories,
threads) group them. Anchors (README): singletons 0.158, perfect topics 0.683.

With ``--orders K`` the same annotated articles are also grouped K more times as if they
arrived in a shuffled order over ``--runs`` analyze runs (each run sees the stories the
previous one stored), and each order is scored: stories must not depend on arrival order.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score, write_jsonl

from storyline.ids import content_id
from storyline.pipeline import annotate, article_stages, corpus_stages, regroup
from storyline.records import Article, Corpus, Document, ReadFailure, Span
from storyline.settings import Settings, default_settings, load_settings

GOLD = Path("clustering") / "ecbplus-dev.jsonl"
SCORER = "score_clustering.py"


def article_of(record: dict[str, str]) -> Article:
    text = record["text"]
    lines, offset = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            lines.append(Span(start, start + len(stripped)))
        offset += len(line)
    article_id = record.get("id") or content_id("a", text)
    return Article(id=article_id, source=f"ecbplus:{article_id}", text=text, body=tuple(lines))


def annotated(records: list[dict[str, str]], settings: Settings) -> list[Document]:
    articles = [article_of(r) for r in records]
    failures: list[ReadFailure] = []
    stages, size = article_stages(settings), settings.pipeline.batch_size
    documents = [
        document
        for begin in range(0, len(articles), size)
        for document in annotate(articles[begin : begin + size], stages, failures)
    ]
    if failures:
        print(f"{len(failures)} articles failed: {failures[0].reason}", file=sys.stderr)
    return documents


def predict(documents: list[Document], settings: Settings, runs: int = 1) -> dict[str, str]:
    """Story per article after grouping ``documents`` in ``runs`` successive analyze runs."""
    stories = None
    for run in range(1, runs + 1):
        arrived = documents[: len(documents) * run // runs]
        corpus = regroup(Corpus(list(arrived), stories=stories), corpus_stages(settings))
        stories = corpus.stories
    return {article_id: story.id for story in stories or [] for article_id in story.articles}


def scored(eval_dir: Path, gold: Path, stories: dict[str, str]) -> str:
    predictions = ({"id": i, "story": s} for i, s in stories.items())
    return score(eval_dir, SCORER, gold, predictions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--orders", type=int, default=0, help="also K shuffled arrival orders")
    parser.add_argument("--runs", type=int, default=4, help="analyze runs per shuffled order")
    parser.add_argument("--config", type=Path, default=None, help="settings file to try")
    args = parser.parse_args()
    records = list(read_jsonl(args.eval_dir / GOLD))[: args.limit]
    settings = load_settings(args.config) if args.config else default_settings()
    started = time.perf_counter()
    documents = annotated(records, settings)
    annotated_at = time.perf_counter()
    stories = predict(documents, settings)
    print(
        f"{len(records)} articles, {len(set(stories.values()))} stories; annotation "
        f"{annotated_at - started:.0f}s, grouping {time.perf_counter() - annotated_at:.1f}s"
    )
    with tempfile.TemporaryDirectory() as folder:
        gold = args.eval_dir / GOLD
        if args.limit is not None:  # score against the records actually clustered
            gold = write_jsonl(Path(folder) / "gold.jsonl", records)
        print(scored(args.eval_dir, gold, stories), end="")
        for seed in range(args.orders):
            shuffled = random.Random(seed).sample(documents, len(documents))
            result = scored(args.eval_dir, gold, predict(shuffled, settings, args.runs))
            print(f"order {seed} in {args.runs} runs: {result.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
