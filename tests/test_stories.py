"""Story grouping: the seed articles, the rule on small synthetic cases, determinism."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from conftest import EXAMPLE_DIR, annotate, make_article
from storyline.dedup import DedupStage
from storyline.ids import content_id
from storyline.records import Corpus, Document, Mention, Precision, PubDate, Span, Story
from storyline.settings import default_settings
from storyline.stories import StoryStage, entity_key, shorten

#: Publication dates an editor reads off the seeds: 002 states none ("on Thursday"); 003 says
#: the election (25 January) was "last month"; 004 says Hamas seized Gaza "last month" (June
#: 2007) and carries a 2007 copyright.
SEED_DATES = {
    "000": PubDate(dt.date(2006, 2, 9), Precision.DAY, "input"),
    "001": PubDate(dt.date(2006, 3, 3), Precision.DAY, "input"),
    "002": None,
    "003": PubDate(dt.date(2006, 2, 1), Precision.MONTH, "input"),
    "004": PubDate(dt.date(2007, 7, 1), Precision.MONTH, "input"),
}


def seed_documents() -> list[Document]:
    documents = [
        Document(article=make_article(p.read_text("utf-8"), p.name[:3], SEED_DATES[p.name[:3]]))
        for p in sorted(EXAMPLE_DIR.glob("*.txt"))
    ]
    for document in annotate(documents):
        document.timex = []  # the timex stage is not needed (nor used) by grouping yet
        document.quotes = []
        document.parse = None
    return documents


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return seed_documents()


def group(documents: list[Document], dedup: bool = True) -> list[Story]:
    settings = default_settings()
    corpus = Corpus(list(documents))
    if dedup:  # synthetic texts are alike on purpose: they are not copies here
        corpus = DedupStage(settings.dedup)(corpus)
    return StoryStage(settings.stories)(corpus).stories or []


def memberships(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


def test_seeds_group_into_the_three_events(seeds) -> None:
    assert memberships(group(seeds)) == {
        frozenset({"000", "002", "003"}),  # Putin invites Hamas, February 2006
        frozenset({"001"}),  # the visit to Moscow, March 2006
        frozenset({"004"}),  # Russia downgrades ties, July 2007
    }


def test_story_records_are_filled_from_their_articles(seeds) -> None:
    stories = {s.articles[0]: s for s in group(seeds)}
    invitation = stories["003"]  # month-precise 2006-02 sorts before 9 February
    assert invitation.id == content_id("s", "003")
    assert (invitation.start, invitation.end) == (dt.date(2006, 2, 1), dt.date(2006, 2, 9))
    assert "invite" in invitation.title.lower() and "Hamas" in invitation.title
    assert "downgraded" in stories["004"].description
    assert "Skip to main content" not in stories["004"].title  # page chrome is not a lead
    for story in stories.values():
        assert "\n" not in story.title + story.description
        assert 0 < len(story.title) <= 100 and 0 < len(story.description) <= 200


def test_duplicates_join_their_original_story_whatever_their_content(seeds) -> None:
    original = seeds[4]
    copy = Document(
        article=make_article(original.article.text, "copy-of-004", original.article.published),
        mentions=[],
        timex=[],
        embedding=seeds[0].embedding,  # looks like the February story, and shares no names
    )
    stories = group([*seeds, copy])
    assert frozenset({"004", "copy-of-004"}) in memberships(stories)


@pytest.mark.parametrize("order", list(itertools.permutations(range(5)))[::17])
def test_grouping_does_not_depend_on_input_order(seeds, order) -> None:
    assert group([seeds[i] for i in order]) == group(seeds)


def test_a_later_unrelated_article_keeps_existing_story_ids(seeds) -> None:
    before = {s.id: s.articles for s in group(seeds)}
    later = Document(
        article=make_article(
            "Heavy rain flooded the old town of Porto on Sunday, closing the riverside road.",
            "zzz-flood",
            PubDate(dt.date(2008, 1, 6), Precision.DAY, "input"),
        )
    )
    annotate([later])
    later.timex, later.parse = [], None
    after = {s.id: s.articles for s in group([*seeds, later])}
    assert {k: v for k, v in after.items() if "zzz-flood" not in v} == before
    assert after[content_id("s", "zzz-flood")] == ("zzz-flood",)


# Synthetic cases of the rule: vectors and names are set by hand, no models involved.


def synthetic(article_id: str, vector: list[float], names: list[str], day: int | None) -> Document:
    text = ". ".join(f"{name} spoke at length today in the capital" for name in names) + "."
    mentions, offset = [], 0
    for name in names:
        mentions.append(Mention(Span(offset, offset + len(name)), name, "PERSON"))
        offset += len(name) + len(" spoke at length today in the capital. ")
    published = PubDate(dt.date(2010, 1, day), Precision.DAY, "input") if day else None
    embedding = np.asarray(vector, dtype=np.float32)
    return Document(
        article=make_article(text, article_id, published),
        sentences=[Span(0, len(text))],
        mentions=mentions,
        timex=[],
        embedding=embedding / np.linalg.norm(embedding),
    )


def test_near_identical_content_far_apart_in_time_is_two_stories() -> None:
    a = synthetic("a", [1, 0.05], ["Ann Lee"], day=1)
    b = synthetic("b", [1, 0.0], ["Ann Lee"], day=28)
    undated = synthetic("c", [1, 0.06], ["Ann Lee"], day=None)
    assert memberships(group([a, b, undated], dedup=False)) == {
        frozenset({"a", "c"}),
        frozenset({"b"}),
    }


def test_shared_cast_decides_between_similar_texts() -> None:
    # cosine 0.6: below the similarity bar on content alone, above the floor
    base = synthetic("a", [1, 0], ["Ann Lee", "Bo Kim"], day=3)
    same_cast = synthetic("b", [0.6, 0.8], ["Ann Lee", "Bo Kim"], day=4)
    other_cast = synthetic("c", [0.6, -0.8], ["Cy Diaz", "Dee Ng"], day=4)
    assert memberships(group([base, same_cast, other_cast], dedup=False)) == {
        frozenset({"a", "b"}),
        frozenset({"c"}),
    }


def test_shared_names_alone_do_not_merge_different_subjects() -> None:
    a = synthetic("a", [1, 0], ["Ann Lee"], day=3)
    b = synthetic("b", [0.2, 0.98], ["Ann Lee"], day=3)
    assert memberships(group([a, b], dedup=False)) == {frozenset({"a"}), frozenset({"b"})}


def test_entity_keys_normalise_spelling() -> None:
    def key(text: str, label: str) -> str | None:
        return entity_key(Mention(Span(0, len(text)), text, label))

    assert key("Vladimir Putin", "PERSON") == key("Putin", "PERSON") == "putin"
    assert key("the United States", "GPE") == key("United States", "GPE")
    assert key("Hamas's", "ORG") == "hamas"
    assert key("Palestinians", "NORP") is None


def test_shorten_cuts_at_a_word_on_one_line() -> None:
    assert shorten("one two\nthree", 100) == "one two three"
    assert shorten("alpha beta gamma", 12) == "alpha beta…"
