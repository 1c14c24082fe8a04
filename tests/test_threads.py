"""Threads: later stories that continue earlier ones, on the seeds and synthetic stories."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import make_article
from storyline.ids import content_id
from storyline.records import Corpus, Document, Mention, Span, Story, Thread
from storyline.settings import default_settings
from storyline.threads import ThreadStage
from test_stories import group, seed_documents


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return seed_documents()


def thread(documents: list[Document], stories: list[Story]) -> list[Thread]:
    corpus = Corpus(list(documents), stories=list(stories))
    return ThreadStage(default_settings().threads)(corpus).threads or []


def test_the_seed_stories_form_one_thread_in_time_order(seeds) -> None:
    stories = group(seeds)
    (only,) = thread(seeds, stories)
    by_first = {s.articles[0]: s.id for s in stories}
    assert only.stories == (by_first["003"], by_first["001"], by_first["004"])
    assert only.id == content_id("t", by_first["003"])
    assert only.title == next(s.title for s in stories if s.id == only.stories[0])
    assert len(only.links) == 2  # a spanning tree over three stories
    for link in only.links:
        assert only.stories.index(link.earlier) < only.stories.index(link.later)
        assert link.reason.startswith("shares ") and "Hamas" in link.reason
        assert "similar subject (cos 0." in link.reason
    assert "\n" not in only.description and "3 stories" in only.description


def test_threads_do_not_depend_on_story_or_document_order(seeds) -> None:
    stories = group(seeds)
    assert thread(seeds[::-1], stories[::-1]) == thread(seeds, stories)


# Synthetic stories: one article each, vectors and names set by hand.


def story_of(article_id: str, vector: list[float], names: list[str], day: dt.date | None):
    text = " ".join(names)
    mentions, offset = [], 0
    for name in names:
        mentions.append(Mention(Span(offset, offset + len(name)), name, "GPE"))
        offset += len(name) + 1
    embedding = np.asarray(vector, dtype=np.float32)
    document = Document(
        article=make_article(text, article_id),
        mentions=mentions,
        embedding=embedding / np.linalg.norm(embedding),
    )
    story = Story(content_id("s", article_id), (article_id,), article_id, article_id, day, day)
    return document, story


def test_links_need_shared_cast_similar_subject_and_time() -> None:
    cases = [
        story_of("start", [1, 0], ["Oslo", "Bergen", "Narvik"], dt.date(2001, 1, 1)),
        story_of("sequel", [1, 0.1], ["Oslo", "Bergen"], dt.date(2001, 6, 1)),
        story_of("other-cast", [1, 0.1], ["Lima", "Cusco"], dt.date(2001, 6, 2)),
        story_of("other-subject", [0, 1], ["Oslo", "Bergen"], dt.date(2001, 6, 3)),
        story_of("much-later", [1, 0], ["Oslo", "Bergen"], dt.date(2009, 1, 1)),
        story_of("undated", [1, 0.05], ["Oslo", "Narvik"], None),
    ]
    documents = [d for d, _ in cases]
    threads = thread(documents, [s for _, s in cases])
    grouped = {frozenset(t.stories) for t in threads}
    ids = {s.articles[0]: s.id for _, s in cases}
    assert frozenset({ids["start"], ids["sequel"], ids["undated"]}) in grouped
    for alone in ("other-cast", "other-subject", "much-later"):
        assert frozenset({ids[alone]}) in grouped
    # every story is in exactly one thread
    assert sorted(i for t in threads for i in t.stories) == sorted(ids.values())
    lone = next(t for t in threads if t.stories == (ids["much-later"],))
    assert lone.links == () and lone.id == content_id("t", ids["much-later"])
