"""The quote stage on the seed articles (real spaCy) and on small synthetic cases."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_article
from storyline.annotate.nlp import NlpStage
from storyline.annotate.quotes import QuoteStage
from storyline.records import Document, Quote
from storyline.stage import check_chain

SEED_000 = "000_3c4d5f14704a746b.txt"


@cache
def _nlp_stage() -> NlpStage:
    return NlpStage()


def quotes_in(text: str) -> list[Quote]:
    documents = QuoteStage()(_nlp_stage()([Document(make_article(text))]))
    assert documents[0].quotes is not None
    return documents[0].quotes


def find(quotes: list[Quote], text: str, snippet: str) -> Quote:
    matches = [q for q in quotes if snippet in q.content.of(text)]
    assert matches, f"no quote contains {snippet!r}"
    return matches[0]


@pytest.fixture(scope="module")
def seed_000(example_texts: dict[str, str]) -> tuple[str, list[Quote]]:
    text = example_texts[SEED_000]
    return text, quotes_in(text)


def test_stage_contract() -> None:
    assert QuoteStage.name == "quotes"
    assert check_chain([NlpStage(), QuoteStage()]) >= {"quotes", "parse", "mentions"}


def test_direct_quote_with_pronoun_speaker(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    quote = find(quotes, text, "We have never called Hamas a terrorist organisation")
    assert quote.direct
    assert quote.content.of(text) == "We have never called Hamas a terrorist organisation"
    assert quote.speaker is not None and quote.speaker.of(text) == "he"
    assert quote.cue is not None and quote.cue.of(text) == "said"
    assert quote.speaker_name is not None and "Putin" in quote.speaker_name


def test_attribution_before_colon(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    quote = find(quotes, text, "If we receive an official invitation to visit Russia")
    assert quote.direct
    assert quote.speaker is not None and quote.speaker.of(text) == "Ismail Haniya"


def test_reported_speech(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    quote = find(quotes, text, "Russia would ask Hamas")
    assert not quote.direct
    assert quote.speaker is not None and quote.speaker.of(text) == "Alexander Kalugin"
    assert quote.cue is not None and quote.cue.of(text) == "said"
    denied = find(quotes, text, "mediating between his group and Washington")
    assert denied.speaker_name == "Khaled Mashaal"


def test_partial_quote_keeps_its_clause(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    quote = find(quotes, text, "recognises Israel's right to exist, renounces terror")
    assert quote.direct
    assert "Israel would not negotiate with Hamas" in quote.content.of(text)
    assert quote.speaker is not None and quote.speaker.of(text) == "Mark Regev"


def test_multi_paragraph_quote_and_bare_continuation(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    opened = find(quotes, text, "It has to be recognised that Hamas came to power")
    assert "we must also seek steps" in opened.content.of(text)
    assert opened.speaker_name == "Vladimir Putin"
    bare = find(quotes, text, "We are deeply convinced that burning bridges")
    assert bare.direct and bare.speaker_name == "Vladimir Putin"


def test_called_on_cue_keeps_particle(seed_000: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_000
    quote = find(quotes, text, "to renounce violence and disarm its fighters")
    assert quote.cue is not None and quote.cue.of(text) == "called on"


def test_pull_quote_does_not_inherit_a_speaker(seed_000: tuple[str, list[Quote]]) -> None:
    # The article repeats Putin's words as a pull quote after a paragraph quoting Mashaal.
    text, quotes = seed_000
    pulls = [q for q in quotes if q.content.of(text).endswith("terrorist organisation")]
    assert all(q.speaker_name != "Khaled Mashaal" for q in pulls)


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    text = (
        'The group, labelled "terrorist" by Washington, watched "Gone With the Wind" again.\n\n'
        'Critics called the plan a "bridge to nowhere" in May.'
    )
    contents = [q.content.of(text) for q in quotes_in(text)]
    assert not any(c == "terrorist" or "Gone With the Wind" in c for c in contents)


def test_broken_quote_is_one_quote() -> None:
    text = '"We will not give in," the minister said, "whatever the cost to us may be."'
    quotes = [q for q in quotes_in(text) if q.direct]
    assert len(quotes) == 1
    assert quotes[0].content.of(text).startswith("We will not give in")
    assert quotes[0].content.of(text).endswith("whatever the cost to us may be.")


def test_stray_mark_does_not_swallow_paragraphs() -> None:
    text = (
        'The senator said "we are ready to move on with this\n\n'
        "Later the committee met for three hours behind closed doors.\n\n"
        "Officials declined to comment on the meeting or its outcome."
    )
    for quote in quotes_in(text):
        assert "\n\n" not in quote.content.of(text)


def test_curly_quotes_and_according_to() -> None:
    text = "According to the mayor, “the bridge will reopen next week after the repairs.”"
    quote = next(q for q in quotes_in(text) if q.direct)
    assert quote.content.of(text) == "the bridge will reopen next week after the repairs."
    assert quote.speaker is not None and quote.speaker.of(text) == "the mayor"


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_offsets_inside_the_text(example_texts: dict[str, str], name: str) -> None:
    text = next(t for n, t in example_texts.items() if n.startswith(name))
    quotes = quotes_in(text)
    assert quotes
    for quote in quotes:
        for span in (quote.content, quote.cue, quote.speaker):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert span.of(text).strip() == span.of(text)


def test_deterministic(example_texts: dict[str, str]) -> None:
    text = example_texts[SEED_000]
    assert quotes_in(text) == quotes_in(text)


_PIECES = st.sampled_from(
    ['"', "“", "”", "„", "«", "»", " ", "\n", "\n\n", "said", "he", ",", ".", ":", "Putin", "x"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30))
def test_never_crashes_on_random_quote_marks(pieces: list[str]) -> None:
    text = " ".join(pieces)
    if not text.strip():
        return
    for quote in quotes_in(text):
        assert 0 <= quote.content.start <= quote.content.end <= len(text)
        for span in (quote.cue, quote.speaker):
            assert span is None or span.end <= len(text)
