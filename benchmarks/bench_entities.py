"""Cross-document entity resolution on MEANTIME (English): B-cubed through the eval's scorer.

Runs the real NLP stage over every article of ``entities/meantime.jsonl`` (body: one paragraph
per line, as the set is one sentence a line), then the resolve stage over all of them as one
corpus, writes every resolved mention with its global entity id in the scorer's format, and
prints the output of ``score/score_entities.py``. Usage::

    .venv/bin/python benchmarks/bench_entities.py [--eval-dir ../shared/eval] [--limit N]
        [--scale K] [--through-analyze]

``--through-analyze`` scores what a user gets instead of the stages called directly: each
record is written as an input JSONL line as a user would have the page (``id``, ``title``,
``text``, ``published``, ``url``; the text as published, its title on line 1 and dateline on
line 2), ``storyline analyze`` stores them in a fresh temporary store and ``storyline export``
writes the articles, each in its own process (``evalkit.analyze_export``). The exported
``text`` is the input text as given, so the exported mentions' offsets are the gold's; the
script checks the texts are equal and stops if one differs. A mention exported with no entity
(a pronoun with no antecedent) is left out, as the direct mode leaves it out. Cleaning (what it
leaves out of the body, the title among it) and every stage between count here.

``--scale K`` also times the resolve stage alone on the corpus copied K times (each copy with
renamed article ids, so nothing is a duplicate): its articles/s should stay flat as K grows,
since candidate names are looked up in blocks, not compared with every name known.

Reference (README of the eval data): nothing 0.331; gold mentions as singletons 0.333; gold
mentions with entity = lower-cased string 0.485 (bcubed_f1).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, analyze_export, read_jsonl, score

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


def input_record(record: dict[str, Any]) -> dict[str, Any]:
    """A gold record as a user feeds it to the product: the page's fields, never the gold."""
    fields = ("id", "title", "text", "published", "url")
    return {name: record[name] for name in fields if record.get(name)}


def predictions_through_analyze(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The exported mentions of each record after ``storyline analyze`` and ``export`` (none
    for a record that was not stored, which the scorer counts as unfound)."""
    with tempfile.TemporaryDirectory() as folder:
        rows = analyze_export((input_record(r) for r in records), Path(folder))
    for record in records:
        row = rows.get(record["id"])
        if row is not None and row["text"] != record["text"]:
            raise SystemExit(f"{record['id']}: exported text differs from the input text")
        # A pronoun or description with no antecedent is exported with entity null: no claim.
        found = [e for e in row["entities"] if e["entity"] is not None] if row else []
        entities = [{"start": e["start"], "end": e["end"], "entity": e["entity"]} for e in found]
        yield {"id": record["id"], "entities": entities}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--scale", type=int, default=None, help="also time resolve at K copies")
    parser.add_argument(
        "--through-analyze",
        action="store_true",
        help="score what storyline analyze and export give, not the stages called directly",
    )
    args = parser.parse_args()
    gold = args.eval_dir / "entities" / "meantime.jsonl"
    if args.through_analyze:
        records = list(read_jsonl(gold, args.limit))
        started = time.perf_counter()
        found = list(predictions_through_analyze(records))
        print(score(args.eval_dir, "score_entities.py", gold, found), end="")
        print(f"articles {len(records)} through analyze + export, "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        return
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
