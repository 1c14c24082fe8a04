"""Comparison and cited summaries on ECB+ dev stories and the seeds: every sentence sourced,
every source inside its article, and how long a story of 20 articles takes.

usage: python benchmarks/bench_present.py [--eval-dir DIR] [--limit N] [--size 20] [--repeat 3]

ECB+ dev articles are annotated and grouped as in ``bench_clustering.py``; the bundled seeds
are analysed as ``storyline analyze`` does. For every story a report is built (timeline,
cast, quote groups, outlet comparison, coverage, conflicts, summary) and checked:
  * every summary sentence has a source, and its first source's text is the sentence;
  * every source of the summary, the timeline, the coverage and the conflicts is a non-empty
    span inside its article's text.
Then the stories of at least ``--size`` articles (else the largest) are reported on again,
``--repeat`` times with the embedding model already loaded: cold (every sentence embedded)
and warm (the sentence vectors cached, as the store keeps them after a story's first report).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from bench_clustering import GOLD, annotated
from evalkit import DEFAULT_EVAL_DIR, read_jsonl

from storyline.annotate.embed import MINILM_MODEL, CachedEmbedder, default_embedder
from storyline.pipeline.analyze import corpus_stages, regroup
from storyline.records import Corpus, Ref
from storyline.report.articles import story_documents
from storyline.report.story import StoryReport, build_report
from storyline.settings import default_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "russia-hamas"


def check(report: StoryReport) -> list[str]:
    """What is wrong with a report's sources (nothing: an empty list)."""
    texts = {a.id: a.text for a in report.articles}
    problems = []
    for sentence in report.summary:
        if not sentence.sources:
            problems.append(f"summary sentence without a source: {sentence.sentence[:60]!r}")
            continue
        first = sentence.sources[0]
        if (
            " ".join(texts.get(first.article, "")[first.start : first.end].split())
            != sentence.sentence
        ):
            problems.append(f"summary sentence is not its first source: {sentence.sentence[:60]!r}")
    cited: list[Ref] = [r for s in report.summary for r in s.sources]
    cited += [r for e in report.timeline for r in e.sources]
    cited += [r for f in report.coverage for r in f.sources]
    cited += [c.source for x in report.conflicts for c in x.claims]
    for ref in cited:
        text = texts.get(ref.article)
        if text is None or not (0 <= ref.start < ref.end <= len(text)):
            problems.append(f"source outside its article: {ref}")
        elif not text[ref.start : ref.end].strip():
            problems.append(f"empty source: {ref}")
    return problems


def ecb_corpus(eval_dir: Path, limit: int | None) -> Corpus:
    settings = default_settings()
    records = list(read_jsonl(eval_dir / GOLD, limit))
    documents = annotated(records, settings)
    return regroup(Corpus(documents), corpus_stages(settings))


def seed_corpus() -> Corpus:
    import storyline

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "seeds.db"
        storyline.analyze([EXAMPLE], db=store)
        return storyline.load(store)


def check_all(name: str, corpus: Corpus) -> int:
    settings = default_settings().summary
    embedder = default_embedder()
    problems, sentences, facts, conflicts = [], 0, 0, 0
    kinds: Counter[str] = Counter()
    examples: list[str] = []
    for story in corpus.stories or []:
        report = build_report(corpus, story, settings, embedder)
        problems += check(report)
        sentences += len(report.summary)
        facts += len(report.coverage)
        conflicts += len(report.conflicts)
        kinds.update(c.kind for c in report.conflicts)
        examples += [
            f"{c.kind}, {c.about[:50]!r}: " + "; ".join(f"{x.value[:40]!r}" for x in c.claims)
            for c in report.conflicts[:2]
        ]
    stories = len(corpus.stories or [])
    print(
        f"{name}: {stories} stories, {sentences} summary sentences, {facts} facts, "
        f"{conflicts} conflicts; sentences without a source or sources outside their "
        f"article: {len(problems)}"
    )
    for problem in problems[:10]:
        print(f"  {problem}")
    print(f"  conflicts by kind: {dict(kinds)}")
    for example in examples[:: max(1, len(examples) // 8)][:8]:
        print(f"  e.g. {example}")
    return len(problems)


class MemoryVectors:
    """The store's vector cache, in memory (the benchmark keeps no store)."""

    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}

    def text_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: self.vectors[k] for k in keys if k in self.vectors}

    def save_text_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors.update(vectors)


def time_large(corpus: Corpus, size: int, repeat: int) -> None:
    """Per large story: the report built cold (every sentence embedded) and warm (the vectors
    cached, as ``show``, the exports and the web UI read a story after its first report)."""
    settings = default_settings().summary
    default_embedder().encode(["warm up"])  # the model loads once per process, before the clock
    stories = sorted(corpus.stories or [], key=lambda s: -len(s.articles))
    large = [s for s in stories if len(s.articles) >= size] or stories[:1]
    cold_all, warm_all = [], []
    for story in large:
        cold, warm = [], []
        for _ in range(repeat):
            embedder = CachedEmbedder(default_embedder, MemoryVectors(), MINILM_MODEL)
            started = time.perf_counter()
            build_report(corpus, story, settings, embedder)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            build_report(corpus, story, settings, embedder)
            warm.append(time.perf_counter() - started)
        sentences = sum(len(d.sentences or []) for d in story_documents(corpus, story))
        print(
            f"story of {len(story.articles)} articles ({sentences} sentences): report cold "
            f"{statistics.median(cold):.2f} s, warm {statistics.median(warm):.3f} s "
            f"(medians of {repeat})"
        )
        cold_all += cold
        warm_all += warm
    print(
        f"stories of {size}+ articles: {len(large)}; report cold median "
        f"{statistics.median(cold_all):.2f} s, warm median {statistics.median(warm_all):.3f} s, "
        f"warm max {max(warm_all):.3f} s"
    )


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N ECB+ records")
    parser.add_argument("--size", type=int, default=20, help="stories this large are timed")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(list(argv) if argv is not None else None)
    bad = check_all("seeds", seed_corpus())
    corpus = ecb_corpus(args.eval_dir, args.limit)
    bad += check_all("ECB+ dev", corpus)
    time_large(corpus, args.size, args.repeat)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
