"""Regrouping around new articles against regrouping the whole store, on ECB+ dev.

usage: python benchmarks/bench_window.py [--eval-dir DIR] [--annotations FILE] [--replicas R]

The 772 ECB+ dev texts, annotated once by the article stages, get publication dates as in
``bench_grouping_scale`` (each gold event on a day of 60, its articles up to 3 days after it;
``--replicas`` copies later in time), and arrive one day's articles per run, in order of
publication, into two stores: one regrouped whole after every run (``storyline regroup``'s
way, the default below ``pipeline.full_regroup_below`` articles), one regrouped only around
the day's articles (``storyline.group.window``, the way above it). Prints, for each: B-cubed F1 of
the stories against the gold events, the seconds the regroupings took, and the stories,
entities, threads and quote groups made; then how far the two agree (B-cubed of one's
stories taking the other's as gold, and the share of entity mentions both put with the same
other mentions).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_clustering import SCORER
from bench_grouping_scale import replicated
from build_store import annotated_texts
from evalkit import DEFAULT_EVAL_DIR, final_metric, score, write_jsonl

from storyline.group.window import NewArticle
from storyline.pipeline.analyze import regroup_around, regroup_store
from storyline.records import Corpus, Document
from storyline.settings import default_settings
from storyline.store.store import Store


def by_day(documents: list[Document]) -> list[list[Document]]:
    days: dict[object, list[Document]] = defaultdict(list)
    for document in documents:
        published = document.article.published
        days[published.date if published else None].append(document)
    return [days[day] for day in sorted(days, key=lambda d: (d is None, d))]


def run(path: Path, days: list[list[Document]], window: bool) -> tuple[Corpus, float]:
    settings = default_settings()
    spent = 0.0
    with Store(path) as store:
        for batch in days:
            store.save_documents(batch)
            started = time.perf_counter()
            if window and store.profiled():
                new = {d.article.id: NewArticle(d.article.published, d.embedding) for d in batch}
                regroup_around(store, new, settings)
            else:
                regroup_store(store, settings)
            spent += time.perf_counter() - started
        return store.load_corpus(), spent


def story_records(corpus: Corpus) -> list[dict[str, object]]:
    return [{"id": a, "story": s.id} for s in corpus.stories or [] for a in s.articles]


def mention_agreement(a: Corpus, b: Corpus) -> tuple[float, float]:
    """How alike two corpora resolve entities: the share of mentions put with exactly the
    same other mentions in both, and the B-cubed F1 of ``a``'s entities taking ``b``'s as
    gold (over the mentions both resolve)."""

    def clusters(corpus: Corpus) -> dict[object, frozenset[object]]:
        found = {}
        for entity in corpus.entities or []:
            members = frozenset(entity.mentions)
            found.update(dict.fromkeys(entity.mentions, members))
        return found

    left, right = clusters(a), clusters(b)
    shared = left.keys() & right.keys()
    same = sum(left[m] == right[m] for m in shared) / max(1, len(left.keys() | right.keys()))
    precision = recall = 0.0
    for mention in shared:
        overlap = len(left[mention] & right[mention] & shared)
        precision += overlap / len(left[mention] & shared)
        recall += overlap / len(right[mention] & shared)
    precision, recall = precision / max(1, len(shared)), recall / max(1, len(shared))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return same, f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--annotations", type=Path, default=None)
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    sources = annotated_texts(args.eval_dir, args.annotations)
    corpus = replicated(sources, len(sources) * args.replicas, len(sources))
    days = by_day(corpus.documents)
    print(f"{len(corpus.documents)} articles arriving over {len(days)} days, one run a day")
    with tempfile.TemporaryDirectory() as folder:
        gold = write_jsonl(Path(folder) / "gold.jsonl", corpus.gold)
        results = {}
        for name, window in (("whole", False), ("around", True)):
            grouped, seconds = run(Path(folder) / f"{name}.db", days, window)
            f1 = final_metric(score(args.eval_dir, SCORER, gold, story_records(grouped)))
            results[name] = grouped
            print(
                f"{name:>6}: B-cubed F1 {f1:.4f}; regrouping {seconds:.1f} s in all; "
                f"{len(grouped.stories or [])} stories, {len(grouped.entities or [])} "
                f"entities, {len(grouped.threads or [])} threads, "
                f"{len(grouped.quote_groups or [])} quote groups"
            )
        as_gold = write_jsonl(
            Path(folder) / "whole.jsonl",
            [
                {"id": r["id"], "gold": {"event": r["story"], "topic": r["story"]}}
                for r in story_records(results["whole"])
            ],
        )
        agreement = final_metric(
            score(args.eval_dir, SCORER, as_gold, story_records(results["around"]))
        )
        print(f"stories, around against whole as gold: B-cubed F1 {agreement:.4f}")
        same, f1 = mention_agreement(results["around"], results["whole"])
        print(f"entity mentions with the same co-mentions in both: {same:.4f}")
        print(f"entities, around against whole as gold: mention B-cubed F1 {f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
