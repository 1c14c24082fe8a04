"""Resolution of the mentions a reader resolves without thinking, and its cost.

Pronouns and descriptions ("he", "the company", "Apple CEO") join the actor they point at;
shortened and owned names ("Apple Computer", "U.S. Air Force") join the name they stand for;
candidate names come from blocks, so name comparisons do not grow with all pairs of names.
"""

from __future__ import annotations

import random
import string

import pytest

from storyline.records import Corpus, Entity, Quote, Ref
from storyline.resolve import merging
from storyline.resolve.entities import MentionItem, cluster_mentions, tokens_match
from storyline.resolve.merging import word_blocks
from test_resolve import annotated, entity_of, resolve, span_of


@pytest.fixture(scope="module")
def references() -> Corpus:
    return resolve(
        annotated(
            {
                "r1": "General Motors said on Monday that it would close four plants. "
                "Fritz Henderson, the chief executive officer, said he was confident that "
                "the company would recover.",
                "r2": "China Eastern Airlines ordered twenty Airbus jets on Friday. "
                "The airline said the order would be paid in cash.",
                "r3": "Apple CEO Steve Jobs unveiled the new phone in San Francisco. "
                "Apple Computer said the phone would ship in June, and Apple expects to "
                "sell millions.",
                "r4": "The U.S. Air Force awarded the tanker contract to Northrop Grumman. "
                "Boeing said the Air Force had changed the rules, and lawmakers in the U.S. "
                "agreed.",
            }
        )
    )


def _text(corpus: Corpus, article_id: str) -> str:
    return corpus.document(article_id).article.text


def at(corpus: Corpus, article_id: str, snippet: str, occurrence: int = 0) -> Entity | None:
    return corpus.entity_at(article_id, span_of(_text(corpus, article_id), snippet, occurrence))


def test_pronouns_join_the_nearest_actor_of_their_kind(references: Corpus) -> None:
    gm = entity_of(references, "r1", "General Motors")
    henderson = entity_of(references, "r1", "Fritz Henderson")
    assert at(references, "r1", "it would") == gm  # "it" passes over no person: none before
    assert at(references, "r1", "he was") == henderson  # "he" passes over GM
    assert at(references, "r1", "the chief executive officer") == henderson
    assert at(references, "r1", "the company") == gm  # passes over Henderson, a person


def test_a_description_prefers_the_name_that_holds_its_head(references: Corpus) -> None:
    airline = entity_of(references, "r2", "China Eastern Airlines")
    assert at(references, "r2", "The airline") == airline  # not Airbus, named nearer


def test_a_role_before_a_name_is_that_person(references: Corpus) -> None:
    jobs = entity_of(references, "r3", "Steve Jobs")
    assert at(references, "r3", "Apple CEO") == jobs
    assert jobs.name == "Steve Jobs"


def test_company_words_and_owners_do_not_make_another_actor(references: Corpus) -> None:
    apple = entity_of(references, "r3", "Apple Computer")
    assert entity_of(references, "r3", "Apple expects") == apple
    air_force = entity_of(references, "r4", "Air Force had")
    assert entity_of(references, "r4", "U.S. Air Force") == air_force


def test_pronouns_and_descriptions_never_name_an_entity(references: Corpus) -> None:
    words = {"it", "he", "the company", "the airline", "the chief executive officer"}
    for entity in references.entities or []:
        assert not {entity.name.lower(), *(a.lower() for a in entity.aliases)} & words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mashaal", "mishal"),
        ("mashaal", "meshaal"),
        ("khaled", "khalid"),
        ("alexander", "aleksandr"),
    ],
)
def test_spellings_of_one_name_share_a_block(a: str, b: str) -> None:
    assert tokens_match(a, b, 88)
    assert word_blocks(a) & word_blocks(b)


def _people(count: int, seed: int) -> list[MentionItem]:
    """``count`` people with random names (none alike), one article each."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        first = "".join(rng.choices(string.ascii_lowercase, k=6))
        last = "".join(rng.choices(string.ascii_lowercase, k=7))
        ref = Ref(f"a{n:05d}", 0, 14)
        items.append(MentionItem(ref, f"{first} {last}".title(), f"{first} {last}", "PERSON"))
    return items


def test_name_comparisons_grow_linearly_with_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    compare = merging.person_names_match

    def counted(a: str, b: str, similarity: float) -> bool:
        nonlocal calls
        calls += 1
        return compare(a, b, similarity)

    monkeypatch.setattr(merging, "person_names_match", counted)
    people = _people(3000, seed=1)
    cluster_mentions(people, 88)
    # Comparing every name with every other would take 4.5 million comparisons.
    assert 0 < calls < len(people)


def test_the_first_person_in_a_quote_is_its_speaker() -> None:
    text = 'Steve Jobs unveiled the phone. "I think my customers will love it," Jobs said.'
    (document,) = annotated({"q1": text})
    content = span_of(text, "I think my customers will love it,")
    speaker = span_of(text, "Jobs", occurrence=1)
    document.quotes = [Quote(content, None, speaker, "Steve Jobs", True)]
    corpus = resolve([document])
    jobs = entity_of(corpus, "q1", "Steve Jobs")
    assert at(corpus, "q1", "I think") == jobs
    assert at(corpus, "q1", "my customers") == jobs
    assert corpus.entity_at("q1", span_of(text, "it,")) != jobs  # not the first person


def test_the_first_person_outside_quotes_is_no_one() -> None:
    corpus = resolve(annotated({"q2": "Steve Jobs said that I would come."}))
    assert at(corpus, "q2", "I would") is None


@pytest.fixture(scope="module")
def pointed() -> Corpus:
    return resolve(
        annotated(
            {
                "p1": "General Motors will close fourteen plants this year. Rick Wagoner, its "
                "chief executive, said the firm's plan would save the carmaker billions.",
                "p2": "Among the losers on Wall Street were Citigroup, which fell 13.8% to "
                "US$2.51 a share. The new trading software, which goes live in June, was "
                "praised by brokers.",
                "p3": "Boeing delivered its first 787 Dreamliner to All Nippon Airways on "
                "Monday, three years after the plane was first due and after a long series "
                "of delays in production. Engineers at the plant in Everett said they were "
                "proud of their work.",
                "p4": "Northrop Grumman said they would protest the decision.",
                "p6": "Ford Motor Company posted a profit on Tuesday. General Motors said that "
                "the company would close fourteen plants.",
                "p7": "American automobile manufacturer Chrysler LLC has said that it wants to "
                "eliminate 789 of its 3,200 dealers. Chrysler filed for bankruptcy last week.",
                "p8": "Fiat Group will run the company, the Italian carmaker said. The "
                "American auto company Chrysler filed for bankruptcy on Thursday.",
                "p5": "Boeing rolled out the first 787 Dreamliner on Monday. Airlines said "
                "the 787 would cut fuel costs, and the 500 workers at the plant cheered.",
            }
        )
    )


def test_a_description_that_owns_something_is_the_actor(pointed: Corpus) -> None:
    gm = entity_of(pointed, "p1", "General Motors")
    assert at(pointed, "p1", "the firm") == gm  # "the firm's plan"


def test_a_relative_pronoun_stands_only_for_the_phrase_it_follows(pointed: Corpus) -> None:
    citigroup = entity_of(pointed, "p2", "Citigroup")
    assert at(pointed, "p2", "which") == citigroup
    assert at(pointed, "p2", "which", occurrence=1) is None  # the software is no company


def test_they_stands_only_for_a_name_close_by(pointed: Corpus) -> None:
    assert at(pointed, "p3", "they") is None  # the engineers, not the airline named far back
    assert at(pointed, "p3", "their") is None
    northrop = entity_of(pointed, "p4", "Northrop Grumman")
    assert at(pointed, "p4", "they") == northrop


def test_a_model_number_the_article_names_is_a_name(pointed: Corpus) -> None:
    model = at(pointed, "p5", "787", occurrence=1)
    assert model is not None and model == at(pointed, "p5", "787 Dreamliner")
    assert at(pointed, "p5", "500") is None  # a count of workers


def test_the_company_is_the_nearest_not_one_called_company(pointed: Corpus) -> None:
    gm = entity_of(pointed, "p6", "General Motors")
    assert at(pointed, "p6", "the company") == gm  # not Ford Motor Company


def test_a_legal_form_alone_is_no_actor(pointed: Corpus) -> None:
    chrysler = entity_of(pointed, "p7", "Chrysler filed")
    assert at(pointed, "p7", "it wants") == chrysler
    assert at(pointed, "p7", "its") == chrysler
    assert not any(e.name == "LLC" for e in pointed.entities or [])


def test_a_description_before_a_name_of_its_kind_is_that_name(pointed: Corpus) -> None:
    chrysler = entity_of(pointed, "p8", "Chrysler")
    assert at(pointed, "p8", "auto company") == chrysler  # not Fiat, named before it
