"""The timeline of many articles (a whole store, a search, a thread, an entity): the dates
that matter most and, for each, the sentences that say what happened that day.

This is timeline summarization as Ghalandari & Ifrim's DATEWISE does it (ACL 2020): pick the
dates first, then summarise each date from the sentences that report it. A date matters by how
many articles *name* it (resolved time expressions: a day people look back on is named in
the weeks after) and how many came out on it; a sentence reports the day its own date
expression names when that date is its main clause's (``TimeRef.reports``: not "Hamas, which
won the elections on Jan. 25"), else (a lead sentence stating no date) the day its article
came out or the day before (news reports yesterday's events). Each date's summary is the
candidates nearest their TF-IDF centroid, without repeats, each citing every article that
says nearly the same.

TF-IDF is written out here with numpy: a few thousand short sentences, one vocabulary per
date; scikit-learn would bring scipy (tens of megabytes) for these few lines. Sentence
embeddings would be better matched but cost tens of seconds for a topic of 2,000 articles,
and ``storyline timeline`` answers in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from storyline.annotate.labels import normalise_space
from storyline.dates import date_range
from storyline.records import Article, Document, Ref, Span, TimexType
from storyline.report.sentences import is_statement, opens_with_pronoun, report_sentences
from storyline.settings import TimelineSettings

__all__ = [
    "TimelineDate",
    "TimelineSentence",
    "TopicTimeline",
    "build_topic_timeline",
]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True, slots=True)
class TimelineSentence:
    """A sentence of one date: ``sources[0]`` is where it stands, then the other articles'
    sentences of that date that say nearly the same."""

    text: str
    sources: tuple[Ref, ...]

    @property
    def articles(self) -> tuple[str, ...]:
        """The articles it cites, each once, in citing order."""
        return tuple(dict.fromkeys(ref.article for ref in self.sources))


@dataclass(frozen=True, slots=True)
class TimelineDate:
    """One date of a timeline (ISO day), what happened on it, and why it was chosen: the
    articles that came out on it and those that name it."""

    date: str
    sentences: tuple[TimelineSentence, ...]
    published: int
    named: int


@dataclass(frozen=True, slots=True)
class TopicTimeline:
    """A timeline of ``articles`` articles, published from ``since`` to ``until``."""

    dates: tuple[TimelineDate, ...]
    articles: int
    since: str | None = None
    until: str | None = None
    #: What was asked for: "the whole store", 'the search "oil spill"', "thread t1a2b3".
    scope: str = "the whole store"
    #: The numbers of dates and sentences per date asked for (or chosen from the material).
    wanted_dates: int = 0
    wanted_sentences: int = 0
    #: The articles the sentences cite, in order of first citation.
    cited: tuple[Article, ...] = ()
    #: Of the articles read, those dated only to a month or a year: none is a day's news,
    #: though the days they name count.
    not_to_the_day: int = 0


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A sentence that may tell what happened on a day: it names the day in its main clause,
    or it is a lead sentence of an article out that day or the next."""

    ref: Ref
    text: str


@dataclass
class _Material:
    """What the documents say about each day."""

    published: Counter[str] = field(default_factory=Counter)
    named: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    candidates: dict[str, list[_Candidate]] = field(default_factory=lambda: defaultdict(list))
    articles: int = 0
    not_to_the_day: int = 0


def build_topic_timeline(
    documents: Iterable[Document],
    settings: TimelineSettings,
    since: str | None = None,
    until: str | None = None,
    dates: int | None = None,
    sentences: int | None = None,
    scope: str = "the whole store",
    story_sizes: Mapping[str, int] | None = None,
    about: Mapping[str, Sequence[Span]] | None = None,
) -> TopicTimeline:
    """The ``dates`` days that matter most from ``since`` to ``until`` (ISO days, inclusive;
    open when None) with up to ``sentences`` sentences each, read from the articles of
    ``documents`` published in that range. Unset numbers are chosen from the material.
    ``story_sizes`` (article id → the articles of its story) lifts the sentences of events
    many articles report. With ``about`` (article id → where an entity is mentioned), only
    sentences that mention it are shown: an entity's timeline tells what it did and what
    happened to it, not everything its articles report."""
    documents = list(documents)
    material = _material(documents, settings, since, until, about)
    scores = {
        day: settings.named_weight * len(material.named.get(day, ()))
        + settings.published_weight * material.published.get(day, 0)
        for day in set(material.published) | set(material.named)
        if material.candidates.get(day)
    }
    wanted = dates if dates is not None else _default_dates(scores, settings)
    chosen = sorted(sorted(scores, key=lambda d: (-scores[d], d))[:wanted])
    per_date = sentences if sentences is not None else settings.sentences
    limits = {
        day: sentences if sentences is not None else _default_sentences(scores[day], per_date)
        for day in chosen
    }
    summaries = _summaries(material, chosen, limits, settings, story_sizes or {})
    timeline = tuple(
        TimelineDate(
            day, summaries[day], material.published.get(day, 0), len(material.named.get(day, ()))
        )
        for day in chosen
        if summaries[day]
    )
    by_id = {d.article.id: d.article for d in documents}
    cited = dict.fromkeys(a for day in timeline for s in day.sentences for a in s.articles)
    return TopicTimeline(
        timeline,
        material.articles,
        since,
        until,
        scope,
        wanted,
        per_date,
        tuple(by_id[a] for a in cited),
        material.not_to_the_day,
    )


def _default_dates(scores: dict[str, float], settings: TimelineSettings) -> int:
    """As many dates as stand out, within ``settings.max_dates``: those scoring at least
    ``settings.min_score`` and ``settings.min_share`` of the top day's score (in a day of
    unrelated news, a day one article names does not stand out; in five articles it may)."""
    floor = max(settings.min_score, settings.min_share * max(scores.values(), default=0.0))
    standing = sum(1 for s in scores.values() if s >= floor)
    return max(1, min(settings.max_dates, standing))


def _default_sentences(score: float, most: int) -> int:
    """Sentences for a day when none were asked for: one for a day few articles mark, more
    (up to ``most``) as more do: log2(1 + score), rounded."""
    return max(1, min(most, round(math.log2(1 + score))))


def _material(
    documents: Iterable[Document],
    settings: TimelineSettings,
    since: str | None,
    until: str | None,
    about: Mapping[str, Sequence[Span]] | None = None,
) -> _Material:
    material = _Material()
    low, high = since or "0000-00-00", until or "9999-99-99"

    def within(day: str) -> bool:
        return low <= day <= high

    for document in documents:
        article = document.article
        days_out = date_range(article.published)  # a month or a year covers all its days
        if days_out is None or days_out.last.isoformat() < low or days_out.first.isoformat() > high:
            continue
        material.articles += 1
        # Only a day-precise publication date is a day out: "2007" is no day of the year.
        out = days_out.first.isoformat() if days_out.first == days_out.last else None
        if out is not None:
            material.published[out] += 1
        else:
            material.not_to_the_day += 1
        day_before = (days_out.first - dt.timedelta(days=1)).isoformat()
        days = _named_days(document, within)
        for rank, span in enumerate(report_sentences(document)):
            inside = [(day, main) for at, day, main in days if span.start <= at < span.end]
            for day, _ in inside:
                material.named[day].add(article.id)
            text = normalise_space(span.of(article.text))
            if not _usable(text, settings) or (
                about is not None and not _mentions(about.get(article.id, ()), span)
            ):
                continue
            ref = Ref(article.id, span.start, span.end)
            reported = [day for day, main in inside if main]
            if reported:
                material.candidates[reported[0]].append(_Candidate(ref, text))
            elif inside:
                continue  # it names days only as background: what it reports is undated
            elif out is not None and rank < settings.lead_sentences:
                material.candidates[out].append(_Candidate(ref, text))
                if within(day_before):
                    material.candidates[day_before].append(_Candidate(ref, text))
    return material


def _named_days(document: Document, within: Callable[[str], bool]) -> list[tuple[int, str, bool]]:
    """(offset, ISO day, whether it dates its sentence's event) of each resolved calendar day
    the document names in range."""
    found = []
    for timeref in document.timex or []:
        value = timeref.value or ""
        if timeref.type is TimexType.DATE and _DAY.match(value) and within(value):
            found.append((timeref.span.start, value, timeref.reports is not False))
    return found


def _mentions(spans: Sequence[Span], sentence: Span) -> bool:
    return any(sentence.start <= s.start < sentence.end for s in spans)


def _usable(text: str, settings: TimelineSettings) -> bool:
    """A whole statement, short enough to read as one event, that says whom it is about."""
    return (
        is_statement(text, settings.min_words)
        and len(text.split()) <= settings.max_words
        and not opens_with_pronoun(text)
    )


def _summaries(
    material: _Material,
    chosen: Sequence[str],
    limits: Mapping[str, int],
    settings: TimelineSettings,
    story_sizes: Mapping[str, int],
) -> dict[str, tuple[TimelineSentence, ...]]:
    """Each chosen date's sentences: nearest the centroid of its candidates, none repeating
    one already shown (on this date or an earlier chosen one)."""
    pools = {
        day: list({c.ref: c for c in material.candidates.get(day, [])}.values()) for day in chosen
    }
    idf = _idf(c.text for pool in pools.values() for c in pool)
    shown: list[dict[str, float]] = []
    summaries: dict[str, tuple[TimelineSentence, ...]] = {}
    for day in chosen:
        pool = pools[day]
        vectors = [_vector(c.text, idf) for c in pool]
        centroid: Counter[str] = Counter()
        for vector in vectors:
            centroid.update(vector)
        # Closeness to the day's centroid (the closest scores 1), plus how many articles
        # report the sentence's event: its story's size, log-scaled.
        central = [_dot(v, centroid) for v in vectors]
        closest = max(central, default=0.0) or 1.0
        closeness = [
            near / closest + settings.story_weight * math.log(story_sizes.get(c.ref.article, 1))
            for near, c in zip(central, pool, strict=True)
        ]
        picked: list[int] = []
        for i in sorted(range(len(pool)), key=lambda i: (-closeness[i], pool[i].ref)):
            if len(picked) >= limits[day]:
                break
            if any(_dot(vectors[i], other) > settings.redundancy for other in shown):
                continue
            picked.append(i)
            shown.append(vectors[i])
        summaries[day] = tuple(
            TimelineSentence(pool[i].text, _sources(i, pool, vectors, settings.agree_similarity))
            for i in picked
        )
    return summaries


def _sources(
    index: int, pool: Sequence[_Candidate], vectors: Sequence[dict[str, float]], agree: float
) -> tuple[Ref, ...]:
    """The sentence's own span, then each other article's closest sentence saying the same."""
    best: dict[str, tuple[float, Ref]] = {}
    own = pool[index].ref
    for candidate, vector in zip(pool, vectors, strict=True):
        if candidate.ref.article == own.article:
            continue
        similarity = _dot(vectors[index], vector)
        if similarity >= agree and similarity > best.get(candidate.ref.article, (0.0, own))[0]:
            best[candidate.ref.article] = (similarity, candidate.ref)
    others = sorted(best.values(), key=lambda pair: (-pair[0], pair[1]))
    return (own, *(ref for _, ref in others))


def _idf(texts: Iterable[str]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        frequency.update(set(_terms(text)))
        count += 1
    return {term: math.log((1 + count) / (1 + n)) + 1 for term, n in frequency.items()}


def _vector(text: str, idf: dict[str, float]) -> dict[str, float]:
    """Unit TF-IDF vector (sublinear term frequency) of ``text``, as a sparse dict."""
    weights = {t: (1 + math.log(n)) * idf.get(t, 1.0) for t, n in Counter(_terms(text)).items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _terms(text: str) -> Iterator[str]:
    stop = _stopwords()
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in stop:
            yield word


@cache
def _stopwords() -> frozenset[str]:
    from storyline.clean.language import stoplist

    return stoplist("English")
