"""Speed of finding actors and quotes: mentions (spaCy), quotes and entity resolution.

usage: python benchmarks/bench_actors_speed.py [--eval-dir DIR] [--replicas 1,10] [--runs 3]
                                              [--workers 1,2] [--copies 4] [--model-bound]

The articles are PolNeAR dev's 84 news articles (cleaned as ``analyze`` cleans them), used here
for their text only. The models are loaded and warmed on one article first (load time printed
apart); then each stage is timed over all articles, ``--runs`` times, and the median printed:
the NLP stage (parse and entity mentions), the quote stage, and the resolve stage over the
whole corpus. The issue's target is mentions, quotes and resolution together at 20 articles/s
or more on the project's 2-core machine.

Resolution runs across articles, so it is also timed over corpora of R copies of the articles
(each copy with new article ids, so R times the mentions, and names that repeat across copies
as names repeat across a news archive): its seconds per article should not grow with R.

Then mentions, quotes and resolution on both cores: worker processes (models loaded and warmed
before the clock starts) parse the articles ``--copies`` times over in batches of 32 and find
their quotes; this process resolves entities over all of them. That is the issue's figure for
the machine: its rate counts every article from the first batch handed out to the last
entity resolved, the transfer of the annotated documents between processes included.

Last, all the per-article stages (NLP, quotes, time expressions, embeddings) run as ``analyze``
runs them (``pipeline.annotated_batches``, batches of 32 articles, the articles ``--copies``
times over) with 1 and with 2 worker processes: what using both cores gives. One worker means
this process, whose models are loaded already; two are a fresh pool whose time includes each
worker loading its own models. Mentions and quotes are a part of that work, so its rate
bounds theirs from below.

``--model-bound`` times only spaCy's pipeline, alone, on the largest number of ``--workers``
as above (models loaded before the clock starts): whole, without the parser, and the entity
recogniser alone. That is what the small model costs on these articles before any code of
ours runs, and so an upper bound on the rate of mentions, quotes and resolution.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench_quotes import article_of
from evalkit import DEFAULT_EVAL_DIR, read_jsonl

from storyline.annotate.nlp import NlpStage
from storyline.annotate.quotes import QuoteStage
from storyline.pipeline.workers import annotated_batches
from storyline.records import Article, Corpus, Document, ReadFailure
from storyline.resolve.entities import ResolveStage
from storyline.settings import Settings, default_settings

GOLD = Path("quotes") / "polnear-dev.jsonl"
T = TypeVar("T")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def replicated(documents: list[Document], copies: int) -> list[Document]:
    """``copies`` copies of the annotated documents, each copy with its own article ids."""
    return [
        dataclasses.replace(d, article=dataclasses.replace(d.article, id=f"{d.article.id}-c{n}"))
        for n in range(copies)
        for d in documents
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--replicas", default="1,10", help="corpus sizes for resolution, e.g. 1,10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="worker processes to try, e.g. 1,2")
    parser.add_argument(
        "--copies", type=int, default=4, help="copies of the articles annotated with workers"
    )
    parser.add_argument(
        "--model-bound",
        action="store_true",
        help="only time spaCy's pipeline alone (all components, no parser, NER only) on "
        "the largest number of --workers",
    )
    args = parser.parse_args()
    settings = default_settings()
    articles = [article_of(record) for record in read_jsonl(args.eval_dir / GOLD)]
    words = sum(len(a.body_text.split()) for a in articles)
    if args.model_bound:
        workers = max(int(part) for part in args.workers.split(","))
        print(f"spaCy alone, {workers} worker processes, {len(articles) * args.copies} articles:")
        for label, left_out in MODEL_PARTS.items():
            value = pooled_spacy_seconds(articles * args.copies, settings, workers, left_out)
            rate = len(articles) * args.copies / value
            print(f"  {label:<16} {value:7.2f} s  {rate:7.1f} articles/s")
        return
    nlp, quotes, resolve = NlpStage(), QuoteStage(settings.quotes), ResolveStage(settings.resolve)

    started = time.perf_counter()
    quotes(nlp([Document(articles[0])]))
    print(f"models loaded and warmed in {time.perf_counter() - started:.1f} s (not counted)")
    print(f"{len(articles)} articles, {words / len(articles):.0f} words each on average")

    def parsed() -> list[Document]:
        return nlp([Document(a) for a in articles])

    documents = parsed()
    quotes(documents)
    seconds = {
        "mentions (NLP stage)": median_seconds(parsed, args.runs),
        "quotes": median_seconds(lambda: quotes(documents), args.runs),
        "resolution": median_seconds(lambda: resolve(Corpus(list(documents))), args.runs),
    }
    for name, value in [*seconds.items(), ("together", sum(seconds.values()))]:
        print(f"  {name:<21} {value:7.2f} s  {len(articles) / value:7.1f} articles/s")

    print("resolution over R copies of the articles:")
    for copies in (int(part) for part in args.replicas.split(",")):
        corpus = replicated(documents, copies)
        value = median_seconds(lambda c=corpus: resolve(Corpus(list(c))), args.runs)
        print(
            f"  R={copies:<3} {len(corpus):6} articles  {value:7.2f} s  "
            f"{1000 * value / len(corpus):6.2f} ms/article"
        )

    many = articles * args.copies  # enough batches for every worker to have several
    print(f"mentions, quotes and resolution with worker processes, {len(many)} articles:")
    for workers in (int(part) for part in args.workers.split(",")):
        value = pooled_actor_seconds(distinct(many), settings, workers)
        print(f"  {workers} worker(s)  {value:7.2f} s  {len(many) / value:7.1f} articles/s")

    annotation_seconds(articles[:1], settings, workers=1)  # loads the embedder here too
    print(f"all article stages as analyze runs them, {len(many)} articles:")
    for workers in (int(part) for part in args.workers.split(",")):
        value = annotation_seconds(many, settings, workers)
        print(f"  {workers} worker(s)  {value:7.2f} s  {len(many) / value:7.1f} articles/s")


def distinct(articles: list[Article]) -> list[Article]:
    """The articles, each with an id of its own (copies of one text are separate articles)."""
    return [dataclasses.replace(a, id=f"{a.id}-n{n}") for n, a in enumerate(articles)]


_STAGES: list[NlpStage | QuoteStage] = []


def _start_worker(settings: Settings, warm_up: Article) -> None:
    _STAGES[:] = [NlpStage(), QuoteStage(settings.quotes)]
    _mentions_and_quotes([warm_up])


def _mentions_and_quotes(batch: list[Article]) -> list[Document]:
    documents = [Document(a) for a in batch]
    for stage in _STAGES:
        documents = stage(documents)
    for document in documents:
        document.parse = None  # as analyze does: the spaCy Doc stays in the worker
    return documents


@contextmanager
def warm_pool(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` spawned processes, every one started, and so warmed by its
    ``initializer``, before the caller starts its clock."""
    import multiprocessing
    from concurrent.futures import wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=initializer, initargs=initargs
    ) as pool:
        wait([pool.submit(time.sleep, 0.5) for _ in range(workers)])
        yield pool


def in_batches(items: list[T], size: int) -> list[list[T]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def pooled_actor_seconds(articles: list[Article], settings: Settings, workers: int) -> float:
    """Seconds for mentions and quotes in ``workers`` processes, then resolution here."""
    batches = in_batches(articles, settings.pipeline.batch_size)
    resolve = ResolveStage(settings.resolve)
    with warm_pool(workers, _start_worker, (settings, articles[0])) as pool:
        started = time.perf_counter()
        documents = [d for batch in pool.map(_mentions_and_quotes, batches) for d in batch]
        resolve(Corpus(documents))
        return time.perf_counter() - started


#: spaCy pipelines timed alone by ``--model-bound``: the components each leaves out. What the
#: small model costs bounds what mentions and quotes can cost: mentions need the named entities
#: and the tagger's parts of speech, quotes the parse.
MODEL_PARTS: dict[str, tuple[str, ...]] = {
    "all components": (),
    "without parser": ("parser",),
    "NER only": (
        "tok2vec",
        "tagger",
        "parser",
        "storyline_paragraph_starts",
        "storyline_tag_map",
        "storyline_exceptions",
        "storyline_lemmas",
    ),
}


def _start_spacy_worker(warm_up: str) -> None:
    from storyline.annotate.models import spacy_pipeline

    list(spacy_pipeline().pipe([warm_up]))


def _spacy_batch(batch: list[str], left_out: tuple[str, ...]) -> int:
    from storyline.annotate.models import spacy_pipeline

    nlp = spacy_pipeline()
    with nlp.select_pipes(disable=[name for name in left_out if name in nlp.pipe_names]):
        return sum(len(doc) for doc in nlp.pipe(batch))


def pooled_spacy_seconds(
    articles: list[Article], settings: Settings, workers: int, left_out: tuple[str, ...]
) -> float:
    """Seconds for spaCy alone (less ``left_out``) over the bodies in ``workers`` processes."""
    texts = [a.body_text for a in articles]
    batches = in_batches(texts, settings.pipeline.batch_size)
    with warm_pool(workers, _start_spacy_worker, (texts[0],)) as pool:
        started = time.perf_counter()
        list(pool.map(partial(_spacy_batch, left_out=left_out), batches))
        return time.perf_counter() - started


def annotation_seconds(articles: list[Article], settings: Settings, workers: int) -> float:
    pipeline = settings.pipeline.model_copy(update={"workers": workers})
    chosen = settings.model_copy(update={"pipeline": pipeline})
    batches = in_batches(articles, pipeline.batch_size)
    failures: list[ReadFailure] = []
    started = time.perf_counter()
    for _ in annotated_batches(iter(batches), chosen, failures):
        pass
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
