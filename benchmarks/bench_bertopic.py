"""Grouping against the peer a user would pick instead: BERTopic, on the same ECB+ dev articles
with the same embeddings, fit time and B-cubed quality side by side in one run.

usage: python benchmarks/bench_bertopic.py [--eval-dir DIR] [--annotations FILE]

BERTopic is not a storyline dependency (it pulls in sentence-transformers and torch, though
given vectors it needs neither). To run this script:
``pip install --no-deps bertopic && pip install umap-learn hdbscan "pandas<2.3" pyyaml plotly``
(pandas 2.3 and later want numpy 2; spaCy 3.7 wants numpy 1).

The 772 ECB+ dev texts are annotated once by the pipeline's article stages (as
``bench_clustering.py`` does; ``--annotations FILE`` keeps them between runs). Then, timed
apart, over the same documents:

- storyline: the corpus stages as ``analyze`` runs them (dedup, resolve, quote groups, stories,
  threads, dating), each story a cluster; the time compared is that of dedup, stories and
  threads (the stages that group), the others' printed apart;
- BERTopic with each document's storyline vector (MiniLM over title and lead) passed as
  ``embeddings``, UMAP and HDBSCAN as BERTopic sets them up, with its default
  ``min_cluster_size`` (10, made for topics) and with 2 (stories of two articles exist); its
  outliers (topic -1) each count as a cluster of one, as an unassigned article is for a reader.

BERTopic's first fit in a process compiles UMAP and HDBSCAN (numba); a fit on 200 articles
before the clock starts pays that. Both are scored by the shared B-cubed scorer against
ECB+'s gold events. Anchors (README): every article alone 0.158, the gold topics taken as
stories 0.683.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_clustering import GOLD, annotated, scored
from evalkit import DEFAULT_EVAL_DIR, final_metric, read_jsonl

from storyline.pipeline.analyze import corpus_stages, regroup
from storyline.records import Corpus, Document
from storyline.settings import default_settings

#: Fixed so that BERTopic's UMAP gives the same layout on every run.
UMAP_SEED = 42
#: storyline's stages that do what BERTopic does (the others resolve entities, group quotes,
#: date articles: work BERTopic does not do).
GROUPING = ("dedup", "stories", "threads")


def documents_of(records: list[dict[str, Any]], kept: Path | None) -> list[Document]:
    if kept is not None and kept.exists():
        with kept.open("rb") as file:
            return list(pickle.load(file))
    documents = annotated(records, default_settings())
    if kept is not None:
        with kept.open("wb") as file:
            pickle.dump(documents, file)
    return documents


def storyline_stories(documents: list[Document]) -> tuple[dict[str, str], dict[str, float]]:
    """Stories by the corpus stages, and each stage's seconds."""
    corpus = Corpus(list(documents))
    seconds = {}
    for stage in corpus_stages(default_settings()):
        started = time.perf_counter()
        corpus = regroup(corpus, [stage])
        seconds[stage.name] = time.perf_counter() - started
    return {a: s.id for s in corpus.stories or [] for a in s.articles}, seconds


def bertopic_stories(
    documents: list[Document], min_cluster_size: int
) -> tuple[dict[str, str], float, int]:
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    texts = [d.article.body_text for d in documents]
    vectors = np.stack([d.embedding for d in documents if d.embedding is not None])
    model = BERTopic(
        umap_model=UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=UMAP_SEED
        ),
        hdbscan_model=HDBSCAN(
            min_cluster_size=min_cluster_size,
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=True,
        ),
    )
    started = time.perf_counter()
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    seconds = time.perf_counter() - started
    stories = {
        d.article.id: (f"topic-{t}" if t != -1 else f"alone-{d.article.id}")
        for d, t in zip(documents, topics, strict=True)
    }
    return stories, seconds, sum(1 for t in topics if t == -1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--annotations", type=Path, default=None)
    args = parser.parse_args()
    try:
        import bertopic  # noqa: F401
    except ImportError:
        raise SystemExit("BERTopic is not installed: see this script's docstring") from None
    records = list(read_jsonl(args.eval_dir / GOLD))
    documents = documents_of(records, args.annotations)
    gold = args.eval_dir / GOLD
    ours, seconds = storyline_stories(documents)
    b_cubed = final_metric(scored(args.eval_dir, gold, ours))
    grouping = sum(seconds[name] for name in GROUPING)
    print(f"{len(documents)} ECB+ dev articles, the same MiniLM vectors for both")
    print(f"{'grouping':36} {'seconds':>8} {'clusters':>9} {'B-cubed F1':>11}")
    name = "storyline (dedup, stories, threads)"
    print(f"{name:36} {grouping:8.1f} {len(set(ours.values())):9} {b_cubed:11.4f}")
    print("  all corpus stages: " + ", ".join(f"{n} {v:.1f} s" for n, v in seconds.items()))
    bertopic_stories(documents[:200], 10)  # numba compiles UMAP and HDBSCAN: not fit time
    for size in (10, 2):
        theirs, fit, outliers = bertopic_stories(documents, size)
        b_cubed = final_metric(scored(args.eval_dir, gold, theirs))
        name = f"BERTopic, min_cluster_size={size}"
        print(
            f"{name:36} {fit:8.1f} {len(set(theirs.values())):9} {b_cubed:11.4f}"
            f"  ({outliers} outliers)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
