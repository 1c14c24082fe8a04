"""A resolved corpus over the seed articles, for the present and export tests.

Articles are annotated by the real NLP and embedding stages. What later stages would provide
(time expressions, quotes, entities, stories, threads, quote groups) is built by hand here
from real spans of the seed texts found with ``str.index``/``re``, so these tests do not
depend on those stages and every offset is checked against the text.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np

from conftest import EXAMPLE_DIR, annotate, make_article
from storyline.records import (
    Corpus,
    Document,
    Entity,
    Precision,
    PubDate,
    Quote,
    QuoteGroup,
    Ref,
    Span,
    Story,
    Thread,
    ThreadLink,
    TimeRef,
    TimexType,
)

FEB_9 = dt.date(2006, 2, 9)

#: file prefix → (article id, outlet, published, title)
SEEDS: dict[str, tuple[str, str, PubDate, str]] = {
    "000": ("aj", "Al Jazeera", PubDate(FEB_9, Precision.DAY, "input"), "Putin to invite Hamas"),
    "001": (
        "rfe",
        "RFE/RL",
        PubDate(dt.date(2006, 3, 3), Precision.DAY, "input"),
        "Russia: Hamas Retains Hard Line During Moscow Visit",
    ),
    "002": (
        "iht",
        "International Herald Tribune",
        PubDate(FEB_9, Precision.DAY, "story", inferred=True),
        "Putin considering inviting Hamas to Moscow",
    ),
    "003": ("meo", "Middle East Online", PubDate(FEB_9, Precision.DAY, "input"), "Hamas accepts"),
    "004": (
        "reu",
        "Reuters",
        PubDate(dt.date(2007, 7, 1), Precision.MONTH, "copyright line"),
        "Russia downgrades ties with Hamas",
    ),
}

#: article id → [(exact text, occurrence, TimeML value)]
TIMEX: dict[str, list[tuple[str, int, str]]] = {
    "aj": [("25 January", 0, "2006-01-25"), ("On Thursday", 0, "2006-02-09")],
    "iht": [("on Thursday", 0, "2006-02-09"), ("Jan. 25", 0, "2006-01-25")],
    "meo": [("last month", 0, "2006-01"), ("on Thursday", 0, "2006-02-09")],
    "rfe": [("March 3, 2006", 0, "2006-03-03"), ("in January", 0, "2006-01")],
    "reu": [("on Tuesday", 0, "2007-07-03")],
}

HANIYA_QUOTE = "If we receive an official invitation to visit Russia, we will visit Russia."
#: article id → [(quote content, cue, speaker text)]
QUOTES: dict[str, list[tuple[str, str, str]]] = {
    "aj": [(HANIYA_QUOTE, "said", "Ismail Haniya")],
    "iht": [(HANIYA_QUOTE[:-1], "said", "Ismail Haniya")],
    "meo": [("If we are sent an invitation, we will accept it", "told", "Meshaal")],
}

#: entity key → (type, canonical name, spellings found in the texts)
ENTITIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "putin": ("PERSON", "Vladimir Putin", ("Vladimir Putin", "Putin")),
    "kalugin": ("PERSON", "Alexander Kalugin", ("Alexander Kalugin", "Aleksandr Kalugin")),
    "mashaal": (
        "PERSON",
        "Khaled Mashaal",
        ("Khaled Mashaal", "Khaled Meshaal", "Khalid Mish'al", "Mashaal", "Meshaal", "Mish'al"),
    ),
    "haniya": ("PERSON", "Ismail Haniya", ("Ismail Haniya",)),
    "hamas": ("ORG", "Hamas", ("Hamas",)),
    "russia": ("GPE", "Russia", ("Russia",)),
    "israel": ("GPE", "Israel", ("Israel",)),
    "madrid": ("GPE", "Madrid", ("Madrid",)),
}


def seed_document(prefix: str) -> Document:
    path = next(EXAMPLE_DIR.glob(f"{prefix}_*.txt"))
    article_id, outlet, published, title = SEEDS[prefix]
    article = make_article(path.read_text("utf-8"), article_id, published, title, outlet)
    return Document(article)


def span_of(text: str, needle: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle))


def hand_timex(document: Document) -> list[TimeRef]:
    text = document.article.text
    refs = []
    for needle, occurrence, value in TIMEX.get(document.article.id, []):
        span = span_of(text, needle, occurrence)
        refs.append(TimeRef(span, needle, TimexType.DATE, value))
    return refs


def hand_quotes(document: Document) -> list[Quote]:
    text = document.article.text
    quotes = []
    for content, cue, speaker in QUOTES.get(document.article.id, []):
        content_span = span_of(text, content)
        cue_span = span_of(text, cue, 0) if cue in text else None
        speaker_span = span_of(text, speaker)
        quotes.append(Quote(content_span, cue_span, speaker_span, speaker, True))
    return quotes


def hand_entities(documents: list[Document]) -> list[Entity]:
    entities = []
    for key, (kind, name, spellings) in ENTITIES.items():
        refs: list[Ref] = []
        for document in documents:
            refs += _occurrences(document, spellings)
        found = tuple(sorted({r.article for r in refs}))
        aliases = tuple(s for s in spellings if any(s in corpus_text(d) for d in documents))
        if found:
            entities.append(Entity(f"e-{key}", name, kind, aliases, tuple(sorted(refs))))
    return entities


def corpus_text(document: Document) -> str:
    return document.article.text


def _occurrences(document: Document, spellings: tuple[str, ...]) -> list[Ref]:
    """Every non-overlapping occurrence of any spelling, longest spelling first."""
    text = document.article.text
    taken: list[Span] = []
    for spelling in sorted(spellings, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", text):
            span = Span(match.start(), match.end())
            if not any(s.start < span.end and span.start < s.end for s in taken):
                taken.append(span)
    return [Ref(document.article.id, s.start, s.end) for s in sorted(taken)]


def hand_groups(documents: list[Document]) -> list[QuoteGroup]:
    refs = tuple(
        Ref(d.article.id, q.content.start, q.content.end)
        for d in documents
        for q in d.quotes or []
        if q.speaker_name == "Ismail Haniya"
    )
    return [QuoteGroup("g-haniya-visit", "e-haniya", "Ismail Haniya", refs)]


def hand_stories() -> tuple[list[Story], list[Thread]]:
    invitation = Story(
        "s-invite", ("aj", "iht", "meo", "meo-copy"), "Putin invites Hamas to Moscow",
        "Putin says he will invite the leaders of Hamas to Moscow.", FEB_9, FEB_9,
    )  # fmt: skip
    visit = Story(
        "s-visit", ("rfe",), "Hamas delegation in Moscow", "", dt.date(2006, 3, 3),
        dt.date(2006, 3, 3),
    )  # fmt: skip
    downgrade = Story("s-down", ("reu",), "Russia downgrades ties", "", dt.date(2007, 7, 1), None)
    links = (ThreadLink("s-invite", "s-visit", "same actors, later"),)
    thread = Thread(
        "t-russia-hamas", ("s-invite", "s-visit"), "Russia and Hamas",
        "2 stories from 2006-02-09 to 2006-03-03", links,
    )  # fmt: skip
    return [invitation, visit, downgrade], [thread]


@cache
def seed_corpus() -> Corpus:
    """The five seeds plus a copy of 003 from a mirror site, annotated and resolved by hand."""
    documents = [seed_document(p) for p in sorted(SEEDS)]
    mirror = seed_document("003").article
    copy = make_article(mirror.text, "meo-copy", mirror.published, mirror.title, "Mirror Site")
    documents.append(Document(copy))
    annotate(documents)
    for document in documents:
        document.timex = hand_timex(document)
        document.quotes = hand_quotes(document)
    stories, threads = hand_stories()
    return Corpus(
        documents=documents,
        duplicate_of={"meo-copy": "meo"},
        stories=stories,
        threads=threads,
        entities=hand_entities(documents),
        quote_groups=hand_groups(documents),
    )


class BagOfWordsEmbedder:
    """A fast deterministic stand-in for MiniLM: hashed word counts, L2-normalised."""

    dimensions = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
        norms = np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out / norms


def simple_document(
    article_id: str, text: str, outlet: str | None, title: str | None, day: int = 9
) -> Document:
    """A document with sentences split by pattern (no models), published in Feb 2006."""
    published = PubDate(dt.date(2006, 2, day), Precision.DAY, "input")
    document = Document(make_article(text, article_id, published, title, outlet))
    document.sentences = [Span(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]", text)]
    document.sentences = [
        Span(s.start + (len(s.of(text)) - len(s.of(text).lstrip())), s.end)
        for s in document.sentences
    ]
    document.mentions = []
    document.quotes = []
    document.timex = []
    return document


def one_story_corpus(
    documents: list[Document], title: str = "A story", description: str = ""
) -> Corpus:
    ids = tuple(d.article.id for d in documents)
    story = Story("s-1", ids, title, description, dt.date(2006, 2, 9), dt.date(2006, 2, 9))
    return Corpus(documents=documents, stories=[story], threads=[], entities=[], quote_groups=[])
