"""The bundled example's casts are its actors: no outlet, agency or adjective; types as the
articles use the names; a title is no name; the article page marks names, not pronouns; an
entity's page lists what it said, dated and in order.

Checked on what ``storyline.analyze`` stores for the five seed articles.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import seed_document
from storyline.annotate.nlp import PRONOUN
from storyline.annotate.usage import ADJECTIVAL
from storyline.records import Corpus, Entity, Span
from storyline.report.story import build_report
from storyline.settings import default_settings

pytestmark = pytest.mark.slow

#: Outlets and agencies the seed articles name: who reports, not who acts.
OUTLETS = ("Reuters", "AFP", "RFE/RL", "Aljazeera", "Al Jazeera", "RL")
#: Nationality and religion words the seeds use as adjectives ("Palestinian polls").
ADJECTIVES = ("Palestinian", "Western", "Islamic", "Israeli", "Russian", "European", "Qatari")
PLACE_TYPES = ("GPE", "LOC", "FAC")


@pytest.fixture(scope="module")
def corpus(analyzed_example: Corpus) -> Corpus:
    return analyzed_example


@pytest.fixture(scope="module")
def casts(corpus: Corpus) -> dict[str, list[tuple[str, str]]]:
    """Story title → its cast as (name, type)."""
    summary = default_settings().summary
    return {
        story.title: [(m.name, m.type) for m in build_report(corpus, story, summary).cast]
        for story in corpus.stories or []
    }


def entity_named(corpus: Corpus, number: str, name: str, nth: int = 0) -> Entity:
    """The entity of the ``nth`` mention of ``name`` in seed ``number`` that has one."""
    document = seed_document(corpus, number)
    text, article_id = document.article.text, document.article.id
    found = []
    for match in re.finditer(re.escape(name), text):
        entity = corpus.entity_at(article_id, Span(match.start(), match.end()))
        if entity is not None:
            found.append(entity)
    assert len(found) > nth, f"no entity for mention {nth} of {name!r} in {number}"
    return found[nth]


def test_no_outlet_agency_or_adjective_in_a_cast(casts: dict[str, list[tuple[str, str]]]) -> None:
    assert len(casts) == 3
    for title, cast in casts.items():
        names = {name for name, _ in cast}
        assert names.isdisjoint(OUTLETS), (title, names & set(OUTLETS))
        assert names.isdisjoint(ADJECTIVES), (title, names & set(ADJECTIVES))
        assert all(kind != ADJECTIVAL for _, kind in cast)
    invitation = dict(casts["Putin to invite Hamas to Moscow"])
    # The actors stay: people, organisations, countries; a group heading its own phrase
    # ("two armed Palestinians who attacked the Erez crossing") is one.
    assert invitation["Vladimir Putin"] == "PERSON" and invitation["Hamas"] == "ORG"
    assert invitation["Russia"] == "GPE" and invitation["Palestinians"] == "NORP"


def test_an_adjective_is_not_an_actor_but_still_a_mention(corpus: Corpus) -> None:
    # "in Palestinian polls": a word describing the polls, kept as a mention (MEANTIME
    # counts such words), typed apart from a group that acts.
    assert entity_named(corpus, "000", "Palestinian polls").type == ADJECTIVAL
    assert entity_named(corpus, "004", "Western powers").type == ADJECTIVAL
    assert entity_named(corpus, "002", "Palestinians who attacked").type == "NORP"


def test_erez_is_a_place(corpus: Corpus, casts: dict[str, list[tuple[str, str]]]) -> None:
    # "attacked the Erez crossing", "pass through Erez", "gone through Erez by 4am"
    erez = entity_named(corpus, "002", "Erez")
    assert erez.type in PLACE_TYPES
    assert entity_named(corpus, "002", "Erez", nth=2) == erez
    assert ("Erez", "PERSON") not in casts["Putin to invite Hamas to Moscow"]


def test_aljazeera_is_the_outlet_not_a_person(
    corpus: Corpus, casts: dict[str, list[tuple[str, str]]]
) -> None:
    # "Zahar told Aljazeera": the outlet that published the article.
    assert seed_document(corpus, "000").article.outlet == "Al Jazeera"
    aljazeera = entity_named(corpus, "000", "Aljazeera")
    assert aljazeera.type == "ORG"
    assert all("Aljazeera" not in name for cast in casts.values() for name, _ in cast)


def test_the_quartet_is_an_organisation(corpus: Corpus) -> None:
    # "the so-called Quartet, a group of Middle East peace negotiators"
    assert entity_named(corpus, "000", "Quartet").type == "ORG"


def test_a_title_is_not_a_name(corpus: Corpus, casts: dict[str, list[tuple[str, str]]]) -> None:
    # "After his meeting with the Qatari Amir Sheikh Hamad bin Khalifa Al-Thani"
    emir = entity_named(corpus, "000", "Hamad bin Khalifa Al-Thani")
    assert emir.type == "PERSON" and emir.name == "Hamad bin Khalifa Al-Thani"
    names = [e.name for e in corpus.entities or []]
    assert not any(n in ("Amir Sheikh", "Amir", "Sheikh") for n in names)
    invitation = {name for name, _ in casts["Putin to invite Hamas to Moscow"]}
    assert "Hamad bin Khalifa Al-Thani" in invitation and "Amir Sheikh" not in invitation


def test_a_name_glued_to_an_adjective_is_the_name(corpus: Corpus) -> None:
    # "downgraded its ties with the Hamas Islamist group": Hamas, not a NORP "Hamas Islamist".
    assert entity_named(corpus, "004", "Hamas Islamist") == entity_named(corpus, "004", "Hamas")
    assert not any(e.name == "Hamas Islamist" for e in corpus.entities or [])


# --------------------------------------------------------------------------- web pages


@pytest.fixture(scope="module")
def client(analyzed_example_db: Path) -> object:
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app

    return TestClient(create_app(analyzed_example_db))


def marks(page: str) -> list[tuple[str, str, str]]:
    """(classes, title, text) of every mark of an article page, unescaped."""
    found = re.findall(r'<mark class="([^"]*)" title="([^"]*)">([^<]*)</mark>', page)
    return [(kinds, html.unescape(title), html.unescape(text)) for kinds, title, text in found]


def test_the_article_page_marks_names_not_pronouns(corpus: Corpus, client: object) -> None:
    document = seed_document(corpus, "002")
    page = client.get(f"/articles/{document.article.id}").text  # type: ignore[attr-defined]
    found = marks(page)
    entities = [text.strip() for kinds, _, text in found if "entity" in kinds.split()]
    assert "Vladimir Putin" in entities and "Madrid" in entities
    pronouns = {m.text.lower() for m in document.mentions or [] if m.type == PRONOUN}
    assert {"he", "which", "who"} <= pronouns  # the article has them, resolved or not
    assert not pronouns & {e.lower() for e in entities}
    # A resolved pronoun says whom it stands for on hover, and only there.
    hover = [(title, text) for kinds, title, text in found if "refers" in kinds.split()]
    assert ("refers to Vladimir Putin", "He") in [(t.split("; ")[0], x) for t, x in hover]


def test_the_article_panel_lists_actors_only(corpus: Corpus, client: object) -> None:
    # "In this article" is the article's cast: the outlet that signs it ("Aljazeera +
    # Agencies") and the nationality words it uses as adjectives are not in it.
    document = seed_document(corpus, "000")
    page = client.get(f"/articles/{document.article.id}").text  # type: ignore[attr-defined]
    panel = page.split("<h2>In this article</h2>", 1)[1].split("<h2>", 1)[0]
    names = {html.unescape(n).strip() for n in re.findall(r'class="pill"[^>]*>([^<]+)<', panel)}
    assert {"Vladimir Putin", "Hamas", "Russia"} <= names
    assert names.isdisjoint(OUTLETS), names & set(OUTLETS)
    assert names.isdisjoint(ADJECTIVES), names & set(ADJECTIVES)


def test_the_putin_page_lists_his_quotes_dated_in_order(corpus: Corpus, client: object) -> None:
    putin = entity_named(corpus, "000", "Vladimir Putin")
    page = client.get(f"/entities/{putin.id}").text  # type: ignore[attr-defined]
    quotes = page.split("<h2>Quotes", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li><span class="meta">([^<]+)</span> (.*?) <span class="cite">', quotes)
    said = [html.unescape(words) for _, words in items]
    assert any(w.startswith("We have never called Hamas a terrorist organisation") for w in said)
    assert any(w.startswith("I want to assure you") for w in said)
    # Only his: every rendering listed is a quote whose speaker is Putin.
    names = {putin.name, *putin.aliases}
    for document in corpus.documents:
        for quote in document.quotes or []:
            words = " ".join(quote.words(document.article.text).split())
            if any(w and w in words for w in said):
                assert quote.speaker_name in names or (
                    quote.speaker is not None
                    and corpus.entity_at(document.article.id, quote.speaker) == putin
                ), (quote.speaker_name, words)
    assert "Kalugin" not in quotes and "There cannot be any dialogue without it" not in quotes
    # Dated, oldest first: the 2006 invitation before the 2007 downgrade.
    dates = [date for date, _ in items]
    assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d) for d in dates), dates
    assert dates == sorted(dates) and dates[0].startswith("2006") and dates[-1] == "2007"
    first_2007 = dates.index("2007")
    assert all(w.startswith(("I want to assure", "I am sure")) for w in said[first_2007:])
