"""Near-duplicate detection: copies with small edits are found, different texts are not."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import make_article
from storyline.group.dedup import DedupStage, chronological_key, jaccard, word_shingles
from storyline.records import Corpus, Document, Precision, PubDate
from storyline.settings import Settings


def day(year: int, month: int, date: int) -> PubDate:
    return PubDate(dt.date(year, month, date), Precision.DAY, "input")


def run(settings: Settings, *articles: object) -> dict[str, str]:
    documents = [Document(article=a) for a in articles]  # type: ignore[arg-type]
    return DedupStage(settings.dedup)(Corpus(documents)).duplicate_of


def edited(text: str) -> str:
    """A light rewrite: two words changed and a sentence dropped, as a repost would do."""
    first_sentence_end = text.index(".", 200) + 1
    return text.replace("Madrid", "Madrid, Spain").replace("soon", "shortly")[
        :first_sentence_end
    ] + text[first_sentence_end:].replace(
        "Vladimir Putin made the invitation while in the Spanish capital, Madrid.\n", ""
    )


def test_edited_copy_points_at_the_earlier_article(settings, example_texts) -> None:
    text = example_texts["000_3c4d5f14704a746b.txt"]
    original = make_article(text, "zzz-original", day(2006, 2, 9))
    copy = make_article(edited(text), "aaa-copy", day(2006, 2, 10))
    assert copy.text != original.text
    assert run(settings, copy, original) == {"aaa-copy": "zzz-original"}


def test_different_reports_of_one_event_are_not_copies(settings, example_texts) -> None:
    articles = [make_article(text, name[:3]) for name, text in example_texts.items()]
    assert run(settings, *articles) == {}


def test_undated_copy_points_at_the_dated_one_and_ties_go_by_id(settings, example_texts) -> None:
    text = example_texts["003_6fe1d82189966668.txt"]
    dated = make_article(text, "b", day(2006, 2, 9))
    undated = make_article(text, "a")
    same_day = make_article(text, "c", day(2006, 2, 9))
    assert run(settings, undated, same_day, dated) == {"a": "b", "c": "b"}


def test_empty_bodies_are_never_copies(settings) -> None:
    assert run(settings, make_article("", "a"), make_article("", "b")) == {}


def test_shingles_are_lowercased_word_runs() -> None:
    assert word_shingles("A b, C d", 3) == frozenset({"a b c", "b c d"})
    assert word_shingles("Too short", 5) == frozenset({"too short"})
    assert jaccard(frozenset({"x"}), frozenset({"x", "y"})) == 0.5


def test_chronological_key_puts_undated_last() -> None:
    dated = make_article("x", "z", day(2007, 1, 1))
    undated = make_article("x", "a")
    assert sorted([undated, dated], key=chronological_key) == [dated, undated]


@hypothesis_settings(max_examples=15, deadline=None)
@given(order=st.permutations(range(4)))
def test_result_does_not_depend_on_input_order(order: list[int], example_texts) -> None:
    from storyline.settings import default_settings

    text = example_texts["000_3c4d5f14704a746b.txt"]
    other = example_texts["004_3b47988b34628ac4.txt"]
    articles = [
        make_article(text, "a", day(2006, 2, 10)),
        make_article(edited(text), "b", day(2006, 2, 9)),
        make_article(text, "c"),
        make_article(other, "d", day(2007, 7, 1)),
    ]
    result = run(default_settings(), *(articles[i] for i in order))
    assert result == {"a": "b", "c": "b"}


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "Dé", "e1"]), max_size=12), st.integers(1, 5))
def test_shingles_are_every_run_of_size_words(words: list[str], size: int) -> None:
    runs = {" ".join(words[i : i + size]).lower() for i in range(len(words) - size + 1)}
    expected = runs if len(words) >= size else ({" ".join(words).lower()} if words else set())
    assert word_shingles(" ".join(words), size) == expected


def test_a_text_copied_many_times_is_one_group_pointing_at_the_earliest(
    settings, example_texts
) -> None:
    text = example_texts["000_3c4d5f14704a746b.txt"]
    # Ids run against dates, so that pointing at the earliest is not pointing at the first id.
    copies = [make_article(text, f"copy-{9 - n}", day(2006, 2, 1 + n)) for n in range(8)]
    others = [make_article(t, name[:3]) for name, t in example_texts.items() if t != text]
    assert run(settings, *copies, *others) == {f"copy-{9 - n}": "copy-9" for n in range(1, 8)}
