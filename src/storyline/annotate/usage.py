"""A named mention's type checked against how the sentence uses the name.

spaCy's small model labels a name by its look and its neighbours, and is often wrong about
names it has not seen: "pass through Erez" gives a PERSON, "the so-called Quartet, a group
of Middle East peace negotiators" a GPE, "the Qatari Amir Sheikh Hamad bin Khalifa Al-Thani"
a PERSON "Amir Sheikh". The dependency parse says how the name is used, and the usage wins
where it is unambiguous:

- titles alone right before a name are no name ("Amir Sheikh" before Hamad bin Khalifa
  Al-Thani);
- a nationality, religion or politics word that modifies a noun ("Palestinian polls",
  "Western aid", "the radical Islamic movement") is an adjective, not a group that acts: it
  takes :data:`ADJECTIVAL`. Heading its own noun phrase ("the Palestinians", "Islamists
  seized Gaza") it stays NORP, a group that can act;
- a person's name never sits where only a place can: the object of a preposition of passage
  or position after its verb ("gone through Erez", "killed near Erez"), or the modifier of a
  place noun ("the Erez crossing"): such a name is a place (LOC);
- a name whose apposition is an organisation noun ("the Quartet, a group of ..."), or that
  modifies "members" or is what someone is a member of, is an organisation (ORG);
- a name right after a title only people take ("Mr.", "President", "Sheikh") is a person;
- a nationality word glued to a name spaCy knows elsewhere in the article as an actor
  ("the Hamas Islamist group", with "Hamas" an ORG elsewhere) is that name.

Each mention is checked on its own; the resolve stage then gives an entity the type most of
its mentions have (:func:`storyline.resolve.names.entity_type`), so the usage across all of a
name's mentions decides.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ADJECTIVAL", "TITLE_WORDS", "checked_mention"]

#: Type of a nationality, religion or politics word used as an adjective ("Palestinian
#: polls"): a word that describes, not an actor. Still a mention (MEANTIME annotates such
#: pre-modifiers as mentions of their place), never a member of a cast.
ADJECTIVAL = "NORP_ADJ"

#: Words that say what a person is, not who: a span made of these alone is no name.
TITLE_WORDS = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady"),
        *("sheikh", "sheik", "shaikh", "amir", "emir", "sultan", "king", "queen", "prince"),
        *("princess", "crown", "president", "vice", "prime", "minister", "premier"),
        *("chancellor", "secretary", "general", "ambassador", "senator", "governor"),
        *("mayor", "envoy", "spokesman", "spokeswoman", "chairman", "ayatollah", "imam"),
        *("rabbi", "pope", "cardinal", "bishop", "reverend", "rev", "gen", "col", "capt"),
        *("lt", "sgt", "judge", "justice", "foreign", "deputy", "his", "her", "majesty"),
        *("highness", "excellency"),
    }
)
_PERSON_LIKE = frozenset({"PERSON", "NORP"})
#: Prepositions whose object after a verb is a place: passage and position. "At", "from",
#: "to" and "into" are left out: people are looked at, heard from and talked to.
_PLACE_PREPOSITIONS = frozenset({"through", "near", "inside", "outside", "across", "via", "in"})
#: Nouns a place's name modifies ("the Erez crossing").
_PLACE_NOUNS = frozenset(
    {
        "crossing", "checkpoint", "border", "airport", "port", "harbour", "harbor",
        "valley", "strip", "province", "district", "region", "village", "town", "city",
        "neighbourhood", "neighborhood", "settlement", "refinery", "peninsula",
    }
)  # fmt: skip
#: Nouns an organisation is designated by in apposition ("the Quartet, a group of ...").
_ORG_NOUNS = frozenset(
    {
        "group", "organisation", "organization", "alliance", "coalition", "bloc",
        "committee", "council", "movement", "agency", "association", "federation",
        "consortium", "company", "firm",
    }
)  # fmt: skip
_MEMBER_NOUNS = frozenset({"member", "members", "membership"})
#: Titles only a person takes right before their name ("Mr. Prince", "President Bush"); not
#: the ones that also start names of things ("King Digital", "General Motors", "Ambassador
#: Bridge").
_PERSON_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "sheikh", "sheik", "amir", "emir", "president", "senator",
        "sen", "minister", "premier", "chancellor", "secretary", "spokesman", "spokeswoman",
    }
)  # fmt: skip
_NOT_PEOPLE = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT"})
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE"})


def checked_mention(ent: Any, actor_names: dict[str, str]) -> tuple[int, int, str] | None:
    """(start char, end char, type) of spaCy's entity ``ent`` as its usage says, or None when
    it is no name at all (a title alone).

    ``actor_names`` maps the text of the article's PERSON, ORG and GPE entities to their
    label (:func:`actor_names`).
    """
    label = ent.label_
    if label in _PERSON_LIKE and _is_title_of_next_name(ent):
        return None
    if label == "NORP":
        return _checked_nationality(ent, actor_names)
    if label == "PERSON" and len(ent) == 1 and _is_place(ent.root):
        return ent.start_char, ent.end_char, "LOC"
    if label in ("PERSON", "GPE", "LOC") and _is_organisation(ent):
        return ent.start_char, ent.end_char, "ORG"
    if label in _NOT_PEOPLE and _after_person_title(ent):
        return ent.start_char, ent.end_char, "PERSON"
    return ent.start_char, ent.end_char, label


def actor_names(parse: Any) -> dict[str, str]:
    """The text of every PERSON, ORG and GPE entity of the parse → its label."""
    return {e.text: e.label_ for e in parse.ents if e.label_ in _ACTOR_LABELS}


def _is_title_of_next_name(ent: Any) -> bool:
    """Titles alone, right before a person's name: "Amir Sheikh" of "the Qatari Amir Sheikh
    Hamad bin Khalifa Al-Thani" (but "Mr. King said" keeps King, a surname)."""
    words = [t.lower_.strip(".") for t in ent if not t.is_punct]
    if not words or not all(w in TITLE_WORDS for w in words):
        return False
    following = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return following is not None and following.ent_type_ == "PERSON"


def _after_person_title(ent: Any) -> bool:
    """A title only people take right before the name ("Mr. Prince said")."""
    before = ent.doc[ent.start - 1] if ent.start else None
    return before is not None and before.lower_.strip(".") in _PERSON_TITLES


def _checked_nationality(ent: Any, actor_names: dict[str, str]) -> tuple[int, int, str]:
    # "the Hamas Islamist group": the name with an adjective glued to it by the model.
    for end in range(len(ent) - 1, 0, -1):
        head = ent[:end]
        if head.text in actor_names:
            return head.start_char, head.end_char, actor_names[head.text]
    root = ent.root
    while root.dep_ == "conj" and root.head.i != root.i:  # "US and European policy"
        root = root.head
    modifies = root.dep_ in ("amod", "compound", "nmod") and root.head.pos_ in ("NOUN", "PROPN")
    if modifies and not (ent.start <= root.head.i < ent.end):
        return ent.start_char, ent.end_char, ADJECTIVAL
    return ent.start_char, ent.end_char, "NORP"


def _is_place(token: Any) -> bool:
    """The object of a preposition of place that follows its verb ("gone through Erez"; a
    fronted "In Sanders, they see" is a figure of speech), or a place noun's modifier."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ in _PLACE_PREPOSITIONS:
        verb = head.head
        return bool(verb.pos_ in ("VERB", "AUX") and verb.i < head.i)
    return token.dep_ == "compound" and head.lower_ in _PLACE_NOUNS


def _is_organisation(ent: Any) -> bool:
    """Designated by an organisation noun in apposition right after it ("the Quartet, a group
    of ..."; one further away may be another name's), or a body with members."""
    token = ent.root
    for child in token.children:
        if child.dep_ == "appos" and child.lower_ in _ORG_NOUNS:
            after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
            if after is not None and after.text == "," and child.left_edge.i == ent.end + 1:
                return True
    head = token.head
    if token.dep_ == "compound" and head.lower_ in _MEMBER_NOUNS:
        return True
    return token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _MEMBER_NOUNS
