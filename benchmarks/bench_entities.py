"""Cross-document entity resolution on MEANTIME (English): B-cubed through the eval's scorer.

Runs the real NLP stage over every article of ``entities/meantime.jsonl`` (body: one paragraph
per line, as the set is one sentence a line), then the resolve stage over all of them as one
corpus, writes every resolved mention with its global entity id in the scorer's format, and
prints the output of ``score/score_entities.py``. Usage::

    .venv/bin/python benchmarks/bench_entities.py [--eval-dir ../shared/eval] [--limit N]
        [--scale K]

``--scale K`` also times the resolve stage alone on the corpus copied K times (each copy with
renamed article ids, so nothing is a duplicate): its articles/s should stay flat as K grows,
since candidate names are looked up in blocks, not compared with every name known.

Reference (README of the eval data): nothing 0.331; gold mentions as singletons 0.333; gold
mentions with entity = lower-cased string 0.485 (bcubed_f1).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score

from storyline.annotate.nlp import NlpStage
from storyline.records import Article, Corpus, Document, Span
from storyline.resolve.entities import ResolveStage
from storyline.settings import default_settings

_LINE = re.compile(r"[^\n]*\S[^\n]*")


def document_of(record: dict[str, Any]) -> Document:
    """The record as an article whose body is every non-blank line (the gold is never read)."""
    text = record["text"]
    body = tuple(Span(m.start(), m.end()) for m in _LINE.finditer(text))
    article = Article(id=record["id"], source=record["id"], text=text, body=body)
    return Document(article=article, quotes=[])  # no quotes: speakers add nothing to score


def resolve(documents: list[Document]) -> tuple[Corpus, float, float]:
    """The resolved corpus, and the seconds spent in the NLP stage and the resolve stage."""
    stage = NlpStage()
    stage.nlp  # noqa: B018 - load the model outside the timing
    started = time.perf_counter()
    stage(documents)
    parsed = time.perf_counter()
    corpus = ResolveStage(default_settings().resolve)(Corpus(documents=documents))
    return corpus, parsed - started, time.perf_counter() - parsed


def resolve_rate(documents: list[Document], copies: int) -> float:
    """Articles per second of the resolve stage alone over ``copies`` copies of the corpus."""
    copied = [
        Document(replace(d.article, id=f"{d.article.id}~{n}"), mentions=d.mentions, quotes=[])
        for n in range(copies)
        for d in documents
    ]
    started = time.perf_counter()
    ResolveStage(default_settings().resolve)(Corpus(documents=copied))
    return len(copied) / (time.perf_counter() - started)


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
    parser.add_argument("--scale", type=int, default=None, help="also time resolve at K copies")
    args = parser.parse_args()
    gold = args.eval_dir / "entities" / "meantime.jsonl"
    documents = [document_of(record) for record in read_jsonl(gold, args.limit)]
    corpus, nlp_s, resolve_s = resolve(documents)
    print(score(args.eval_dir, "score_entities.py", gold, predictions(corpus)), end="")
    n = len(documents)
    print(f"articles {n}, entities {len(corpus.entities or [])}, NLP {nlp_s:.1f} s, "
          f"resolve {resolve_s:.2f} s ({n / (nlp_s + resolve_s):.1f} articles/s)")  # fmt: skip
    print("reference bcubed_f1: nothing 0.331, singletons 0.333, lower-cased string 0.485")
    if args.scale:
        for copies in (1, args.scale):
            rate = resolve_rate(documents, copies)
            print(f"resolve alone, corpus x{copies} ({n * copies} articles): {rate:.0f} articles/s")


if __name__ == "__main__":
    main()
