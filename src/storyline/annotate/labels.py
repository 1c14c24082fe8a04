"""How an article designates the actors it names: "the radical Palestinian movement Hamas",
"Alexander Kalugin, Russia's special envoy for the Middle East,".

:func:`labels_in_article` reads one article (its text, its mentions and, while the NLP
stage's parse is still on the document, the parse) and gives each entity the phrases the
article designates it with. The outlet comparison (:mod:`storyline.report.compare`) sets one
outlet's labels beside another's: how outlets designate actors is where they differ most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from storyline.annotate.usage import ADJECTIVAL
from storyline.records import Corpus, Document, Entity, Ref, Span

__all__ = ["LABELLED_TYPES", "distinct", "labels_in_article", "normalise_space"]


def normalise_space(text: str) -> str:
    """``text`` on one line: every run of white space one space."""
    return " ".join(text.split())


# How an outlet designates an actor ("the radical Palestinian movement Hamas", "Alexander
# Kalugin, Russia's special envoy for the Middle East,") is where outlets differ most.
# Candidates, each validated by `_is_label` (a role word, no verb of speech, not a list item):
#   - the mention itself when the resolver attached a description ("the Russian president");
#   - with the spaCy Doc still on the document (same batch as the NLP stage): the `appos`
#     dependency in both directions, kept only when comma-adjacent, and the pre-modifying
#     noun phrase ("Hamas political leader Khaled Meshaal") when the parse confirms the word
#     before the name is a noun and the name is not itself a modifier;
#   - without it (stored documents: the parse is transient): a text pattern for an apposition
#     between commas right after the mention, and the same pre-modifier pattern, guarded by a
#     list of nouns a name can modify ("a senior Hamas official").
_DETERMINERS = frozenset({"the", "a", "an"})
_TITLES = frozenset(
    {
        "president", "minister", "secretary", "general", "chancellor", "king", "queen",
        "sheikh", "amir", "emir", "prince", "spokesman", "spokeswoman", "ambassador",
        "envoy", "leader", "chairman", "director", "senator", "governor", "mayor", "premier",
    }
)  # fmt: skip
#: Words that make a phrase a clause, not a designation: verbs of speech, auxiliaries,
#: relative words and pronouns.
_CLAUSE_WORDS = frozenset(
    {
        "said", "says", "say", "told", "tells", "asked", "added", "according", "that", "is",
        "was", "are", "were", "has", "have", "had", "met", "who", "which", "whom", "whose",
        "where", "it", "he", "she", "they", "we", "i", "you", "not", "would", "will", "also",
        "urged", "called", "invited", "endorsed", "visiting", "meeting", "includes", "include",
    }
)  # fmt: skip
#: Where a pre-modifier stops, walking left from the name: clause words, prepositions and
#: conjunctions ("leaders of | the radical Palestinian movement Hamas").
_BOUNDARY = _CLAUSE_WORDS | {
    "with", "by", "from", "to", "of", "for", "and", "or", "but", "as", "in", "on", "at",
    "after", "before", "while", "when", "against", "between", "than", "if", "during", "about",
    "into",
}  # fmt: skip
_FUNCTION_WORDS = _DETERMINERS | {"of", "for", "and", "in", "on", "at", "to", "its", "his", "her"}
#: Nouns a name can modify ("Hamas official"): then the words before belong to that noun.
_ROLE_NOUNS = frozenset(
    {
        "official", "officials", "group", "movement", "government", "delegation", "member",
        "members", "militants", "fighters", "forces", "leader", "leaders", "spokesman",
    }
)  # fmt: skip
_WORD = re.compile(r"[\w'’.-]+")
_APPOSITION_AFTER = re.compile(r",\s+([^,;:()\"“”\n]{3,90}?),")
_MAX_LABEL_WORDS = 10


#: Entity types an outlet designates with labels: actors. A nationality ("Palestinian") or a
#: place of passage has no designation of its own: the words before it belong to a noun.
LABELLED_TYPES = frozenset({"PERSON", "ORG", "GPE"})


def labels_in_article(corpus: Corpus, document: Document) -> dict[str, list[str]]:
    """Entity id → the phrases this article designates it with, in order of appearance."""
    from storyline.annotate.nlp import PRONOUN

    # A pronoun designates nothing: the words around "he" are the sentence, not a label.
    pronouns = {m.span for m in document.mentions or [] if m.type == PRONOUN}
    mentions = corpus.mentions_in(document.article.id)
    people = {e.id: _names_of(e) for _, e in mentions if e.type == "PERSON"}
    found: dict[str, list[tuple[int, str]]] = {}
    for ref, entity in mentions:
        span = Span(ref.start, ref.end)
        if span in pronouns or entity.type not in LABELLED_TYPES:
            continue
        text = document.article.text
        phrases = [*_labels_at(document, span), *_group_of_name(text, span)]
        for phrase in (normalise_space(p) for p in phrases):
            if _is_label(phrase, entity) and not _names_someone_else(phrase, entity, people):
                found.setdefault(entity.id, []).append((ref.start, phrase))
    for position, phrase, entity in _group_descriptions(document, mentions, pronouns):
        found.setdefault(entity.id, []).append((position, phrase))
    return {
        entity: distinct(phrase for _, phrase in sorted(phrases))
        for entity, phrases in found.items()
    }


def distinct(phrases: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for phrase in phrases:
        if phrase.casefold() not in {p.casefold() for p in seen}:
            seen.append(phrase)
    return seen


def _names_someone_else(phrase: str, entity: Entity, people: dict[str, set[str]]) -> bool:
    """ "Israeli Foreign Minister Tzipi Livni" is Livni's designation, not a place's."""
    lower = phrase.lower()
    return any(
        other != entity.id and any(len(n.split()) > 1 and n in lower for n in names)
        for other, names in people.items()
    )


#: Head nouns of an organisation's designations: "the militant group", "the radical Islamic
#: movement", "the Hamas Islamist group".
_GROUP_HEADS = r"(?:group|movement|organi[sz]ation|faction|militia)"
#: A description with one to three modifiers before its head ("the militant group's" too);
#: a name inside it is that name's, so spans holding a mention are left out.
_GROUP_DESCRIPTION = re.compile(
    rf"\b[Tt]he (?:[A-Za-z][\w-]* ){{1,3}}{_GROUP_HEADS}\b(?!-\w|['’](?!s\b))"
)
_GROUP_AFTER_NAME = re.compile(rf"(?: [A-Za-z][\w-]*){{0,2}} {_GROUP_HEADS}\b(?!-\w|['’](?!s\b))")
_DETERMINER_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?) $")


def _group_of_name(text: str, span: Span) -> list[str]:
    """ "the Hamas Islamist group": a determiner, the name, and an organisation noun after it.

    The name modifies the noun here, and the noun phrase designates the name's organisation.
    """
    before = _DETERMINER_BEFORE.search(text, max(0, span.start - 4), span.start)
    after = _GROUP_AFTER_NAME.match(text, span.end)
    if before is None or after is None:
        return []
    return [text[before.start() : after.end()]]


def _group_descriptions(
    document: Document, mentions: Sequence[tuple[Ref, Entity]], pronouns: set[Span]
) -> Iterator[tuple[int, str, Entity]]:
    """ "the resistance group", "the Hamas Islamist group": organisation descriptions, each
    given to the organisation it names, else to the one the article has named most often
    before it (ties: the latest named). The outlet and the agencies it credits are no actors.

    The resolver leaves "the group" unresolved on purpose (any organisation can be one, and
    linking it cost MEANTIME B-cubed); a designation that an outlet chooses for the story's
    main actor is what the comparison needs, and that actor is the one the article names most.
    """
    article = document.article
    own = {n.lower() for n in (article.outlet, *article.agencies) if n}
    named = [
        (r, e)
        for r, e in mentions
        if e.type == "ORG" and Span(r.start, r.end) not in pronouns and e.name.lower() not in own
    ]
    by_name = {n.lower(): e for _, e in named for n in (e.name, *e.aliases)}
    # A name inside is that name's label (see _group_of_name); a nationality is a modifier.
    taken = [Span(r.start, r.end) for r, e in mentions if e.type not in ("NORP", ADJECTIVAL)]
    for part in article.body:
        for m in _GROUP_DESCRIPTION.finditer(article.text, part.start, part.end):
            words = m.group().split()[1:-1]
            if any(s.start < m.end() and m.start() < s.end for s in taken) or any(
                w.lower() in _BOUNDARY or w.lower() in _POSSESSIVE_DETERMINERS for w in words
            ):
                continue
            inside = next((by_name[w.lower()] for w in words if w.lower() in by_name), None)
            entity = inside or _most_named_before(named, m.start())
            phrase = normalise_space(m.group())
            if entity is not None and _is_label(phrase, entity):
                yield m.start(), phrase, entity


_POSSESSIVE_DETERMINERS = frozenset(
    {"this", "that", "these", "those", "its", "their", "his", "her"}
)


def _most_named_before(named: Sequence[tuple[Ref, Entity]], position: int) -> Entity | None:
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    entities: dict[str, Entity] = {}
    for ref, entity in named:
        if ref.end <= position:
            counts[entity.id] = counts.get(entity.id, 0) + 1
            latest[entity.id] = ref.start
            entities[entity.id] = entity
    if not counts:
        return None
    best = max(counts, key=lambda e: (counts[e], latest[e]))
    return entities[best]


def _labels_at(document: Document, span: Span) -> list[str]:
    """Candidate designations around one mention: from the parse if present, else patterns."""
    text = document.article.text
    own = span.of(text).split()
    labels = [" ".join(own)] if own and own[0].lower() in _DETERMINERS else []
    mention = _parsed_mention(document, span)
    if mention is not None:
        return (
            labels
            + _parse_appositions(text, span, mention)
            + _parse_premodifier(text, span, mention)
        )
    after = _APPOSITION_AFTER.match(text, span.end)
    before = None if _modifies_next_word(text, span) else _premodifier(text, span)
    return labels + [p for p in (after.group(1) if after else None, before) if p]


def _premodifier(text: str, span: Span) -> str | None:
    """The noun phrase ending right before a name: "the radical Palestinian movement"."""
    line = text[max(0, span.start - 120) : span.start].split("\n")[-1]
    tail = re.search(r"((?:[\w'’.-]+ )+)$", line)
    if not tail:
        return None
    words = tail.group(1).split()
    if not _is_head(words[-1]):
        return None
    kept: list[str] = []
    for word in reversed(words[-_MAX_LABEL_WORDS:]):
        if word.lower() in _BOUNDARY:
            break
        kept.insert(0, word)
        if word.lower() in _DETERMINERS or _is_possessive(word):
            break
    return " ".join(kept) if kept else None


def _modifies_next_word(text: str, span: Span) -> bool:
    """The name is itself a modifier ("a senior Hamas official"): what precedes is not its label."""
    following = re.match(r"\s?([a-z]+)", text[span.end : span.end + 40])
    if following is None:
        return False
    return following.group(1) in _ROLE_NOUNS or _is_title(following.group(1))


def _is_head(word: str) -> bool:
    """A role noun a designation can end on: a lowercase noun-looking word or a title."""
    if _is_title(word):
        return True
    lower = word.lower()
    looks_like_noun = not lower.endswith(("ing", "ed", "ly"))
    return word.isalpha() and word.islower() and lower not in _BOUNDARY and looks_like_noun


def _is_title(word: str) -> bool:
    lower = word.lower()
    return lower in _TITLES or lower.removesuffix("s") in _TITLES


def _is_possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "'", "’"))


def _is_label(phrase: str, entity: Entity) -> bool:
    """A designation, not a list item, clause or the name itself.

    It must hold a role word (a lowercase content word or a title): "the United States" in
    "Russia, the United States, the EU" is another actor, not a label of Russia.
    """
    words = _WORD.findall(phrase)
    bare = re.sub(r"^(?:the|a|an) ", "", phrase.lower())
    if not words or len(words) > _MAX_LABEL_WORDS or bare in _names_of(entity):
        return False
    if any(w.lower() in _CLAUSE_WORDS for w in words):
        return False
    first = words[0]
    if not (first.lower() in _DETERMINERS or first[0].isupper() or _is_possessive(first)):
        return False
    return any(
        _is_title(w) or (w.isalpha() and w.islower() and w not in _FUNCTION_WORDS) for w in words
    )


def _names_of(entity: Entity) -> set[str]:
    return {entity.name.lower(), *(a.lower() for a in entity.aliases)}


def _parsed_mention(document: Document, span: Span) -> Any:
    """The spaCy span of a mention, or None when there is no parse or it is not in the body."""
    doc: Any = document.parse
    body = document.article.body_view.from_source(span.start, span.end) if doc else None
    if body is None:
        return None
    mention = doc.char_span(body[0], body[1], alignment_mode="expand")
    return mention if mention is not None and len(mention) else None


def _parse_appositions(text: str, span: Span, mention: Any) -> list[str]:
    """ "Name, <appos>," and "<head>, Name": spaCy's `appos`, kept only when comma-adjacent.

    The adjacency check guards against the parser linking a name to a noun in a heading or
    another sentence (it parses across paragraph breaks).
    """
    doc = mention.doc
    labels = []
    for token in mention:
        for child in token.children:
            if child.dep_ == "appos" and child.i >= mention.end:
                phrase = doc[child.left_edge.i : child.right_edge.i + 1].text.strip(" ,")
                if _comma_between(doc.text, mention.end_char, child.left_edge.idx):
                    labels.append(phrase)
    root = mention.root
    if root.dep_ == "appos" and root.head.i < mention.start:
        head = root.head
        if _comma_between(doc.text, head.idx + len(head.text), mention.start_char):
            labels.append(doc[head.left_edge.i : head.i + 1].text)
    return labels


def _comma_between(text: str, start: int, end: int) -> bool:
    return re.fullmatch(r"\s*,\s*", text[start:end]) is not None


def _parse_premodifier(text: str, span: Span, mention: Any) -> list[str]:
    """The text pattern, confirmed by the parse: the word before is a noun and the name is
    not itself modifying a noun ("The quartet includes Russia", "a senior Hamas official")."""
    doc = mention.doc
    before = doc[mention.start - 1] if mention.start > 0 else None
    if before is None or before.pos_ not in {"NOUN", "PROPN"} or mention.root.dep_ == "compound":
        return []
    phrase = _premodifier(text, span)
    return [phrase] if phrase else []
