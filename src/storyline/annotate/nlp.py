"""Sentences and entity mentions from spaCy's small English pipeline.

Mentions are spaCy's named entities, proper-noun phrases it left unlabelled, and the words a
reader resolves to a named actor without thinking: pronouns ("he", "its") and descriptions
("the company", "the Russian president", "Apple CEO" before "Steve Jobs"). The resolve stage
links the last two to their antecedents.

The pipeline runs once over each article's clean body; its ``Doc`` stays on the document as
``parse`` for later stages of the same batch (quotes need the dependency tree) and is never
stored. Offsets are mapped back to the original text. The headline, where the text states it
outside the body, is parsed on its own for its mentions only: a reader meets the actors there
first, but it is no sentence of the body (MEANTIME through analyze: B-cubed F1 0.614 → 0.650).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from storyline.annotate.usage import actor_names, checked_mention
from storyline.records import Article, BodyView, Document, Mention, Span

#: spaCy labels kept as entity mentions: actors, places and products, not dates or numbers
#: (those are time expressions and figures, handled by their own stages).
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT"})
#: Mention types of words that name no one but point at an actor named nearby ("he", "the
#: company"); the resolve stage links each to its antecedent and never takes a name from them.
#: With them MEANTIME mention recall rose 0.54 → 0.71 and B-cubed F1 0.527 → 0.598.
PRONOUN = "PRON"
DESCRIPTION = "DESC"
#: Label of a proper-noun phrase spaCy's small model gives no entity label ("the Dow Jones
#: Industrial Average", "iPhone 4"): a name all the same (MEANTIME B-cubed F1 0.612 → 0.618).
UNLABELLED = "MISC"
_PEOPLE = frozenset({"PERSON"})
_ORGS = frozenset({"ORG"})
_THINGS = frozenset({"PRODUCT", UNLABELLED})
#: The first person singular: inside a quote it is the speaker, whom the quote stage finds.
FIRST_PERSON = frozenset({"i", "me", "my", "myself", "mine"})
#: Pronouns, with the entity types they can stand for: a third party, or the speaker's side
#: ("we" of a company's spokesman). The first person has no antecedent in the text.
PRONOUN_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(FIRST_PERSON, frozenset()),
    **dict.fromkeys(("he", "him", "his", "himself", "she", "her", "herself"), _PEOPLE),
    **dict.fromkeys(("it", "its", "itself"), _ORGS | _THINGS),
    **dict.fromkeys(("they", "them", "their", "themselves"), _ORGS),
    **dict.fromkeys(("we", "us", "our", "ourselves"), _ORGS),
    **dict.fromkeys(("who", "whom", "whose"), _PEOPLE),
    "which": _ORGS | _THINGS,
}
#: Head nouns of definite descriptions a reader resolves to the actor just named ("the
#: company" → GM, "the Russian president" → Putin), with the entity types they stand for.
#: Heads with no types ("the index") only point at a name that holds them ("Nikkei index"):
#: MEANTIME B-cubed F1 fell when "the index" could be any organisation.
DESCRIPTION_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("company", "firm", "automaker", "carmaker", "manufacturer"), _ORGS),
    **dict.fromkeys(("airline", "carrier", "airframer", "bank", "corporation", "retailer"), _ORGS),
    **dict.fromkeys(("president", "leader", "minister", "premier", "chairman", "envoy"), _PEOPLE),
    **dict.fromkeys(("spokesman", "spokeswoman", "ceo", "executive", "founder"), _PEOPLE),
    **dict.fromkeys(("officer", "director", "chief", "secretary", "analyst"), _PEOPLE),
    **dict.fromkeys(("aircraft", "plane", "airliner", "jet", "device", "phone"), _THINGS),
    **dict.fromkeys(("index", "store", "union", "conference", "group"), frozenset()),
    **dict.fromkeys(("country", "nation"), frozenset({"GPE"})),
}
_DEFINITE = frozenset({"the", "this", "that"})
#: Entity labels a proper-noun phrase may overlap and still be one name ("4" of "iPhone 4").
_NAME_PARTS = frozenset({"CARDINAL"})
_PLACE_LABELS = frozenset({"NORP", "GPE", "LOC"})


class NlpStage:
    """Provides ``parse`` (spaCy Doc of the body), ``sentences`` and ``mentions``."""

    name: ClassVar[str] = "nlp"
    language_bound: ClassVar[bool] = True  # English models or rules
    needs: ClassVar[frozenset[str]] = frozenset({"article"})
    provides: ClassVar[frozenset[str]] = frozenset({"parse", "sentences", "mentions"})

    def __init__(self, nlp: Any = None, batch_size: int = 32) -> None:
        self._nlp = nlp
        self._batch_size = batch_size

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from storyline.annotate.models import spacy_pipeline

            self._nlp = spacy_pipeline()
        return self._nlp

    def __call__(self, documents: list[Document]) -> list[Document]:
        texts = [d.article.body_text for d in documents]
        for document, parse in zip(
            documents, self.nlp.pipe(texts, batch_size=self._batch_size), strict=True
        ):
            document.parse = parse
            document.sentences = sentences_of(document, parse)
            document.mentions = mentions_of(document, parse)
        headed = [(d, span) for d in documents if (span := headline_span(d.article)) is not None]
        headlines = (span.of(d.article.text) for d, span in headed)
        for (document, span), parse in zip(
            headed, self.nlp.pipe(headlines, batch_size=self._batch_size), strict=True
        ):
            view = BodyView.build(document.article.text, (span,))
            body = document.mentions or []
            found = mentions_of(document, parse, view, names_in(body))
            if _title_case(parse.text):  # every word capitalised: a name cannot be told apart
                found = [m for m in found if m.text in document.article.body_text]
            document.mentions = [*found, *body]
        return documents


#: Share of a headline's longer words capitalised above which it is written in title case
#: ("Apple Unveils New Phone"), where capitals no longer mark names.
TITLE_CASE_SHARE = 0.8


def _title_case(headline: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", headline)]
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and capitalised >= TITLE_CASE_SHARE * len(words)


def headline_span(article: Article) -> Span | None:
    """Where the text states the article's title outside its body, if it does.

    A title the body holds is parsed with the body; one that only metadata gives (an HTML
    page's ``<title>``) has no offsets in the text for its mentions to point at.
    """
    title = (article.title or "").strip()
    start = article.text.find(title) if title else -1
    while start >= 0:
        span = Span(start, start + len(title))
        if not any(part.start < span.end and span.start < part.end for part in article.body):
            return span
        start = article.text.find(title, start + 1)
    return None


def sentences_of(document: Document, parse: Any) -> list[Span]:
    view = document.article.body_view
    spans = []
    body = document.article.body_text  # what was parsed: doc.text builds it again
    for sentence in parse.sents:
        # The body's own characters: a Span's text is built anew from its tokens.
        whole = body[sentence.start_char : sentence.end_char]
        text = whole.strip()
        if text:
            start = sentence.start_char + (len(whole) - len(whole.lstrip()))
            spans.append(view.to_source(start, start + len(text)))
    return spans


def mentions_of(
    document: Document,
    parse: Any,
    view: BodyView | None = None,
    names: dict[str, str] | None = None,
) -> list[Mention]:
    """Named mentions (spaCy's entities, typed as their usage says: :mod:`.usage`), then other
    names, pronouns and descriptions, in ``parse`` of ``view`` (by default the body); then the
    names found, and ``names`` (text → label: the body's, for the headline), where they are
    written again unlabelled."""
    view = view or document.article.body_view
    text = document.article.text
    body = parse.text  # built from the tokens on each access: once
    actors = actor_names(parse)
    checked = (checked_mention(e, actors) for e in parse.ents if e.label_ in ENTITY_LABELS)
    found = [mention for mention in checked if mention is not None]
    taken = {i for e in parse.ents if e.label_ not in _NAME_PARTS for i in range(e.start, e.end)}
    chunks = list(parse.noun_chunks)
    others = [
        *_referring(parse, chunks),
        *_unlabelled_names(chunks),
        *_designated_names(parse),
        *_model_numbers(parse, body),
    ]
    for start, end, label, first, last in others:
        if not taken.intersection(range(first, last)):
            found.append((start, end, label))
    found += _repeated_names(body, found, names or {})
    mentions = []
    for start, end, label in sorted(set(found)):
        if body[start:end].strip():
            span = view.to_source(start, end)
            mentions.append(Mention(span=span, text=span.of(text), type=label))
    return mentions


#: start char, end char, type, and the tokens that must lie outside every entity
_Found = tuple[int, int, str, int, int]
#: A model number at the end of a product's name ("787" of "Boeing 787", "A380"): a name of its
#: own when the article writes it alone ("the 787"), not a bare count ("iPhone 4").
_MODEL = re.compile(r"(?=\S*\d)\S{3,}")
_NAME_LIKE = re.compile(r"[A-Z0-9]")


def names_in(mentions: list[Mention]) -> dict[str, str]:
    """The names among ``mentions`` (text → label), to look for elsewhere in the article."""
    return {m.text: m.type for m in mentions if m.type not in (PRONOUN, DESCRIPTION)}


def _repeated_names(
    body: str, found: list[tuple[int, int, str]], names: dict[str, str]
) -> list[tuple[int, int, str]]:
    """Where a name the article gives is written again and spaCy left it unlabelled ("A380
    operations", "GM shares", "the 787" after "Boeing 787"): one name keeps its label through
    an article, as its writer meant it (MEANTIME through analyze: B-cubed F1 0.660 → 0.666).

    Matched as written (case and all), as whole words, never inside another mention.
    """
    named = {body[s:e]: label for s, e, label in found if label not in (PRONOUN, DESCRIPTION)}
    named = {**names, **named}
    for text, label in list(named.items()):
        words = text.split()
        if label in _THINGS and len(words) > 1 and _MODEL.fullmatch(words[-1]):
            named.setdefault(words[-1], label)
    spans = [(s, e) for s, e, _ in found]
    extra: list[tuple[int, int, str]] = []
    for text, label in sorted(named.items(), key=lambda item: (-len(item[0]), item[0])):
        if not _NAME_LIKE.search(text):
            continue
        for start, end in _whole_words(body, text):
            if not any(s < end and start < e for s, e in spans):
                extra.append((start, end, label))
                spans.append((start, end))
    return extra


def _whole_words(text: str, words: str) -> Iterator[tuple[int, int]]:
    r"""Where ``words`` stand in ``text`` as whole words, left to right, never overlapping:
    what ``re.finditer(r"(?<!\w)words(?!\w)")`` finds, without a pattern compiled for each
    name of each article (compiling them was a tenth of the NLP stage's own time)."""
    start = text.find(words)
    while start >= 0:
        end = start + len(words)
        if not _is_word_char(text, start - 1) and not _is_word_char(text, end):
            yield start, end
            start = text.find(words, end)
        else:
            start = text.find(words, start + 1)


def _is_word_char(text: str, i: int) -> bool:
    r"""Whether ``text[i]`` exists and is what ``\w`` matches (letters, digits, underscore)."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _referring(parse: Any, chunks: list[Any]) -> list[_Found]:
    """Pronouns and definite descriptions that may point at an actor.

    A description may hold a name ("the US manufacturer"), but its head noun is no name.
    """
    found = [
        (t.idx, t.idx + len(t), PRONOUN, t.i, t.i + 1)
        for t in parse
        if t.pos_ == "PRON" and t.lower_ in PRONOUN_TYPES
    ]
    for chunk in chunks:
        # The phrase's head, or its possessor ("the firm's plan", "the company's move"): the
        # writer points at the actor either way (MEANTIME through analyze: mention recall
        # 0.787 → 0.796, B-cubed F1 0.6697 → 0.6730).
        possessors = [t for t in chunk if t.dep_ == "poss" and t.left_edge.i == chunk.start]
        for root in (chunk.root, *possessors):
            definite = chunk[0].lower_ in _DEFINITE and root.tag_ in ("NN", "NNP")
            if definite and root.lower_ in DESCRIPTION_TYPES:
                start = _after_places(parse, chunk.start, root.i)
                end = root.idx + len(root)
                found.append((parse[start].idx, end, DESCRIPTION, root.i, root.i + 1))
    return found


def _after_places(parse: Any, start: int, end: int) -> int:
    """Where a description starts once the nationalities and places in it are left out.

    "The Russian president" is described from "president" on, so that "Russian" overlaps no
    mention of Putin and still finds its own entity first (``Corpus.entity_at``).
    """
    places = [t.i for t in parse[start:end] if t.ent_type_ in _PLACE_LABELS]
    return max(places, default=start - 1) + 1


def _designated_names(parse: Any) -> list[_Found]:
    """A name with the role words before it ("Apple CEO Steve Jobs"), or a product with its
    maker ("Airbus A380"), as a description of that name: the role alone ("Apple CEO") is the
    person, and "Airbus A380" the plane, not the company it names.
    """
    found = []
    for ent in parse.ents:
        first = _after_places(parse, ent.root.left_edge.i, ent.start)
        before = parse[first : ent.start]
        role = any(t.pos_ in ("NOUN", "PROPN") and not t.ent_type_ for t in before)
        if ent.label_ in ("PERSON", "ORG") and role:
            found.append((before.start_char, ent.end_char, DESCRIPTION, 0, 0))
        elif ent.label_ == "PRODUCT" and ent.start and parse[ent.start - 1].ent_type_ == "ORG":
            maker = next(e for e in parse.ents if e.end == ent.start)
            found.append((maker.start_char, ent.end_char, DESCRIPTION, 0, 0))
    return found


#: Roles of a noun phrase's head: a number in one is what the phrase names ("shrink the 787"),
#: not a count of something ("the 500 workers": a modifier).
_HEAD_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj"})


def _model_numbers(parse: Any, text: str) -> list[_Found]:
    """A model number written as a noun phrase of its own ("the 787", "The mid-sized 787")
    where the article also writes it as a name: by a capitalised word ("Boeing 787", "787
    Dreamliner"), in the plural ("787s") or with a variant ("787-9"). spaCy labels it a
    count (CARDINAL); a count is never "the 787" and a name elsewhere. MEANTIME through
    analyze: mention recall 0.786 → 0.790, B-cubed F1 0.6744 → 0.6758. ``text`` is the
    parsed text.
    """
    found = []
    for ent in parse.ents:
        token = ent.root
        if ent.label_ != "CARDINAL" or len(ent) != 1 or not _MODEL.fullmatch(token.text):
            continue
        if not token.text.isalnum() or token.dep_ not in _HEAD_ROLES:
            continue
        if not any(child.lower_ in _DEFINITE for child in token.lefts):
            continue
        number = re.escape(token.text)
        named = rf"(?<![\w.,]){number}(?:s\b|-\w|\s+[A-Z])|[A-Z]\w*\s+{number}(?![\w.,])"
        if re.search(named, text):
            found.append((token.idx, token.idx + len(token), UNLABELLED, token.i, token.i + 1))
    return found


def _unlabelled_names(chunks: list[Any]) -> list[_Found]:
    """Noun phrases headed by a proper noun that spaCy left without an entity label."""
    found = []
    for chunk in chunks:
        root = chunk.root
        wordlike = any(c.isalpha() for c in root.text)
        name = root.pos_ == "PROPN" and wordlike and not root.ent_type_
        if name and root.lower_ not in DESCRIPTION_TYPES:
            found.append((chunk.start_char, chunk.end_char, UNLABELLED, chunk.start, chunk.end))
    return found
