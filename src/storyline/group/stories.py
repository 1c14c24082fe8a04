"""Stories: articles about one event, grouped incrementally.

Each article becomes a :class:`Profile` (its embedding, its words, its named cast, the years it
talks about, its publication dates and the utterances it quotes); a
:class:`~storyline.group.story_index.StoryIndex` places new articles one at a time among the stories
already stored, re-clustering only the neighbourhood each one lands in. The rule two articles
are judged by is a pair score (defaults.toml ``[stories]``): the mean of three cosines (dense
embedding, TF-IDF of words and word pairs, TF-IDF of named people, organisations and places),
plus agreement on the year talked about most, plus a shared quote; dates more than a week apart
forbid a pair. Two earthquakes are alike in words but differ in places, people and years; one
event told in different words shares them.

Copies found by the dedup stage join their original's story. Stories keep their ids as
articles arrive: a new story is named after its first article, and a re-clustered one
inherits the id of the old story it shares most articles with.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import ClassVar

import numpy as np

from storyline.annotate.embed import LANGUAGES as EMBEDDED_LANGUAGES
from storyline.annotate.languages import annotated
from storyline.dates import most_precise
from storyline.group.dedup import chronological_key
from storyline.group.story_index import Profile, StoryIndex
from storyline.ids import content_id
from storyline.records import Corpus, Document, Mention, Precision, PubDate, Story, TimeRef
from storyline.settings import StorySettings, default_settings

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
#: A term: letters and digits, with inner apostrophes, dots and hyphens ("6.1", "o'neill").
_TERM = re.compile(r"[^\W_](?:[\w'.-]*[^\W_])?")
#: Shorter words (other than numbers) are mostly function words or noise.
MIN_TERM_CHARS = 3
#: A TimeML value naming a calendar year ("2006", "2006-02", "2006-02-09", "2006-W06").
_YEAR_VALUE = re.compile(r"^\d{4}(?!\d)")


#: Name keys this short are no name a reader would recognise, nor an actor a thread follows:
#: English NER on other languages tags their function words ("Из", "Я"), and two letters name
#: too many things ("AP", "GE").
SHORT_KEY_CHARS = 2


def body_mentions(document: Document) -> list[Mention]:
    """The mentions in the article's body: the headline's are left out of what grouping
    compares, as it was tuned without them and they repeat the names the lead gives (ECB+ dev
    through analyze, bench_stories.py: B-cubed F1 0.918 with them, 0.925 without)."""
    body = document.article.body
    return [
        m
        for m in document.mentions or []
        if any(part.start <= m.span.start and m.span.end <= part.end for part in body)
    ]


def entity_key(mention: Mention) -> str | None:
    """A normalised name for a cast mention: ASCII, lowercase, people by surname.

    Surnames make "Vladimir Putin" and "Putin" one actor; real resolution comes later (the
    resolve stage), this only has to be good enough to compare articles.
    """
    if mention.type not in CAST_TYPES:
        return None
    if mention.type == "PERSON":
        words = name_words(mention.text)
        return words[-1] if words else None
    return name_key(mention.text)


def name_key(name: str) -> str | None:
    """The key of an organisation or place called ``name``: "the U.S." and "US" give one key,
    and so do an outlet's name in an article's metadata and in another article's text."""
    words = name_words(name)
    key = " ".join(words)
    return _SHORT_NAMES.get(key, key) if words else None


@lru_cache(maxsize=1 << 16)
def name_words(name: str) -> tuple[str, ...]:
    """A name's words, ASCII and lowercase, without a leading "the" or a possessive.

    Kept for the names seen last: stories and threads key every mention of every article they
    profile, and a day's news names the same people over and over."""
    from anyascii import anyascii

    text = _LEADING_ARTICLE.sub("", anyascii(name).lower())
    return tuple(_WORD.findall(re.sub(r"'s\b", "", text)))


#: Short forms news writes for the same actor ("US", "U.S.", "the UN"): one key each, or two
#: articles naming one actor differently would look less alike than they are.
_SHORT_NAMES = {
    "us": "united states", "u s": "united states", "usa": "united states",
    "america": "united states", "un": "united nations", "u n": "united nations",
    "eu": "european union", "uk": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom",
}  # fmt: skip


def terms_of(text: str, language: str | None = None) -> Counter[str]:
    """Lowercased words (numbers included: "6.1", "23") and adjacent word pairs, no stopwords.

    Pairs carry what single words cannot ("red sox" is not "red" and "sox"); numbers tell two
    earthquakes or two death tolls apart. Stopwords come from the page's own language.
    """
    from storyline.clean.language import language_stoplist

    stopwords = language_stoplist(language, text.splitlines())
    words = [
        w
        for w in _TERM.findall(text.lower())
        if w not in stopwords and (len(w) >= MIN_TERM_CHARS or w.isdigit())
    ]
    return Counter(words + [f"{a} {b}" for a, b in pairwise(words)])


def years_of(timexes: Iterable[TimeRef]) -> frozenset[int]:
    """The year(s) an article's dated time expressions name most often (ties kept)."""
    counts = Counter(int(t.value[:4]) for t in timexes if t.value and _YEAR_VALUE.match(t.value))
    top = max(counts.values(), default=0)
    return frozenset(year for year, n in counts.items() if n == top)


def quote_groups_by_article(corpus: Corpus) -> dict[str, frozenset[str]]:
    """The ids of the quote groups each article has a quote in (groups spanning articles only)."""
    found: dict[str, set[str]] = {}
    for group in corpus.quote_groups or []:
        articles = {ref.article for ref in group.quotes}
        if len(articles) > 1:
            for article_id in articles:
                found.setdefault(article_id, set()).add(group.id)
    return {article_id: frozenset(ids) for article_id, ids in found.items()}


def independent_terms_of(text: str) -> Counter[str]:
    """The words of ``text`` that mean the same in every language: numbers and names (words
    written with a capital, in scripts that have one), and adjacent pairs of them.

    What an article the English-only stages do not read is compared by, beside its embedding
    (:func:`storyline.group.story_index.score_pairs`): its other words would match only its
    own language's. Names are transliterated to ASCII, as cast keys are (:func:`name_words`):
    "Путин" and "Putin" are one term, and so are "Müller" and "Muller".
    """
    from anyascii import anyascii

    # A soft sign transliterates to an apostrophe ("Меркель" → "Merkel'"): not a letter.
    words = [
        anyascii(w).lower().strip("'")
        for w in _TERM.findall(text)
        if w.isdigit() or (w[0].isupper() and len(w) >= MIN_TERM_CHARS)
    ]
    return Counter(words + [f"{a} {b}" for a, b in pairwise(words)])


def profile_of(
    document: Document,
    quote_groups: frozenset[str] = frozenset(),
    languages: Collection[str] | None = None,
) -> Profile:
    """What story building compares of one article. An article in a language not in
    ``languages`` (default: the packaged ``annotate.languages``) is compared by its numbers
    and names only (:func:`independent_terms_of`)."""
    if document.embedding is None or document.mentions is None or document.timex is None:
        from storyline.errors import PipelineError

        raise PipelineError(f"article {document.article.id} has no embedding, mentions or timex")
    if languages is None:
        languages = default_settings().annotate.languages
    article = document.article
    covered = annotated(article, languages)
    return Profile(
        article_id=article.id,
        vector=np.asarray(document.embedding, dtype=np.float32),
        terms=(
            terms_of(article.body_text, article.language)
            if covered
            else independent_terms_of(article.body_text)
        ),
        cast=Counter(k for k in map(entity_key, body_mentions(document)) if k is not None),
        years=years_of(document.timex),
        published=document.article.published,
        quote_groups=quote_groups,
        language=article.language,
        covered=covered,
        embedded=article.language is None or article.language in EMBEDDED_LANGUAGES,
    )


class StoryStage:
    """Provides ``stories``: every article in exactly one story.

    Stories already in ``corpus.stories`` (an earlier run's, loaded from the store) are kept
    as they are; only articles in none of them are placed, in chronological order.
    """

    name: ClassVar[str] = "stories"
    needs: ClassVar[frozenset[str]] = frozenset(
        {"embedding", "mentions", "timex", "duplicate_of", "quote_groups"}
    )
    provides: ClassVar[frozenset[str]] = frozenset({"stories"})

    def __init__(self, settings: StorySettings, languages: Collection[str] | None = None) -> None:
        self._settings = settings
        self._languages = languages

    def __call__(self, corpus: Corpus) -> Corpus:
        documents = sorted(corpus.documents, key=lambda d: chronological_key(d.article))
        earlier = {s.id: s.articles for s in corpus.stories or []}
        groups = self.group(
            documents, corpus.duplicate_of, quote_groups_by_article(corpus), earlier
        )
        corpus.stories = [describe(story_id, members, corpus) for story_id, members in groups]
        return corpus

    def group(
        self,
        documents: list[Document],
        duplicate_of: dict[str, str],
        quote_groups: dict[str, frozenset[str]] | None = None,
        earlier: dict[str, tuple[str, ...]] | None = None,
    ) -> list[tuple[str, list[str]]]:
        """(story id, article ids in processing order) per story, stories by first article.

        ``documents`` are in processing order; ``quote_groups`` maps an article id to the
        quote groups it has a quote in; ``earlier`` holds stories from an earlier run.
        """
        quoted = quote_groups or {}
        known = {d.article.id for d in documents}
        copies = {a for a in known if duplicate_of.get(a) in known}
        originals = [d for d in documents if d.article.id not in copies]
        profiles = {
            d.article.id: profile_of(d, quoted.get(d.article.id, frozenset()), self._languages)
            for d in originals
        }
        index = self._index(originals)
        self._restore(index, earlier or {}, originals, profiles)
        for document in originals:
            if document.article.id not in index.home:
                index.add(profiles[document.article.id])
        home = dict(index.home)
        for document in documents:  # a copy follows its original (copies point at originals)
            if document.article.id in copies:
                home[document.article.id] = home[duplicate_of[document.article.id]]
        rank = {d.article.id: n for n, d in enumerate(documents)}
        stories: dict[str, list[str]] = {}
        for article_id in sorted(home, key=rank.__getitem__):
            stories.setdefault(home[article_id], []).append(article_id)
        return list(stories.items())

    @staticmethod
    def _restore(
        index: StoryIndex,
        earlier: dict[str, tuple[str, ...]],
        originals: list[Document],
        profiles: dict[str, Profile],
    ) -> None:
        """Earlier stories, in order of their first article, each without its copies."""
        story_of = {a: story_id for story_id, members in earlier.items() for a in members}
        rank = {d.article.id: n for n, d in enumerate(originals)}
        for document in originals:
            story_id = story_of.get(document.article.id)
            if story_id is not None and story_id not in index.members:
                members = sorted((a for a in earlier[story_id] if a in rank), key=rank.__getitem__)
                index.restore(story_id, [profiles[a] for a in members])

    def _index(self, documents: list[Document]) -> StoryIndex:
        dimensions = len(documents[0].embedding) if documents else 1  # type: ignore[arg-type]
        return StoryIndex(self._settings, dimensions, lambda parts: content_id("s", *parts))


def describe(story_id: str, members: list[str], corpus: Corpus) -> Story:
    """A story record: title and description from its most central article, dates spanning
    its articles' most precise publication dates."""
    documents = [corpus.document(article_id) for article_id in members]
    central = most_central(documents)
    lead = lead_sentence(central)
    # An editor's headline beats a lead sentence: take the most central article that has one.
    titled = [d for d in documents if d.article.title]
    title = most_central(titled).article.title if titled else None
    span = story_dates([d.article.published for d in documents])
    return Story(
        id=story_id,
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
