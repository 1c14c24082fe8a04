"""Story clustering on ECB+ dev: the pipeline's stages, scored by the shared B-cubed scorer.

usage: python benchmarks/bench_clustering.py [--eval-dir DIR] [--limit N]

Each record's text (one sentence a line, no dates) becomes an article whose body is its
non-blank lines; the pipeline's article stages (NLP, quotes, time expressions, embedding)
annotate it in batches, then its corpus stages (dedup, resolve, quote groups, stories,
threads) group them. Anchors (README): singletons 0.158, perfect topics 0.683.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score, write_jsonl

from storyline.ids import content_id
from storyline.pipeline import annotate, article_stages, corpus_stages, regroup
from storyline.records import Article, Corpus, ReadFailure, Span
from storyline.settings import Settings, default_settings

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


def predict(records: list[dict[str, str]], settings: Settings) -> dict[str, str]:
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
    corpus = regroup(Corpus(documents), corpus_stages(settings))
    return {article_id: story.id for story in corpus.stories or [] for article_id in story.articles}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    args = parser.parse_args()
    records = list(read_jsonl(args.eval_dir / GOLD))[: args.limit]
    started = time.perf_counter()
    stories = predict(records, default_settings())
    print(
        f"{len(records)} articles, {len(set(stories.values()))} stories "
        f"in {time.perf_counter() - started:.0f}s"
    )
    predictions = ({"id": i, "story": s} for i, s in stories.items())
    with tempfile.TemporaryDirectory() as folder:
        gold = args.eval_dir / GOLD
        if args.limit is not None:  # score against the records actually clustered
            gold = write_jsonl(Path(folder) / "gold.jsonl", records)
        print(score(args.eval_dir, SCORER, gold, predictions), end="")


if __name__ == "__main__":
    main()
