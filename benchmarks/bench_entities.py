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
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score

from storyline.nlp import NlpStage
from storyline.records import Article, Corpus, Document, Span
from storyline.resolve import ResolveStage
from storyline.settings import default_settings

_LINE = re.compile(r"[^\n]*\S[^\n]*")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args()
    gold = args.eval_dir / "entities" / "meantime.jsonl"
    documents = [document_of(record) for record in read_jsonl(gold, args.limit)]
    started = time.perf_counter()
    corpus = resolve(documents)
    seconds = time.perf_counter() - started
    print(score(args.eval_dir, "score_entities.py", gold, predictions(corpus)), end="")
    print(f"articles {len(documents)}, entities {len(corpus.entities or [])}, "
          f"NLP + resolve {seconds:.1f} s")  # fmt: skip
    print("reference bcubed_f1: nothing 0.331, singletons 0.333, lower-cased string 0.485")


if __name__ == "__main__":
    main()
