"""Story clustering on ECB+ dev: the pipeline's stages, scored by the shared B-cubed scorer.

Not the product's path: the texts skip the cleaner and every line is body. A tool to tune the
story rule quickly; what a user gets is measured by ``bench_stories.py`` (``analyze`` then
``export``), which scores lower (0.929 against 0.951 here, 2026-12-07). The difference is the
cleaner's: the date line above each ECB+ text ("Sunday, 21 July 2013") is set aside as page
furniture, so its year no longer votes for the year an article talks about (232 of 770 texts
then talk most about another year, or none; the product's articles given this script's time
expressions score 0.941 instead of 0.929), and the lines it drops as headlines, standfirsts and
short lines take their words and names with them.

usage: python benchmarks/bench_clustering.py [--eval-dir DIR] [--limit N] [--orders K] [--runs R]
                                             [--config FILE] [--cross-validate]

Each record's text (one sentence a line, no dates) becomes an article whose body is its
non-blank lines; the pipeline's article stages (NLP, quotes, time expressions, embedding)
annotate it in batches, then its corpus stages (dedup, resolve, quote groups, stories,
threads) group them. Anchors (README): singletons 0.158, perfect topics 0.683.

With ``--orders K`` the same annotated articles are also grouped K more times as if they
arrived in a shuffled order over ``--runs`` analyze runs (each run sees the stories the
previous one stored), and each order is scored: stories must not depend on arrival order.

With ``--cross-validate`` the rule's three most sensitive settings are tuned on the odd topics
(best of ``TUNING_GRID``) and scored on the even ones, and the other way round: a check that the
figure does not come from fitting the settings to the dev set.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evalkit import DEFAULT_EVAL_DIR, final_metric, read_jsonl, score, write_jsonl

from storyline.clean.language import article_language
from storyline.group.stories import StoryStage
from storyline.ids import content_id
from storyline.pipeline.analyze import corpus_stages, regroup
from storyline.pipeline.annotate import annotate, article_stages
from storyline.records import Article, Corpus, Document, ReadFailure, Span
from storyline.settings import Settings, StorySettings, default_settings, load_settings

GOLD = Path("clustering") / "ecbplus-dev.jsonl"
SCORER = "score_clustering.py"
#: Settings tried by --cross-validate: the story rule's most sensitive ones, around the defaults.
TUNING_GRID = {
    "near_rank": (7, 10, 13),
    "threshold": (0.22, 0.25, 0.28),
    "far_cap": (0.05, 0.1, 0.15),
}


def article_of(record: dict[str, str]) -> Article:
    text = record["text"]
    lines, offset = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            lines.append(Span(start, start + len(stripped)))
        offset += len(line)
    article_id = record.get("id") or content_id("a", text)
    # Its language, as cleaning decides it for every article (stages read it).
    return Article(id=article_id, source=f"ecbplus:{article_id}", text=text, body=tuple(lines),
                   language=article_language(text))  # fmt: skip


def annotated(records: list[dict[str, str]], settings: Settings) -> list[Document]:
    articles = [article_of(r) for r in records]
    failures: list[ReadFailure] = []
    stages, size = article_stages(settings), settings.pipeline.batch_size
    documents = [
        document
        for begin in range(0, len(articles), size)
        for document in annotate(
            articles[begin : begin + size], stages, failures, languages=settings.annotate.languages
        )
    ]
    if failures:
        print(f"{len(failures)} articles failed: {failures[0].reason}", file=sys.stderr)
    return documents


def predict(documents: list[Document], settings: Settings, runs: int = 1) -> dict[str, str]:
    """Story per article after grouping ``documents`` in ``runs`` successive analyze runs."""
    stories = None
    for run in range(1, runs + 1):
        arrived = documents[: len(documents) * run // runs]
        corpus = regroup(Corpus(list(arrived), stories=stories), corpus_stages(settings))
        stories = corpus.stories
    return {article_id: story.id for story in stories or [] for article_id in story.articles}


def cross_validate(
    eval_dir: Path, records: list[dict[str, Any]], documents: list[Document], settings: Settings
) -> None:
    """Tune on the odd topics and score on the even ones, then the other way round."""
    by_id = {document.article.id: document for document in documents}
    odd, even = (
        [r for r in records if int(r["gold"]["topic"]) % 2 == parity and r["id"] in by_id]
        for parity in (1, 0)
    )
    grid = [
        dict(zip(TUNING_GRID, v, strict=True)) for v in itertools.product(*TUNING_GRID.values())
    ]
    with tempfile.TemporaryDirectory() as folder:
        halves = {
            name: _Half(eval_dir, Path(folder) / f"{name}.jsonl", part, by_id, settings)
            for name, part in (("odd", odd), ("even", even))
        }
        for tune, test in (("odd", "even"), ("even", "odd")):
            tried = [(halves[tune].score(settings.stories.model_copy(update=u)), u) for u in grid]
            best, chosen = max(tried, key=lambda item: item[0])
            held_out = halves[test].score(settings.stories.model_copy(update=chosen))
            print(
                f"tuned on the {tune} topics: {chosen} scores {best:.4f} there, {held_out:.4f} on "
                f"the {test} ones (defaults there: {halves[test].score(settings.stories):.4f})"
            )


class _Half:
    """Half of the topics, grouped up to the story stage once, scored under story settings."""

    def __init__(
        self,
        eval_dir: Path,
        gold: Path,
        records: list[dict[str, Any]],
        by_id: dict[str, Document],
        settings: Settings,
    ) -> None:
        self.eval_dir = eval_dir
        self.gold = write_jsonl(gold, records)
        before = itertools.takewhile(
            lambda stage: not isinstance(stage, StoryStage), corpus_stages(settings)
        )
        self.grouped = regroup(Corpus([by_id[r["id"]] for r in records]), list(before))

    def score(self, stories: StorySettings) -> float:
        fresh = Corpus(
            self.grouped.documents,
            duplicate_of=self.grouped.duplicate_of,
            quote_groups=self.grouped.quote_groups,
        )
        grouped = StoryStage(stories)(fresh)
        predicted = {a: story.id for story in grouped.stories or [] for a in story.articles}
        return final_metric(scored(self.eval_dir, self.gold, predicted))


def scored(eval_dir: Path, gold: Path, stories: dict[str, str]) -> str:
    predictions = ({"id": i, "story": s} for i, s in stories.items())
    return score(eval_dir, SCORER, gold, predictions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--orders", type=int, default=0, help="also K shuffled arrival orders")
    parser.add_argument("--runs", type=int, default=4, help="analyze runs per shuffled order")
    parser.add_argument("--config", type=Path, default=None, help="settings file to try")
    parser.add_argument(
        "--cross-validate", action="store_true", help="tune on half the topics, score the rest"
    )
    args = parser.parse_args()
    records = list(read_jsonl(args.eval_dir / GOLD))[: args.limit]
    settings = load_settings(args.config) if args.config else default_settings()
    started = time.perf_counter()
    documents = annotated(records, settings)
    annotated_at = time.perf_counter()
    stories = predict(documents, settings)
    print(
        f"{len(records)} articles, {len(set(stories.values()))} stories; annotation "
        f"{annotated_at - started:.0f}s, grouping {time.perf_counter() - annotated_at:.1f}s"
    )
    with tempfile.TemporaryDirectory() as folder:
        gold = args.eval_dir / GOLD
        if args.limit is not None:  # score against the records actually clustered
            gold = write_jsonl(Path(folder) / "gold.jsonl", records)
        print(scored(args.eval_dir, gold, stories), end="")
        for seed in range(args.orders):
            shuffled = random.Random(seed).sample(documents, len(documents))
            result = scored(args.eval_dir, gold, predict(shuffled, settings, args.runs))
            print(f"order {seed} in {args.runs} runs: {result.strip().splitlines()[-1]}")
    if args.cross_validate:
        cross_validate(args.eval_dir, records, documents, settings)


if __name__ == "__main__":
    main()
