"""Step 5, speakers: the mention that names who spoke, from a cue's subject, an apposition or a
person named recently; names cleaned of titles and possessives."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from storyline.annotate.quotes.context import Context
from storyline.annotate.quotes.cues import (
    ACTOR_LABELS,
    ANTECEDENT_PARAGRAPHS,
    BODY_NOUNS,
    CLIMB_DEPS,
    GROUP_PRONOUNS,
    MODIFIER_DEPS,
    NOT_SPEAKER_LABELS,
    PARTICLE_CUES,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    SILENT_LABELS,
    SPEAKER_NOUNS,
    SUBJECT_DEPS,
    TITLE_NOUNS,
    WORD_RE,
)


def subject_of(context: Context, cue: Any) -> Any | None:
    """The speaker token of a cue, from the parse, checked to lie in the cue's paragraph.

    spaCy's parser ignores paragraph breaks, so a heading without a full stop can become the
    subject of the next paragraph's verb ("... not mediating\n\nKalugin ... said"). Where the
    parse crosses the paragraph, the first actor of the paragraph before the cue stands in.
    """
    paragraph = context.paragraph_of(cue.idx)
    subject = _parsed_subject(cue, context.in_quote)
    if subject is not None and context.paragraph_of(subject.idx) == paragraph:
        return subject
    if cue.sent.start_char < context.paragraphs[paragraph][0] or subject is not None:
        return _leading_actor(context, cue, paragraph)
    return _after_quote_actor(context, cue)


def _after_quote_actor(context: Context, cue: Any) -> Any | None:
    """'"...," Flynn, a top Trump surrogate, said': the parser often hangs the name after a
    closing mark on the quote's last word; the words between the mark and the cue name the
    speaker."""
    before = list(cue.doc[cue.sent.start : cue.i])
    quoted = [t.i for t in before if context.in_quote(t.idx)]
    if not quoted:
        return None  # no quotation before the cue: nothing to lean on
    for token in (t for t in before if t.i > quoted[-1]):
        entity = context.entity_of.get(token.i)
        if entity is not None and entity.label_ in ACTOR_LABELS:
            return entity.root
        if token.lower_ in PERSON_PRONOUNS:
            return token
    return None


def _leading_actor(context: Context, cue: Any, paragraph: int) -> Any | None:
    start = context.paragraphs[paragraph][0]
    for token in context.tokens_in(start, cue.idx):
        entity = context.entity_of.get(token.i)
        is_actor = entity is not None and entity.label_ in ACTOR_LABELS
        if (is_actor or token.lower_ in PERSON_PRONOUNS) and not context.in_quote(token.idx):
            return entity.root if entity is not None else token
    return None


def _parsed_subject(cue: Any, in_quote: Callable[[int], bool]) -> Any | None:
    """The cue's subject, the "by" agent of a passive, or the subject of the clause the cue
    hangs from. A subject inside a quotation is the parser joining the quote's first words to
    the cue ('"My reaction, ..." the strategist said'): the quoted words never speak."""
    if cue.pos_ == "NOUN":
        return _noun_speaker(cue)
    node = cue
    for _ in range(4):
        agent = _agent(node)
        subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS and not in_quote(c.idx)]
        if agent is not None and node.lemma_.lower() != "quote":
            return agent
        if subjects:
            # Two subjects are a misparse, most often a dateline taken for one ("MOSCOW,
            # Russia (Reuters) -- Russia said"): the one nearest the cue speaks.
            subject = min(subjects, key=lambda s: abs(s.i - node.i))
            if subject.lower_ in RELATIVE_PRONOUNS and node.dep_ == "relcl":
                # "McConnell, now the Senate majority leader, who in 2010 said": the relative
                # clause hangs on the title in apposition; the name it describes speaks.
                antecedent = node.head
                if antecedent.dep_ == "appos" and antecedent.head.pos_ == "PROPN":
                    return antecedent.head
                return antecedent
            return subject
        if node.dep_ not in CLIMB_DEPS or node.head is node:
            return None
        node = node.head
    return None


def _noun_speaker(noun: Any) -> Any | None:
    """ "Trump's claim", "his warning", "the statement by the ministry"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _agent(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def cue_range(cue: Any) -> tuple[int, int]:
    end = cue.idx + len(cue)
    particles = PARTICLE_CUES.get(cue.lemma_.lower(), frozenset())
    for child in cue.children:
        if child.lower_ in particles and child.i == cue.i + 1:
            end = child.idx + len(child)
    return (cue.idx, end)


def speaker_of(context: Context, head: Any) -> tuple[tuple[int, int] | None, str | None]:
    """The speaker's span (the entity or noun phrase of ``head``) and the name it stands for;
    ``(None, None)`` when the words cannot be shown as a speaker: a pronoun with no clear
    antecedent ("it", "they", "which"), a nationality or a region ("Israeli", "the Middle
    East"), or a thing that does not speak ("the ad", "a majority"). Precision first: a quote
    shown unattributed costs a reader less than one shown with the wrong speaker."""
    named = _appositive_person(context, head)
    tokens = _speaker_tokens(context, named or head)
    name = _speaker_name(context, named or head, tokens)
    if name is None:
        return None, None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1])), name


def _appositive_person(context: Context, head: Any) -> Any | None:
    """ "the spokesman, Mark Regev, said", "Russia's envoy, Aleksandr Kalugin, said", "the
    Israeli ambassador to the UN, Dan Gillerman" (the parser hangs that name on "UN"): the
    name beats the title."""
    if head.ent_type_ == "PERSON":
        return None
    for token in _noun_phrase(head):
        for child in token.children:
            is_name = child.ent_type_ == "PERSON" or child.pos_ == "PROPN"
            if child.dep_ == "appos" and is_name and child.ent_type_ not in SILENT_LABELS:
                return child
    return None


def _noun_phrase(head: Any) -> list[Any]:
    """The head and the nouns of its prepositional phrases ("ambassador to the UN"), not the
    clauses hung on it."""
    found, todo = [], [head]
    while todo:
        token = todo.pop()
        found.append(token)
        for child in token.children:
            if child.dep_ == "prep":
                todo += [c for c in child.children if c.dep_ == "pobj"]
    return found


def _speaker_tokens(context: Context, head: Any) -> list[Any]:
    if head.i in context.entity_of:
        return _trim_possessive(list(context.entity_of[head.i]))
    if head.i in context.chunk_of:
        return _trim_possessive(list(context.chunk_of[head.i]))
    return [head]


def _trim_possessive(tokens: list[Any]) -> list[Any]:
    while len(tokens) > 1 and (tokens[-1].dep_ == "case" or tokens[-1].is_punct):
        tokens = tokens[:-1]
    return tokens


def _speaker_name(context: Context, head: Any, tokens: list[Any]) -> str | None:
    """The name the speaker stands for, or None when it cannot be shown as one.

    A proper name gives its fullest form in the article ("Putin" → "Vladimir Putin"). A
    pronoun ("he", "she") or a definite title ("the Russian president") gives the person the
    text is about: the latest PERSON that is the subject of a clause in its paragraph or the
    one before, outside quotations (else the latest PERSON there that is not a modifier, as
    "Bush" in "the Bush administration" is). A description of a speaker ("Israeli
    officials", "a State Department spokesman", a title with nobody named before it) is its
    own name.
    """
    entity = context.entity_of.get(head.i)
    if entity is not None and entity.label_ in NOT_SPEAKER_LABELS:
        return None
    if entity is not None and entity.label_ in SILENT_LABELS and not _speaks(context, head):
        return None  # a nationality or a region describes a speaker, never is one
    if entity is not None or head.pos_ == "PROPN":
        # spaCy often labels a surname alone as ORG or GPE ("Meshaal"): the full name wins.
        return _full_name(context, _written(context, tokens))
    if head.lower_ in PERSON_PRONOUNS or _is_definite_title(tokens, head):
        antecedent = person_before(context, tokens[0].idx)
        if antecedent:
            return _full_name(context, antecedent)
        if head.lower_ in PERSON_PRONOUNS:
            return None  # "he" with nobody named before it
    if head.lower_ in GROUP_PRONOUNS:
        return _body_before(context, tokens[0].idx, plural=head.lower_ == "they")
    if head.pos_ == "NOUN" and head.lemma_.lower() in SPEAKER_NOUNS | TITLE_NOUNS:
        return _clean_name(_written(context, tokens))
    return None


def _written(context: Context, tokens: list[Any]) -> str:
    """The words as the article writes them ("Ming-Chi Kuo", "the victim's mother"), not
    the tokens joined by spaces ("Ming - Chi Kuo")."""
    return context.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]


def _is_definite_title(tokens: list[Any], head: Any) -> bool:
    return tokens[0].lower_ == "the" and head.lemma_.lower() in TITLE_NOUNS


def person_before(context: Context, before: int) -> str | None:
    """Who a "he" or "the spokesman" at ``before`` stands for (see :func:`_speaker_name`):
    looked for in its own paragraph, then up to :data:`ANTECEDENT_PARAGRAPHS` before it, the
    nearest paragraph that names someone deciding."""
    paragraph = context.paragraph_of(before)
    for index in range(paragraph, max(paragraph - ANTECEDENT_PARAGRAPHS - 1, -1), -1):
        start, end = context.paragraphs[index]
        found = _person_in(context, start, min(end, before))
        if found is not None:
            return found
    return None


def _person_in(context: Context, start: int, end: int) -> str | None:
    """The person a paragraph's text from ``start`` to ``end`` is about: its latest PERSON
    subject outside quotations, else its latest PERSON that modifies nothing."""
    people = [
        ent
        for ent in context.doc.ents
        if (ent.label_ == "PERSON" or (ent.root.tag_ == "NNP" and _named_person(context, ent.root)))
        and start <= ent.start_char
        and ent.end_char <= end
        and not context.in_quote(ent.start_char)
        and ent.root.dep_ not in MODIFIER_DEPS
    ]
    subjects = [ent for ent in people if _is_subject(ent.root)]
    chosen = subjects[-1] if subjects else (people[-1] if people else None)
    after = chosen.end_char if chosen is not None else start
    # The tagger misses some repeats of a surname it tagged elsewhere ("Mish'al ... dampened
    # hopes"): such a bare proper noun after the chosen person, as a subject, is more recent.
    for token in reversed(context.tokens_in(after, end)):
        if _untagged_surname(context, token) and _is_subject(token):
            return _clean_name(token.text)
    return _clean_name(chosen.text) if chosen is not None else None


def _speaks(context: Context, head: Any) -> bool:
    """A NORP or LOC word that still names who spoke: people ("Republicans", "Palestinians")
    or a person the tagger took for a place ("Mashaal urged" tagged LOC, "Khaled Mashaal"
    PERSON elsewhere in the article)."""
    return head.tag_ in ("NNS", "NNPS") or _named_person(context, head)


def _named_person(context: Context, token: Any) -> bool:
    """A proper noun that is part of a PERSON name elsewhere in the article."""
    return bool(token.pos_ == "PROPN" and token.text in context.person_words)


def _body_before(context: Context, before: int, plural: bool) -> str | None:
    """What an "it" or a "they" that speaks stands for: the one organisation or country (for
    "they", the one group: "Republicans", "the researchers") that is a subject in its
    paragraph or the one before, outside quotations. None when there are two or none: a
    guess between two bodies is not shown."""
    paragraph = context.paragraph_of(before)
    since = context.paragraphs[max(paragraph - 1, 0)][0]
    names = set()
    for token in context.tokens_in(since, before):
        if not _is_subject(token) or context.in_quote(token.idx) or token.pos_ == "PRON":
            continue
        entity = context.entity_of.get(token.i)
        is_plural = token.tag_ in ("NNS", "NNPS")
        if plural != is_plural and not (plural and entity is not None and entity.label_ == "ORG"):
            continue
        if entity is not None and entity.label_ in ("ORG", "GPE", "NORP"):
            names.add(_clean_name(entity.text))
        elif entity is None and token.lemma_.lower() in (SPEAKER_NOUNS if plural else BODY_NOUNS):
            names.add(_clean_name(" ".join(t.text for t in _speaker_tokens(context, token))))
    return names.pop() if len(names) == 1 else None


def _is_subject(token: Any) -> bool:
    """The token heads a clause's subject, or names it in apposition ("the leader, X,")."""
    if token.dep_ == "compound":
        token = token.head
    return token.dep_ in SUBJECT_DEPS or (token.dep_ == "appos" and token.head.dep_ in SUBJECT_DEPS)


def _untagged_surname(context: Context, token: Any) -> bool:
    return (
        _named_person(context, token)
        and token.i not in context.entity_of
        and not context.in_quote(token.idx)
    )


def _full_name(context: Context, name: str) -> str:
    """The fuller PERSON mention of the article that contains every word of ``name``, outside
    quotations: the most frequent such form, then the longest ("Clinton" → "Hillary Clinton",
    written five times, not "Crooked Hillary Clinton" or a headline's "Clinton Hid Past
    Health", each written once)."""
    found = context.full_names.get(name)
    if found is None:
        found = context.full_names[name] = _fullest(context, name)
    return found


def _fullest(context: Context, name: str) -> str:
    words = set(WORD_RE.findall(_clean_name(name)))
    counts = Counter(
        _clean_name(ent.text)
        for ent in context.doc.ents
        if ent.label_ == "PERSON"
        and not context.in_quote(ent.start_char)
        and words < set(WORD_RE.findall(ent.text))
    )
    return max(counts, key=lambda c: (counts[c], len(c.split())), default=_clean_name(name))


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return re.sub(r"(?:'s|’s|')$", "", name).strip()
