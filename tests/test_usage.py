"""A name's type as its sentence uses it (storyline.annotate.usage), on sentences from news."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.annotate.usage import ADJECTIVAL, actor_names, checked_mention


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.annotate.models import spacy_pipeline

    return spacy_pipeline()


def checked(nlp: Any, sentence: str) -> dict[str, str | None]:
    """Each spaCy entity's text → the type its usage gives (None: no name)."""
    parse = nlp(sentence)
    actors = actor_names(parse)
    found: dict[str, str | None] = {}
    for ent in parse.ents:
        mention = checked_mention(ent, actors)
        found[ent.text] = None if mention is None else mention[2]
        if mention is not None and sentence[mention[0] : mention[1]] != ent.text:
            found[sentence[mention[0] : mention[1]]] = mention[2]
    return found


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("Virtually all the workers pass through Erez.", "Erez", "LOC"),
        ("About half of the workers had gone through Erez by 4am.", "Erez", "LOC"),
        (
            "Kalugin said the meeting would be in line with agreements reached by the so-called "
            "Quartet, a group of Middle East peace negotiators.",
            "Quartet",
            "ORG",
        ),
        ("Hamas defeated Fatah in Palestinian polls on 25 January.", "Palestinian", ADJECTIVAL),
        (
            "Russia kept its contacts with Hamas, even though Western powers shunned the "
            "militant group because of its refusal to recognize Israel.",
            "Western",
            ADJECTIVAL,
        ),
        (
            "Israeli soldiers killed two armed Palestinians who attacked the crossing.",
            "Palestinians",
            "NORP",
        ),
    ],
)
def test_usage_decides_the_type(nlp: Any, sentence: str, name: str, expected: str) -> None:
    assert checked(nlp, sentence).get(name) == expected, checked(nlp, sentence)


def test_a_title_before_a_name_is_no_name(nlp: Any) -> None:
    sentence = "After his meeting with the Qatari Amir Sheikh Hamad bin Khalifa Al-Thani, he spoke."
    found = checked(nlp, sentence)
    assert found.get("Hamad bin Khalifa Al-Thani") == "PERSON"
    assert "Amir Sheikh" not in found or found["Amir Sheikh"] is None


def test_a_surname_that_is_a_title_stays(nlp: Any) -> None:
    found = checked(nlp, '"We will see," Mr. King said on Tuesday.')
    assert found.get("King") == "PERSON"


def test_a_distant_apposition_is_another_names(nlp: Any) -> None:
    # The company is the Eurasia Group, not the analyst quoted.
    found = checked(
        nlp,
        "'There is a growing perception,' said Mujtaba Rahman of the Eurasia Group, a political "
        "risk and consulting company.",
    )
    assert found.get("Mujtaba Rahman") == "PERSON"


def test_a_name_after_a_persons_title_is_a_person(nlp: Any) -> None:
    parse = nlp("Shares rose. Mr MacFarlane said that the bank would not need more capital.")
    (ent,) = (e for e in parse.ents if e.text == "MacFarlane")
    mention = checked_mention(ent, actor_names(parse))
    assert mention is not None and mention[2] == "PERSON", ent.label_
