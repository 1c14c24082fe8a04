"""Stories: articles about one event, grouped one article at a time.

Articles are taken in a fixed order (publication date, then id; undated last), and each one
joins the most similar story built so far when the evidence is strong enough, else starts a
new story. The evidence is the cosine of the article's embedding to the story centroid, the
named actors and places they share (two earthquakes are alike in words but differ in places
and people), the utterances they both quote (the quote groups: outlets reporting one event
render the same statements), and the publication dates (one event is reported within days).
Copies found by the dedup stage join their original's story. A story's id is the hash of its
first article in that order, so adding later articles never renames an existing story.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from typing import ClassVar

import numpy as np

from storyline.dedup import chronological_key
from storyline.ids import content_id
from storyline.records import Corpus, Document, Mention, Precision, PubDate, Story
from storyline.settings import StorySettings

#: Mention types that identify an event's cast and place; nationalities (NORP) and the like
#: are shared by too many unrelated events.
CAST_TYPES = frozenset({"PERSON", "ORG", "GPE"})
TITLE_CHARS = 100
DESCRIPTION_CHARS = 200
#: A lead sentence has at least this many words; shorter "sentences" are page chrome.
LEAD_MIN_WORDS = 6
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_LEADING_ARTICLE = re.compile(r"^the\s+")


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days a publication date may stand for (a month-precise date covers the month)."""

    first: dt.date
    last: dt.date

    def days_to(self, other: DateRange) -> int:
        """Days between the closest ends of two ranges; 0 when they overlap."""
        return max(0, (other.first - self.last).days, (self.first - other.last).days)

    def cover(self, other: DateRange) -> DateRange:
        return DateRange(min(self.first, other.first), max(self.last, other.last))

    @classmethod
    def of(cls, published: PubDate) -> DateRange:
        """The days a date stands for: one day, a whole month, or a whole year."""
        day = published.date
        if published.precision is Precision.YEAR:
            return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
        if published.precision is Precision.MONTH:
            last = calendar.monthrange(day.year, day.month)[1]
            return cls(day.replace(day=1), day.replace(day=last))
        return cls(day, day)


@dataclass(frozen=True, slots=True)
class Profile:
    """What story building knows about one article."""

    article_id: str
    vector: np.ndarray
    cast: frozenset[str]
    published: PubDate | None
    quote_groups: frozenset[str]  # the groups (utterances) this article quotes

    @property
    def dates(self) -> DateRange | None:
        return date_range(self.published)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an article may belong to a story."""

    cosine: float
    shared: int
    overlap: float  # mean Jaccard of the article's cast with each member's cast
    quoted: float  # share of the story's articles that quote an utterance the article quotes
    days_apart: int | None

    def score(self, settings: StorySettings) -> float:
        # Additive, so a shared quote can tip a close call but never stands in for content:
        # the same statement is often repeated as background in later stories (joins() still
        # applies the date bound and the cosine floor).
        return (
            self.cosine
            + settings.entity_weight * self.overlap
            + settings.quote_weight * self.quoted
        )


@dataclass
class _Building:
    """A story while articles are still being added (internal, mutable)."""

    members: list[Profile]
    vector_sum: np.ndarray
    cast: Counter[str] = field(default_factory=Counter)

    @property
    def dates(self) -> DateRange | None:
        """The days the story's most precisely dated articles cover.

        A month-precise report ("February 2006") is compatible with the story when it
        overlaps it, but must not stretch the story to the whole month.
        """
        kept = most_precise(m.published for m in self.members)
        ranges = [DateRange.of(p) for p in kept]
        return reduce(DateRange.cover, ranges) if ranges else None

    @classmethod
    def start(cls, profile: Profile) -> _Building:
        story = cls(members=[], vector_sum=np.zeros_like(profile.vector, dtype=np.float64))
        story.add(profile)
        return story

    def add(self, profile: Profile) -> None:
        self.members.append(profile)
        self.vector_sum += profile.vector
        self.cast.update(profile.cast)

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum


def date_range(published: PubDate | None) -> DateRange | None:
    return None if published is None else DateRange.of(published)


def most_precise(published: Iterable[PubDate | None]) -> list[PubDate]:
    """The dates known most precisely: day-precise ones if any, else month-, else year-."""
    dated = [p for p in published if p is not None]
    finest = max((p.precision.fineness for p in dated), default=None)
    return [p for p in dated if p.precision.fineness == finest]


def entity_key(mention: Mention) -> str | None:
    """A normalised name for a cast mention: ASCII, lowercase, people by surname.

    Surnames make "Vladimir Putin" and "Putin" one actor; real resolution comes later (the
    resolve stage), this only has to be good enough to compare articles.
    """
    from anyascii import anyascii

    if mention.type not in CAST_TYPES:
        return None
    text = _LEADING_ARTICLE.sub("", anyascii(mention.text).lower())
    words = _WORD.findall(re.sub(r"'s\b", "", text))
    if not words:
        return None
    return words[-1] if mention.type == "PERSON" else " ".join(words)


def cast_of(mentions: Iterable[Mention]) -> frozenset[str]:
    return frozenset(key for key in map(entity_key, mentions) if key is not None)


def quote_groups_by_article(corpus: Corpus) -> dict[str, frozenset[str]]:
    """The ids of the quote groups each article has a quote in (groups spanning articles only)."""
    found: dict[str, set[str]] = {}
    for group in corpus.quote_groups or []:
        articles = {ref.article for ref in group.quotes}
        if len(articles) > 1:
            for article_id in articles:
                found.setdefault(article_id, set()).add(group.id)
    return {article_id: frozenset(ids) for article_id, ids in found.items()}


def profile_of(document: Document, quote_groups: frozenset[str] = frozenset()) -> Profile:
    if document.embedding is None or document.mentions is None:
        from storyline.errors import PipelineError

        raise PipelineError(f"article {document.article.id} has no embedding or mentions")
    published = document.article.published
    return Profile(
        article_id=document.article.id,
        vector=np.asarray(document.embedding, dtype=np.float64),
        cast=cast_of(document.mentions),
        published=published,
        quote_groups=quote_groups,
    )


def evidence(profile: Profile, story: _Building) -> Evidence:
    """Average linkage: mean cosine, cast Jaccard and shared quotes over the story's articles."""
    days = None
    if profile.dates is not None and story.dates is not None:
        days = profile.dates.days_to(story.dates)
    cosine = float(profile.vector @ story.centroid)
    shared = len(profile.cast & story.cast.keys())
    overlap = sum(jaccard(profile.cast, m.cast) for m in story.members) / len(story.members)
    quoting = sum(bool(profile.quote_groups & m.quote_groups) for m in story.members)
    return Evidence(cosine, shared, overlap, quoting / len(story.members), days)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def joins(ev: Evidence, settings: StorySettings) -> bool:
    """The rule: close in time (when both are dated), similar, and enough shared cast."""
    if ev.days_apart is not None and ev.days_apart > settings.max_days_apart:
        return False
    if ev.cosine < settings.min_similarity:
        return False
    return ev.score(settings) >= settings.similarity


class StoryStage:
    """Provides ``stories``: every article in exactly one story."""

    name: ClassVar[str] = "stories"
    needs: ClassVar[frozenset[str]] = frozenset(
        {"embedding", "mentions", "timex", "duplicate_of", "quote_groups"}
    )
    provides: ClassVar[frozenset[str]] = frozenset({"stories"})

    def __init__(self, settings: StorySettings) -> None:
        self._settings = settings

    def __call__(self, corpus: Corpus) -> Corpus:
        documents = sorted(corpus.documents, key=lambda d: chronological_key(d.article))
        groups = self.group(documents, corpus.duplicate_of, quote_groups_by_article(corpus))
        corpus.stories = [describe(members, corpus) for members in groups]
        return corpus

    def group(
        self,
        documents: list[Document],
        duplicate_of: dict[str, str],
        quote_groups: dict[str, frozenset[str]] | None = None,
    ) -> list[list[str]]:
        """Article ids per story, each list in processing order, stories by first article.

        ``quote_groups`` maps an article id to the quote groups it has a quote in.
        """
        quoted = quote_groups or {}
        profiles = {
            d.article.id: profile_of(d, quoted.get(d.article.id, frozenset())) for d in documents
        }
        stories: list[_Building] = []
        home: dict[str, _Building] = {}
        copies = {d.article.id for d in documents if duplicate_of.get(d.article.id) in profiles}
        for document in documents:
            if document.article.id not in copies:
                self._place(profiles[document.article.id], stories, home)
        for document in documents:
            original = home.get(duplicate_of.get(document.article.id, ""))
            if document.article.id in copies and original is not None:
                original.add(profiles[document.article.id])
                home[document.article.id] = original
            elif document.article.id in copies:  # a copy of a copy: place it on its own merits
                self._place(profiles[document.article.id], stories, home)
        return [self._ordered(story, documents) for story in stories]

    def _place(
        self, profile: Profile, stories: list[_Building], home: dict[str, _Building]
    ) -> None:
        story = self._best_story(profile, stories)
        if story is None:
            story = _Building.start(profile)
            stories.append(story)
        else:
            story.add(profile)
        home[profile.article_id] = story

    def _best_story(self, profile: Profile, stories: list[_Building]) -> _Building | None:
        best: tuple[float, _Building] | None = None
        for story in stories:
            ev = evidence(profile, story)
            if joins(ev, self._settings) and (best is None or ev.score(self._settings) > best[0]):
                best = (ev.score(self._settings), story)
        return best[1] if best else None

    @staticmethod
    def _ordered(story: _Building, documents: list[Document]) -> list[str]:
        rank = {d.article.id: n for n, d in enumerate(documents)}
        return sorted((m.article_id for m in story.members), key=rank.__getitem__)


def describe(members: list[str], corpus: Corpus) -> Story:
    """A story record: id from its first article, title and description from its most
    central article, dates spanning its articles' most precise publication dates."""
    documents = [corpus.document(article_id) for article_id in members]
    central = most_central(documents)
    lead = lead_sentence(central)
    # An editor's headline beats a lead sentence: take the most central article that has one.
    titled = [d for d in documents if d.article.title]
    title = most_central(titled).article.title if titled else None
    span = story_dates([d.article.published for d in documents])
    return Story(
        id=content_id("s", members[0]),
        articles=tuple(members),
        title=shorten(title or lead, TITLE_CHARS),
        description=shorten(lead, DESCRIPTION_CHARS),
        start=span.first if span else None,
        end=span.last if span else None,
        precision=span.precision if span else Precision.DAY,
    )


@dataclass(frozen=True, slots=True)
class StoryDates:
    """First and last day of a story, as precisely as its articles' dates are known."""

    first: dt.date
    last: dt.date
    precision: Precision


def story_dates(published: Iterable[PubDate | None]) -> StoryDates | None:
    """The span of the most precise dates only, as story building compares them.

    A report dated "February 2006" next to one dated 9 February 2006 says nothing more about
    when the event happened; and a year-precise date ("Copyright 2007") must not read as
    1 January. Start and end are the first days of their month or year when that is all
    that is known, and ``precision`` says so.
    """
    kept = most_precise(published)
    if not kept:
        return None
    return StoryDates(
        first=min(p.date for p in kept), last=max(p.date for p in kept), precision=kept[0].precision
    )


def most_central(documents: list[Document]) -> Document:
    """The article closest to the story's centroid (the first one on ties)."""
    vectors = np.array([np.asarray(d.embedding, dtype=np.float64) for d in documents])
    centroid = vectors.sum(axis=0)
    return documents[int(np.argmax(vectors @ centroid))]


def lead_sentence(document: Document) -> str:
    """The first sentence that reads as prose (long enough, ends like a sentence), on one line."""
    text = document.article.text
    # The parser sometimes runs a heading into the next paragraph: split at blank lines.
    pieces = (re.split(r"\n\s*\n", span.of(text)) for span in document.sentences or [])
    sentences = [" ".join(piece.split()) for group in pieces for piece in group if piece.strip()]
    prose = [
        s for s in sentences if len(_WORD.findall(s)) >= LEAD_MIN_WORDS and _SENTENCE_END.search(s)
    ]
    return (prose or sentences or [document.article.id])[0]


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
