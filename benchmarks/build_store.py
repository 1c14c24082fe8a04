"""A store of N articles for the speed benchmarks, from real texts: ECB+ dev replicated.

usage: python benchmarks/build_store.py --db STORE [--articles 10000] [--eval-dir DIR]
                                       [--annotations FILE] [--by-block]

``--db`` is a new SQLite path or a ``postgresql://`` URL of a database holding no store yet
(``bench_serve_scale.py --postgres-start DIR`` starts a throwaway server and prints one).

The 772 ECB+ dev texts are annotated once by the pipeline's article stages, then copied with
new ids and publication dates (``bench_grouping_scale.replicated``: blocks of 1,000 articles,
each block later in time), stored, and grouped by all of the pipeline's corpus stages in
order. As in that benchmark, dedup's links between copies of one text in different replicas
are set aside before the later stages (they exist only because of the replication).

ECB+ texts have neither title nor outlet: an article's first line is its title and it gets
one of OUTLETS outlet names by a hash of its text (replicas of a text keep its outlet), so
that stories have the few outlets a real store has for the comparison to work on.
With ``--by-block`` the store is built as ``analyze`` builds it day after day: each block of
1,000 articles is stored, then grouped around (``storyline.group.window``; the first block whole),
so that a store of 100,000 articles is built in bounded memory. Copies across replicas are
never met that way (replicas are 90 days apart), so none need setting aside.
``--annotations FILE`` keeps the annotated texts in FILE (a pickle) for the next build. The
figures printed are the build's own (annotation, grouping, store size); the API benchmark
(``bench_api.py --db PATH``) is what reads the store.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import resource
import sys
import time
from pathlib import Path

from bench_clustering import GOLD
from bench_grouping_scale import Source, annotated_sources, replicated, within_replicas
from evalkit import DEFAULT_EVAL_DIR, read_jsonl

from storyline.annotate.embed import remembering_embedder
from storyline.group.window import NewArticle
from storyline.pipeline.analyze import corpus_stages, regroup_around, regroup_store
from storyline.records import Corpus, Document
from storyline.settings import default_settings
from storyline.stage import check_provided
from storyline.store.backend import is_url
from storyline.store.store import Store

#: Outlets the articles are spread over.
OUTLETS = 8
BLOCK = 1000


def with_title_and_outlet(document: Document) -> Document:
    article = document.article
    first = article.body[0] if article.body else None
    title = article.text[first.start : first.end] if first else None
    digest = hashlib.sha256(article.text.encode()).digest()
    outlet = f"Outlet {digest[0] % OUTLETS + 1}"
    return dataclasses.replace(
        document, article=dataclasses.replace(article, title=title, outlet=outlet)
    )


def annotated_texts(eval_dir: Path, kept: Path | None) -> list[Source]:
    if kept is not None and kept.exists():
        with kept.open("rb") as file:
            return list(pickle.load(file))
    records = list(read_jsonl(eval_dir / GOLD))
    started = time.perf_counter()
    sources = annotated_sources(records, default_settings())
    sources = [dataclasses.replace(s, document=with_title_and_outlet(s.document)) for s in sources]
    print(f"annotated {len(sources)} texts in {time.perf_counter() - started:.0f} s")
    if kept is not None:
        with kept.open("wb") as file:
            pickle.dump(sources, file)
    return sources


def group(store: Store, replica_of: dict[str, int]) -> Corpus:
    """All corpus stages, as ``analyze`` runs them, with copies kept within replicas."""
    corpus = Corpus(store.load_corpus(inferred=False).documents)
    for stage in corpus_stages(default_settings(), remembering_embedder(store)):
        started = time.perf_counter()
        corpus = stage(corpus)
        check_provided(stage, [corpus])
        if stage.name == "dedup":
            corpus.duplicate_of, crossing = within_replicas(corpus, replica_of)
            print(f"  copies across replicas set aside: {crossing}")
        print(f"  {stage.name}: {time.perf_counter() - started:.1f} s")
    return corpus


def build_by_block(path: Path | str, documents: list[Document]) -> int:
    settings = default_settings()
    started = time.perf_counter()
    with Store(path) as store:
        for first in range(0, len(documents), BLOCK):
            block = documents[first : first + BLOCK]
            store.save_documents(block)
            clock = time.perf_counter()
            if store.profiled():
                new = {d.article.id: NewArticle(d.article.published, d.embedding) for d in block}
                regroup_around(store, new, settings)
            else:
                regroup_store(store, settings)
            print(
                f"  {first + len(block)} articles: grouped in {time.perf_counter() - clock:.1f} s,"
                f" {store.story_count()} stories, peak {peak_mib():.0f} MiB",
                flush=True,
            )
    print(f"built in {time.perf_counter() - started:.0f} s; store {store_mb(path):.0f} MB")
    return 0


def store_mb(db: Path | str) -> float:
    """The store's size: its file's, or the PostgreSQL database's as the server counts it."""
    if not is_url(db):
        return Path(db).stat().st_size / 1e6
    import psycopg

    with psycopg.connect(str(db)) as connection:
        row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return float(row[0]) / 1e6 if row else float("nan")


def refuse_existing(db: Path | str) -> None:
    """Stop unless ``db`` is new: a file not there yet, or a database with no articles."""
    if not is_url(db):
        if Path(db).exists():
            raise SystemExit(f"{db} exists: give a new path")
        return
    with Store(db) as store:
        if store.article_count():
            raise SystemExit(f"{store.path} holds a store already: give an empty database")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a new SQLite path or a postgresql:// URL")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--annotations", type=Path, default=None)
    parser.add_argument("--by-block", action="store_true")
    args = parser.parse_args()
    # A URL stays a string: Path() would fold its "//".
    db: Path | str = args.db if is_url(args.db) else Path(args.db)
    refuse_existing(db)
    sources = annotated_texts(args.eval_dir, args.annotations)
    corpus = replicated(sources, args.articles, min(BLOCK, args.articles))
    if args.by_block:
        return build_by_block(db, corpus.documents)
    started = time.perf_counter()
    with Store(db) as store:
        store.save_documents(corpus.documents)
        print(f"stored {len(corpus.documents)} articles in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        grouped = group(store, corpus.replica_of)
        store.save_corpus(grouped)
    print(
        f"grouped in {time.perf_counter() - started:.0f} s: {len(grouped.stories or [])} "
        f"stories, {len(grouped.entities or [])} entities, {len(grouped.threads or [])} threads;"
        f" store {store_mb(db):.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
