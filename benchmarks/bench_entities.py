"""Cross-document entity resolution on MEANTIME (English): B-cubed through the eval's scorer.

Runs the real NLP stage over every article of ``entities/meantime.jsonl`` (body: one paragraph
per line, as the set is one sentence a line), then the resolve stage over all of them as one
corpus, writes every resolved mention with its global entity id in the scorer's format, and
prints the output of ``score/score_entities.py``. Usage::

    .venv/bin/python benchmarks/bench_entities.py [--eval-dir ../shared/eval] [--limit N]

Reference (README of the eval data): nothing 0.331; gold mentions as singletons 0.333; gold
mentions with entity = lower-cased string 0.485 (bcubed_f1).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.nlp import NlpStage
from storyline.records import Article, Corpus, Document, Span
from storyline.resolve import ResolveStage
from storyline.settings import default_settings

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
_LINE = re.compile(r"[^\n]*\S[^\n]*")


def records(gold: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    with gold.open(encoding="utf-8") as handle:
        for count, line in enumerate(handle):
            if limit is not None and count >= limit:
                return
            yield json.loads(line)


def document_of(record: dict[str, Any]) -> Document:
    """The record as an article whose body is every non-blank line (the gold is never read)."""
    text = record["text"]
    body = tuple(Span(m.start(), m.end()) for m in _LINE.finditer(text))
    article = Article(id=record["id"], source=record["id"], text=text, body=body)
    return Document(article=article, quotes=[])  # no quotes: speakers add nothing to score


def resolve(documents: list[Document]) -> Corpus:
    NlpStage()(documents)
    return ResolveStage(default_settings().resolve)(Corpus(documents=documents))


def predictions(corpus: Corpus) -> Iterator[dict[str, Any]]:
    by_article: dict[str, list[dict[str, Any]]] = {d.article.id: [] for d in corpus.documents}
    for entity in corpus.entities or []:
        for ref in entity.mentions:
            by_article[ref.article].append(
                {"start": ref.start, "end": ref.end, "entity": entity.id}
            )
    for article_id, entities in sorted(by_article.items()):
        yield {"id": article_id, "entities": sorted(entities, key=lambda e: (e["start"], e["end"]))}


def score(eval_dir: Path, gold: Path, pred: Path) -> str:
    scorer = eval_dir / "score" / "score_entities.py"
    result = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(pred)],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args()
    gold = args.eval_dir / "entities" / "meantime.jsonl"
    documents = [document_of(record) for record in records(gold, args.limit)]
    started = time.perf_counter()
    corpus = resolve(documents)
    seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        pred = Path(folder) / "pred.jsonl"
        with pred.open("w", encoding="utf-8") as handle:
            for line in predictions(corpus):
                handle.write(json.dumps(line) + "\n")
        print(score(args.eval_dir, gold, pred), end="")
    print(f"articles {len(documents)}, entities {len(corpus.entities or [])}, "
          f"NLP + resolve {seconds:.1f} s")  # fmt: skip
    print("reference bcubed_f1: nothing 0.331, singletons 0.333, lower-cased string 0.485")


if __name__ == "__main__":
    main()
