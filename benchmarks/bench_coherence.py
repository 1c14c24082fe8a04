"""Would a topical-coherence check improve the text cleaner? Paragraph embeddings, measured.

The idea (issue 3): embed the body's paragraphs with the sentence embedder and peel off
paragraphs at either edge of the body whose mean cosine to the rest (weighted by length) falls
under a threshold: appended unrelated stories and teaser blocks. This script applies that check
to the cleaner's output on ``extraction/dev.jsonl`` (text dumps) for a few thresholds and scores
each with the eval's scorer; it also shows what the check peels from seed 002 when its
"Also see story:" marker is taken away, so that only coherence could cut the appended stories.

    .venv/bin/python benchmarks/bench_coherence.py [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from evalkit import DEFAULT_EVAL_DIR, final_metric, read_jsonl, score, write_jsonl

from storyline.annotate.embed import Embedder, MiniLMEmbedder
from storyline.clean import clean
from storyline.records import RawDocument
from storyline.settings import default_settings

THRESHOLDS = (0.10, 0.15, 0.20, 0.25)
SEED_002 = Path(__file__).resolve().parents[1] / "examples/russia-hamas/002_c0af5a29d12023ff.txt"


def paragraphs(text: str, source: str) -> list[str]:
    article = clean(RawDocument(source=source, text=text, id=source), default_settings().clean)
    return [span.of(article.text) for span in article.body]


def edge_support(similarity: np.ndarray, lengths: np.ndarray, index: int, kept: range) -> float:
    others = [j for j in kept if j != index]
    return float((similarity[index, others] * lengths[others]).sum() / lengths[others].sum())


def peel(paras: list[str], vectors: np.ndarray, threshold: float) -> range:
    """The paragraphs kept after peeling incoherent ones off both edges (at least three stay)."""
    similarity = vectors @ vectors.T
    lengths = np.array([len(p) for p in paras], dtype=float)
    kept = range(0, len(paras))
    while len(kept) > 3:
        first = edge_support(similarity, lengths, kept.start, kept)
        last = edge_support(similarity, lengths, kept.stop - 1, kept)
        if min(first, last) >= threshold:
            break
        kept = (
            range(kept.start + 1, kept.stop) if first <= last else range(kept.start, kept.stop - 1)
        )
    return kept


def run_dev(eval_dir: Path, limit: int | None, embedder: Embedder) -> None:
    gold = eval_dir / "extraction" / "dev.jsonl"
    records = list(read_jsonl(gold, limit))
    bodies = [paragraphs(r["text_dump"], r["id"]) for r in records]
    started = time.perf_counter()
    vectors = [embedder.encode(paras) for paras in bodies]
    seconds = (time.perf_counter() - started) / len(records)
    print(f"embedding every body paragraph: {seconds * 1000:.0f} ms/page")
    with tempfile.TemporaryDirectory() as tmp:
        if limit is not None:
            gold = write_jsonl(Path(tmp) / "gold.jsonl", records)
        for threshold in (None, *THRESHOLDS):
            predictions: list[dict[str, Any]] = []
            for record, paras, vecs in zip(records, bodies, vectors, strict=True):
                kept = peel(paras, vecs, threshold) if threshold is not None else range(len(paras))
                predictions.append({"id": record["id"], "body": "\n".join(paras[i] for i in kept)})
            figure = final_metric(score(eval_dir, "score_extraction.py", gold, predictions))
            label = "no check" if threshold is None else f"threshold {threshold:.2f}"
            print(f"  {label:15s} body_f1={figure:.4f}")


def run_seed(embedder: Embedder) -> None:
    text = SEED_002.read_text("utf-8").replace("Also see story:", "")
    paras = paragraphs(text, SEED_002.name)
    vectors = embedder.encode(paras)
    print(f"seed 002 without its marker: {len(paras)} paragraphs")
    for threshold in THRESHOLDS:
        kept = peel(paras, vectors, threshold)
        peeled = [p[:60] for i, p in enumerate(paras) if i not in kept]
        print(f"  threshold {threshold:.2f} peels {len(peeled)}: {peeled}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    embedder = MiniLMEmbedder(max_tokens=128)
    run_seed(embedder)
    run_dev(args.eval_dir.resolve(), args.limit, embedder)


if __name__ == "__main__":
    main()
