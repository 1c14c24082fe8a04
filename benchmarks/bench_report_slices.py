"""Reports read per story against reports over the whole store: the same, story by story.

usage: python benchmarks/bench_report_slices.py --db STORE [--stories 90]

The server and ``show`` build a story's report from its slice of the store
(``Store.story_slice``, ``pipeline.reports.story_view``), never from the whole store. This
reads the whole store once (``load_corpus``, as the server did before), builds each of the
``--stories`` largest stories' reports from it (``build_report``) and as readers get them
(``story_view``: from the slice, kept in the store), and prints how many are equal, with the
fields that differ for any that are not. In a store of more than ``BASIS_SAMPLE`` articles
the membership evidence weighs words by a sample of the store, so it may differ there: such
stories are counted apart.
The thread's other stories come without their articles in a slice (every view shows their
titles and dates only), so they are compared without them. Give a copy of the store: reports
are kept in it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from storyline.annotate.embed import remembering_report_embedder
from storyline.pipeline.reports import BASIS_SAMPLE, story_view
from storyline.report.story import StoryReport, build_report, membership_basis
from storyline.settings import default_settings
from storyline.store.store import Store


def without_step_articles(report: StoryReport) -> StoryReport:
    steps = [
        s if s.id == report.story.id else dataclasses.replace(s, articles=())
        for s in report.thread_stories
    ]
    return dataclasses.replace(report, thread_stories=steps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--stories", type=int, default=90)
    args = parser.parse_args()
    settings = default_settings()
    with Store(args.db) as store:
        started = time.perf_counter()
        whole = store.load_corpus()
        print(f"read the whole store in {time.perf_counter() - started:.1f} s")
        embedder = remembering_report_embedder(store)
        basis = membership_basis(whole, settings)
        chosen = sorted(whole.stories or [], key=lambda s: (-len(s.articles), s.id))
        shown = chosen[: args.stories]
        equal, sampled, differing, read = 0, 0, [], []
        for story in shown:
            expected = without_step_articles(
                build_report(whole, story, settings.summary, embedder, basis)
            )
            clock = time.perf_counter()
            view = story_view(store, story.id, settings)
            read.append(time.perf_counter() - clock)
            assert view is not None
            fields = [
                f
                for f in expected.__dataclass_fields__
                if getattr(view.report, f) != getattr(expected, f)
            ]
            if not fields:
                equal += 1
            elif fields == ["membership"] and store.article_count() > BASIS_SAMPLE:
                sampled += 1
            else:
                differing.append((story.id, len(story.articles), fields))
    total = equal + sampled + len(differing)
    print(f"{equal} of {total} stories: the same report read per story as over the whole store")
    if sampled:
        print(f"{sampled} the same but for the membership evidence (sampled word frequencies)")
    for story_id, size, fields in differing:
        print(f"  {story_id} ({size} articles) differs in {', '.join(fields)}")
    read.sort()
    print(
        f"story_view (report built and kept): median {read[len(read) // 2]:.2f} s, max"
        f" {read[-1]:.2f} s, over stories of {len(shown[-1].articles)} to"
        f" {len(shown[0].articles)} articles"
    )
    return 0 if not differing else 1


if __name__ == "__main__":
    sys.exit(main())
