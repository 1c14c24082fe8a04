"""Names a reader knows for one actor though they are written differently: an organisation's
bare name and its qualified form, an acronym the text defines, a name cut to its first word,
a name in the headline or repeated where the model missed it; and the pairs that must stay
apart."""

from __future__ import annotations

import re

import pytest

from conftest import entity_of, make_article, span_of
from storyline.annotate.nlp import NlpStage, headline_span
from storyline.group.stories import body_mentions
from storyline.records import Article, Corpus, Document, Span
from storyline.resolve.entities import ResolveStage
from storyline.resolve.merging import same_place
from storyline.settings import default_settings


def resolved(documents: list[Document]) -> Corpus:
    NlpStage()(documents)
    for document in documents:
        document.quotes = []
    return ResolveStage(default_settings().resolve)(Corpus(documents=documents))


def corpus_of(texts: dict[str, str]) -> Corpus:
    return resolved([Document(make_article(text, name)) for name, text in texts.items()])


@pytest.fixture(scope="module")
def seeds(example_texts: dict[str, str]) -> Corpus:
    return corpus_of({name.split("_")[0]: text for name, text in example_texts.items()})


def test_a_bare_ministry_is_the_one_its_country_qualifies(seeds: Corpus) -> None:
    """ "Israel's foreign ministry" (seed 003) is the Israeli Foreign Ministry of seed 000, and
    neither is the Russian Foreign Ministry of seeds 001 and 002."""
    israeli = entity_of(seeds, "000", "Israeli Foreign Ministry")
    russian = entity_of(seeds, "001", "Russian Foreign Ministry")
    assert entity_of(seeds, "003", "foreign ministry") == israeli
    assert entity_of(seeds, "002", "Russian Foreign Ministry") == russian
    assert israeli != russian


@pytest.fixture(scope="module")
def companies() -> Corpus:
    return corpus_of(
        {
            "m1": "The Russian Foreign Ministry said on Tuesday that talks would resume. "
            "The Foreign Ministry also said a delegation would travel to Cairo.",
            "m2": "A spokesman for the Foreign Ministry declined to comment on the report.",
            "m3": "The Israeli Foreign Ministry summoned the ambassador on Monday.",
            "a1": "Singapore Airlines (SIA) will take delivery of its first superjumbo in "
            "October, the airline said.",
            "a2": "SIA said the aircraft would fly between Singapore and Sydney.",
            "a3": "The Civil Aviation Authority (CAA) approved the new routes on Friday.",
            "p1": "Apple Corps, the Beatles' record label, sued the computer maker again. "
            "Lawyers for Apple said the logo had been used on music players.",
            "p2": "Apple said on Wednesday that sales of its laptops had doubled.",
        }
    )


def test_the_bare_name_joins_the_one_qualified_form_its_article_names(companies: Corpus) -> None:
    russian = entity_of(companies, "m1", "Russian Foreign Ministry")
    assert entity_of(companies, "m1", "Foreign Ministry", 1) == russian


def test_a_bare_name_without_a_qualified_form_in_its_article_joins_none(
    companies: Corpus,
) -> None:
    """Every country has a foreign ministry: one named alone is none of another article's."""
    bare = entity_of(companies, "m2", "Foreign Ministry")
    assert bare != entity_of(companies, "m1", "Russian Foreign Ministry")
    assert bare != entity_of(companies, "m3", "Israeli Foreign Ministry")


def test_an_acronym_the_text_defines_is_its_name_everywhere(companies: Corpus) -> None:
    airline = entity_of(companies, "a1", "Singapore Airlines")
    assert entity_of(companies, "a1", "SIA") == airline
    assert entity_of(companies, "a2", "SIA") == airline
    assert entity_of(companies, "a3", "CAA") != airline


def test_a_first_word_also_used_alone_stays_itself(companies: Corpus) -> None:
    """ "Apple" is also written where no Apple Corps is named: it is not Apple Corps."""
    corps = entity_of(companies, "p1", "Apple Corps")
    assert entity_of(companies, "p2", "Apple") != corps


def test_a_country_and_its_people_are_one_place() -> None:
    assert same_place("israel", "israeli") and same_place("russian", "russia")
    assert same_place("germany", "german") and same_place("china", "chinese")
    assert not same_place("israel", "russian") and not same_place("austria", "australian")


def headlined(text: str, article_id: str) -> Document:
    """An article whose first line is its headline, kept out of the body as cleaning does."""
    title = text.split("\n", 1)[0]
    body = tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))[1:]
    return Document(Article(id=article_id, source=article_id, text=text, body=body, title=title))


def test_names_in_the_headline_are_mentions_of_their_entities() -> None:
    text = (
        "Northrop Grumman and EADS defeat Boeing for tanker contract\n"
        "The United States Air Force chose a tanker built by Northrop Grumman and EADS over "
        "one offered by Boeing. Boeing said it was disappointed."
    )
    corpus = resolved([headlined(text, "h1")])
    document = corpus.document("h1")
    assert headline_span(document.article) == Span(0, text.index("\n"))
    boeing = entity_of(corpus, "h1", "Boeing")
    assert boeing == entity_of(corpus, "h1", "Boeing", 1)
    assert entity_of(corpus, "h1", "Northrop Grumman") == entity_of(
        corpus, "h1", "Northrop Grumman", 1
    )
    # Grouping compares the body's names only: the headline repeats the lead's.
    headline = headline_span(document.article)
    assert headline is not None
    assert all(m.span.start >= headline.end for m in body_mentions(document))
    assert any(m.span.end <= headline.end for m in document.mentions or [])


def test_a_title_case_headline_keeps_only_names_the_body_gives() -> None:
    text = (
        "Airbus Unveils Giant Superjumbo Before Cheering Crowds\n"
        "Airbus showed its new double-decker airliner to 5,000 guests in Toulouse on Tuesday."
    )
    corpus = resolved([headlined(text, "h2")])
    in_headline = [m.text for m in corpus.document("h2").mentions or [] if m.span.end < 55]
    assert in_headline == ["Airbus"]


def test_a_name_written_again_unlabelled_is_still_a_mention() -> None:
    """ "A380 operations" and "the 787" after "Boeing 787": the model left them unlabelled."""
    text = (
        "Qantas ordered the Airbus A380 and the Boeing 787 in 2005.\n\n"
        "Qantas plans to begin A380 operations in April. The airline said the 787 would "
        "replace its older jets. Sales of the iPhone 4 rose."
    )
    corpus = corpus_of({"r1": text})
    found = {m.text for m in corpus.document("r1").mentions or []}
    assert {"A380", "787"} <= found
    assert "4" not in found  # a bare count is no model name
    assert entity_of(corpus, "r1", "787", 1) == entity_of(corpus, "r1", "Boeing 787")


def test_a_name_inside_a_longer_mention_finds_its_own_entity() -> None:
    text = "Apple CEO Steve Jobs spoke in San Francisco. Apple shares rose after he spoke."
    corpus = corpus_of({"j1": text})
    apple = entity_of(corpus, "j1", "Apple", 1)
    assert corpus.entity_at("j1", span_of(text, "Apple")) == apple
    assert entity_of(corpus, "j1", "Steve Jobs") != apple
