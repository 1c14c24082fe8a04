"""Dates from stories: undated articles dated by their siblings, stored apart, never stated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import make_article
from storyline.annotate.timex import time_refs
from storyline.group.dating import STORY_ORIGIN, DatingStage, date_from_story
from storyline.records import Corpus, Document, Precision, PubDate, Story
from storyline.stage import check_provided
from storyline.store.store import Store

THURSDAY = dt.date(2006, 2, 9)
FRIDAY = dt.date(2006, 2, 10)


def document(article_id: str, text: str, published: PubDate | None = None) -> Document:
    article = make_article(text, article_id, published=published)
    return Document(article, sentences=[], mentions=[], quotes=[], timex=time_refs(article))


def day(date: dt.date) -> PubDate:
    return PubDate(date, Precision.DAY, "input")


def corpus_of(*stories: list[Document]) -> Corpus:
    return Corpus(
        [d for story in stories for d in story],
        stories=[
            Story(f"s{n}", tuple(d.article.id for d in story), "t", "d", None, None)
            for n, story in enumerate(stories)
        ],
    )


def values(doc: Document) -> dict[str, str | None]:
    return {t.text: t.value for t in doc.timex or []}


def test_an_undated_article_takes_its_siblings_date_and_its_thursday_resolves() -> None:
    dated = document("aj", "Putin said on Thursday he would invite Hamas.", day(THURSDAY))
    undated = document("iht", "Hamas responded favorably to the offer on Thursday.")
    assert values(undated) == {"Thursday": None}

    corpus = DatingStage()(corpus_of([dated, undated]))

    check_provided(DatingStage(), [corpus])
    published = corpus.document("iht").article.published
    assert published == PubDate(THURSDAY, Precision.DAY, STORY_ORIGIN, inferred=True)
    assert values(corpus.document("iht")) == {"Thursday": "2006-02-09"}
    assert corpus.inferred_dates == {"iht": published}
    assert corpus.document("aj").article.published == day(THURSDAY)  # stated dates untouched


def test_the_day_under_which_the_article_names_its_siblings_days_wins() -> None:
    # Two siblings out on Thursday, one on Friday; the undated one's "yesterday" and "today"
    # are the Thursday and Friday its siblings name only if it came out on Friday.
    thursday = document("a", "The talks opened on Thursday in Moscow.", day(THURSDAY))
    thursday_2 = document("b", "The talks opened today.", day(THURSDAY))
    friday = document("c", "Talks resumed today after they opened on Thursday.", day(FRIDAY))
    undated = document("u", "Delegates met yesterday, and again today.")
    siblings = [thursday, thursday_2, friday]
    published = date_from_story(undated, [*siblings, undated])
    assert published is not None and published.date == FRIDAY

    # Nothing to go by: the day most siblings were published on.
    plain = document("p", "Delegates met in Moscow.")
    published = date_from_story(plain, [*siblings, plain])
    assert published is not None and published.date == THURSDAY


def test_only_undated_or_coarser_articles_get_a_date_and_only_from_stated_dates() -> None:
    thursday = document("a", "They met on Thursday.", day(THURSDAY))
    friday = document("b", "They met on Thursday.", day(FRIDAY))
    assert date_from_story(friday, [thursday, friday]) is None  # stated to the day already

    this_year = document("y", "They met on Thursday.", PubDate(THURSDAY, Precision.YEAR, "copy"))
    published = date_from_story(this_year, [thursday, this_year])
    assert published is not None and (published.date, published.precision) == (
        THURSDAY,
        Precision.DAY,
    )
    other_year = PubDate(dt.date(2007, 1, 1), Precision.YEAR, "copyright line")
    assert date_from_story(document("z", "They met.", other_year), [thursday]) is None

    inferred_only = document("i", "x", PubDate(THURSDAY, Precision.DAY, STORY_ORIGIN, True))
    assert date_from_story(document("u", "They met."), [inferred_only]) is None
    assert date_from_story(document("alone", "They met on Thursday."), []) is None


def test_articles_of_other_stories_and_single_articles_stay_undated() -> None:
    dated = document("a", "They met on Thursday.", day(THURSDAY))
    alone = document("u", "They met on Thursday.")
    corpus = DatingStage()(corpus_of([dated], [alone]))
    assert corpus.document("u").article.published is None
    assert corpus.inferred_dates == {}


@pytest.mark.parametrize("order", [0, 1])
def test_the_result_does_not_depend_on_the_order_of_articles(order: int) -> None:
    members = [
        document("a", "They met on Thursday.", day(THURSDAY)),
        document("u1", "They met on Thursday."),
        document("u2", "They met yesterday."),
    ]
    corpus = DatingStage()(corpus_of(members if order == 0 else members[::-1]))
    assert corpus.inferred_dates is not None
    assert {k: v.date for k, v in corpus.inferred_dates.items()} == {
        "u1": THURSDAY,
        "u2": THURSDAY,
    }


def test_the_store_keeps_inferred_dates_apart_from_what_articles_state(tmp_path: Path) -> None:
    dated = document("aj", "Putin said on Thursday he would invite Hamas.", day(THURSDAY))
    undated = document("iht", "Hamas responded favorably to the offer on Thursday.")
    with Store(tmp_path / "s.db") as store:
        store.save_documents([dated, undated])
        corpus = DatingStage()(corpus_of([dated, undated]))
        store.save_corpus(corpus)
        store.save_corpus(corpus)  # saved twice: replaced, not duplicated

        as_read = store.load_corpus()
        as_stated = store.load_corpus(inferred=False)
        one = store.article("iht")  # as `show --article` reads it
        assert one.article.published == corpus.document("iht").article.published
        assert store.article("aj").article.published == day(THURSDAY)
        assert store.dump()["inferred_dates"] == [("iht", "2006-02-09", "day", STORY_ORIGIN)]

    assert as_read.inferred_dates == corpus.inferred_dates
    assert as_read.document("iht").article.published == corpus.document("iht").article.published
    assert values(as_read.document("iht")) == {"Thursday": "2006-02-09"}
    assert as_stated.inferred_dates is None
    assert as_stated.document("iht").article.published is None
    assert values(as_stated.document("iht")) == {"Thursday": None}


def test_a_store_written_before_dates_were_inferred_is_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.store.schema as store_module

    dated = document("aj", "Putin said on Thursday he would invite Hamas.", day(THURSDAY))
    path = tmp_path / "v1.db"
    with monkeypatch.context() as patched:  # a store as schema 1 wrote it
        patched.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        with Store(path) as old:
            old._db.execute(
                "INSERT INTO articles (id, source, text, agencies, body, highlights, dropped,"
                " sentences) VALUES ('aj', 'x', ?, '[]', ?, '[]', '[]', '[]')",
                (dated.article.text, f"[[0, {len(dated.article.text)}]]"),
            )
            old._db.execute("INSERT INTO timex VALUES ('aj', 14, 22, 'Thursday', 'DATE', NULL)")
            assert old.schema_version() == 1

    with Store(path) as store:
        assert store.schema_version() >= 2
        [loaded] = store.load_documents()
        assert [(t.text, t.event) for t in loaded.timex or []] == [("Thursday", None)]
        corpus = DatingStage()(corpus_of([dated, document("u", "They met on Thursday.")]))
        store.save_documents([corpus.document("u")])
        store.save_corpus(corpus)
        assert store.load_corpus().inferred_dates == corpus.inferred_dates
