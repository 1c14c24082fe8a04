"""Benchmark the quote stage on PolNeAR (dev): direct-quote F1 and speaker accuracy.

Runs the real NLP and quote stages over every article of ``quotes/polnear-dev.jsonl``, writes
predictions in the scorer's format to a temporary file, and prints the output of
``score/score_quotes.py``. Usage::

    .venv/bin/python benchmarks/bench_quotes.py [--eval-dir ../shared/eval] [--set dev]

Reference (README of the eval data): every quote-mark stretch, no speaker → direct_f1 0.611,
speaker accuracy 0.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, read_jsonl, score

from storyline.annotate.nlp import NlpStage
from storyline.annotate.quotes import QuoteStage
from storyline.errors import StorylineError
from storyline.ids import content_id
from storyline.records import Article, Document, Quote, RawDocument, Span
from storyline.settings import default_settings

_PARAGRAPH_RE = re.compile(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*")


def paragraphs(text: str) -> tuple[Span, ...]:
    """Every non-blank block of lines: the body when the cleaner is not available."""
    return tuple(Span(m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(text))


def article_of(record: dict[str, Any], use_cleaner: bool = True) -> Article:
    """The record as an article: cleaned by storyline.clean when it exists, else paragraphs."""
    if use_cleaner:
        try:
            from storyline.clean import clean
        except ImportError:
            pass
        else:
            raw = RawDocument(source=record["id"], text=record["text"], id=record["id"])
            try:
                return clean(raw, default_settings().clean)
            except StorylineError:
                pass  # no body found: score the naive paragraphs instead
    text = record["text"]
    return Article(id=record["id"] or content_id("a", text), source=record["id"], text=text,
                   body=paragraphs(text))  # fmt: skip


def prediction(document: Document) -> dict[str, Any]:
    return {"id": document.article.id, "quotes": [_quote_json(q) for q in document.quotes or []]}


def _quote_json(quote: Quote) -> dict[str, Any]:
    speaker = quote.speaker
    return {
        "content": {"start": quote.content.start, "end": quote.content.end},
        "speaker": {"start": speaker.start, "end": speaker.end} if speaker else None,
        "speaker_name": quote.speaker_name,
        "direct": quote.direct,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--set", default="dev", choices=["dev", "train"])
    parser.add_argument("--no-clean", action="store_true", help="body = paragraphs, no cleaner")
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    args = parser.parse_args()
    gold = args.eval_dir / "quotes" / f"polnear-{args.set}.jsonl"
    records = list(read_jsonl(gold))[: args.limit or None]
    documents = [Document(article_of(r, not args.no_clean)) for r in records]
    QuoteStage()(NlpStage()(documents))
    predictions = (prediction(document) for document in documents)
    print(score(args.eval_dir, "score_quotes.py", gold, predictions), end="")


if __name__ == "__main__":
    main()
