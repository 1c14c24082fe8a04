"""What a reader sees of a story: timeline, cast, quote groups, outlet comparison, summary.

:func:`build_report` composes small builders over a resolved :class:`Corpus`. Every piece
of text shown is backed by sources (:class:`Ref` spans into an article's ``text``), so a
reader can check each claim against what the outlet wrote.

Sentences of the story's articles are embedded once per story (:class:`SentencePool`); the
timeline merges dated sentences that say the same thing, the summary picks central sentences
and cites every outlet that wrote a near-identical one. Duplicate articles (wire copies) are
listed but never count as separate sources.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from storyline.errors import ConfigError
from storyline.records import (
    Article,
    Corpus,
    Document,
    QuoteGroup,
    Ref,
    Span,
    Story,
    Thread,
    TimexType,
    stories_span,
)
from storyline.report.compare import (
    Conflict,
    Fact,
    Figure,
    OutletView,
    build_comparison,
    figures_in,
    is_statement,
    normalise_space,
)
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "CAST_TYPES",
    "CastMember",
    "SentencePool",
    "Source",
    "StoryReport",
    "SummarySentence",
    "TimelineEntry",
    "apply_summary_hook",
    "build_cast",
    "build_report",
    "build_summary",
    "build_thread_summary",
    "build_timeline",
    "citation_markers",
    "outlet_name",
    "render_report_text",
    "story_quote_groups",
    "thread_link_lines",
    "thread_stories",
    "thread_summary",
]

_LOG = logging.getLogger("storyline")

#: A source is a span of one article's text.
Source = Ref

#: Entity types worth a place in the cast: actors, not places of passage or events.
CAST_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})

UNKNOWN_OUTLET = "unknown"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event: ``date`` is ISO as precise as known (``2006``, ``2006-01``, ...)."""

    date: str
    precision: str
    text: str
    sources: tuple[Ref, ...]
    #: The date rests only on publication dates inferred from the story, none stated.
    inferred: bool = False
    #: The entry is only an article's coming out ("<outlet> reports: <title>"), no event.
    publication: bool = False

    def shown_date(self) -> str:
        return f"{self.date} (inferred)" if self.inferred else self.date


@dataclass(frozen=True, slots=True)
class CastMember:
    entity: str
    name: str
    type: str
    aliases: tuple[str, ...]
    articles: tuple[str, ...]
    mentions: int


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence of the summary; ``sources[0]`` is the sentence itself, then agreeing ones."""

    sentence: str
    sources: tuple[Ref, ...]


@dataclass(frozen=True)
class StoryReport:
    story: Story
    thread: Thread | None
    thread_stories: list[Story]  # the thread's stories in thread order (none: no thread)
    articles: list[Article]
    timeline: list[TimelineEntry]
    cast: list[CastMember]
    quote_groups: list[QuoteGroup]
    outlets: list[OutletView]
    summary: list[SummarySentence]
    # The actors the story's speakers speak for; every fact with the outlets that report it;
    # the counts, dates and denials outlets disagree on.
    sides: tuple[str, ...]
    coverage: list[Fact]
    conflicts: list[Conflict]
    # The name of every entity the report refers to (voices and labelled actors may be
    # outside the cast, which keeps actors only).
    names: dict[str, str]


# --------------------------------------------------------------------------- the report


def build_report(
    corpus: Corpus,
    story: Story,
    settings: SummarySettings,
    embedder: Embedder | None = None,
) -> StoryReport:
    """Everything a reader sees of one story."""
    documents = story_documents(corpus, story)
    primary = [d for d in documents if d.article.id not in corpus.duplicate_of]
    embedder = embedder or _default_embedder()
    pool = SentencePool.build(primary, embedder)
    thread = corpus.thread_of(story.id)
    quote_groups = story_quote_groups(corpus, story)
    timeline = build_timeline(primary, pool, settings, embedder)
    comparison = build_comparison(
        corpus,
        documents,
        pool,
        timeline,
        quote_groups,
        settings.timeline_similarity,
        settings.agree_similarity,
    )
    return StoryReport(
        story=story,
        thread=thread,
        thread_stories=thread_stories(corpus, thread) if thread else [],
        articles=[d.article for d in documents],
        timeline=timeline,
        cast=build_cast(corpus, primary),
        quote_groups=quote_groups,
        outlets=comparison.outlets,
        summary=apply_summary_hook(
            settings.hook, story.title, build_summary(pool, settings, primary)
        ),
        names=referenced_names(corpus, comparison.outlets, quote_groups),
        sides=comparison.sides,
        coverage=comparison.coverage,
        conflicts=comparison.conflicts,
    )


def thread_summary(corpus: Corpus, thread: Thread) -> str:
    """One line saying what a thread is: its title, how many stories, over which dates."""
    stories = thread_stories(corpus, thread)
    dates = stories_span(stories)
    span = f", {dates[0]} to {dates[1]}" if dates else ""
    count = len(stories)
    return f"{thread.title}: {count} stor{'y' if count == 1 else 'ies'}{span}"


def referenced_names(
    corpus: Corpus, outlets: Sequence[OutletView], quote_groups: Sequence[QuoteGroup]
) -> dict[str, str]:
    """The names of the entities a report refers to: its voices, labelled actors, speakers."""
    wanted = {e for view in outlets for e in (*view.voices, *view.labels)}
    wanted |= {g.speaker_entity for g in quote_groups if g.speaker_entity}
    return {e: found.name for e in sorted(wanted) if (found := corpus.entity(e)) is not None}


def thread_stories(corpus: Corpus, thread: Thread) -> list[Story]:
    """The thread's stories, in the thread's (time) order."""
    return [found for s in thread.stories if (found := corpus.story(s)) is not None]


def thread_link_lines(thread: Thread, stories: Sequence[Story]) -> list[str]:
    """One line per link of the thread: which story continues which, and why.

    ``"2006-02-09 Putin to invite Hamas to Moscow → 2006-03-03 Hamas in Moscow: shares ..."``
    """
    by_id = {s.id: s for s in stories}

    def label(story_id: str) -> str:
        story = by_id.get(story_id)
        return f"{story.date_label()} {story.title}" if story else story_id

    return [f"{label(k.earlier)} → {label(k.later)}: {k.reason}" for k in thread.links]


def story_documents(corpus: Corpus, story: Story) -> list[Document]:
    """The story's documents, oldest first (undated last), ties broken by id."""
    return sorted(
        (corpus.document(a) for a in story.articles), key=lambda d: article_key(d.article)
    )


def article_key(article: Article) -> tuple[dt.date, str]:
    return (article.published.date if article.published else dt.date.max, article.id)


def outlet_name(article: Article) -> str:
    return article.outlet or UNKNOWN_OUTLET


def _default_embedder() -> Embedder:
    from storyline.annotate.embed import default_embedder

    return default_embedder()


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class SentencePool:
    """The sentences of a story's (non-duplicate) articles, in reading order, embedded once.

    ``order`` gives each sentence's article rank (by date, then id) so summaries read in time.
    """

    refs: tuple[Ref, ...]
    texts: tuple[str, ...]
    order: tuple[int, ...]
    vectors: np.ndarray

    @classmethod
    def build(cls, documents: Sequence[Document], embedder: Embedder) -> SentencePool:
        refs, texts, order = [], [], []
        for rank, document in enumerate(documents):
            for span in _line_pieces(document.article.text, document.sentences or []):
                refs.append(Ref(document.article.id, span.start, span.end))
                texts.append(normalise_space(span.of(document.article.text)))
                order.append(rank)
        vectors = embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        return cls(tuple(refs), tuple(texts), tuple(order), np.asarray(vectors, dtype=np.float32))

    @cached_property
    def figures(self) -> list[list[Figure]]:
        """The counts each sentence states (computed once: coverage and conflicts read them)."""
        return [figures_in(text) for text in self.texts]

    def time_values(self, documents: Sequence[Document]) -> dict[int, list[str]]:
        """Sentence → the resolved values of the time expressions that begin in it."""
        timex = {d.article.id: [t for t in d.timex or [] if t.value] for d in documents}
        found: dict[int, list[str]] = {}
        for i, ref in enumerate(self.refs):
            values = [
                t.value
                for t in timex.get(ref.article, [])
                if t.value and ref.start <= t.span.start < ref.end
            ]
            if values:
                found[i] = values
        return found

    def index_of(self, article: str, span: Span) -> int | None:
        """The sentence of ``article`` that contains the start of ``span``."""
        for i, ref in enumerate(self.refs):
            if ref.article == article and ref.start <= span.start < ref.end:
                return i
        return None


def _line_pieces(text: str, sentences: Iterable[Span]) -> Iterator[Span]:
    """Sentences cut at line breaks, trimmed, empty pieces dropped.

    spaCy's parser runs sentences across paragraph breaks and through headings and captions
    ("... what's going on here?" Hamas funding On Thursday, ..."); in news text a line break
    inside a sentence is much rarer than a heading glued to one, so lines are cut apart.
    """
    for sentence in sentences:
        for piece in re.finditer(r"[^\n]+", sentence.of(text)):
            stripped = piece.group().strip()
            if stripped:
                start = sentence.start + piece.start() + piece.group().index(stripped)
                yield Span(start, start + len(stripped))


_PAIRED_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”")
#: An unpaired quote mark after punctuation closes a quote begun in an earlier sentence.
_CLOSING_QUOTE = re.compile(r"[,.?!]\s*[\"”]")


def is_summary_candidate(text: str, min_words: int) -> bool:
    """A statement whose words are mostly the reporter's own, not a quote with "he said".

    Quotes belong to quote groups; a summary made of them would put words in the outlets'
    mouths. Quote marks are found by pattern (an unclosed one runs to the end of the sentence,
    as in multi-paragraph quotes), so this works before the quote stage has run.
    """
    own_words = len(_outside_quotes(text).split())
    return is_statement(text, min_words) and own_words >= max(min_words // 2, len(text.split()) / 2)


def _outside_quotes(text: str) -> str:
    """The words of a sentence outside quotation marks.

    A quote mark left unpaired either closes a quote opened in an earlier sentence (after
    punctuation: 'people," the Russian leader said') or opens one that runs on.
    """
    text = _PAIRED_QUOTES.sub(" ", text)
    closing = _CLOSING_QUOTE.search(text)
    if closing:
        return text[closing.end() :]
    opening = re.search(r"[\"“]", text)
    return text[: opening.start()] if opening else text


# --------------------------------------------------------------------------- timeline

_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


def build_timeline(
    documents: Sequence[Document],
    pool: SentencePool,
    settings: SummarySettings,
    embedder: Embedder,
) -> list[TimelineEntry]:
    """Events by date, each once with every report of it.

    An event is a statement holding a resolved calendar date. Two with one date are one event
    when the clauses their dates are in say the same thing (``TimeRef.event``; the sentence
    where none was found), or their sentences do: one outlet writes "Hamas defeated Fatah in
    a landslide on 25 January", another dates the same election inside a sentence about Putin.
    An article's publication joins the event of that day its headline reports ("Putin to
    invite Hamas to Moscow" and another outlet's "Putin said on Thursday that he was
    considering inviting ... Hamas to Moscow"), or else stands as "<outlet> reports: <title>".
    """
    dated = _dated_events(documents, pool, settings)
    clauses = embedder.encode([d.clause for d in dated]) if dated else np.zeros((0, 1))
    groups = _merge_dated(dated, clauses, pool, settings.timeline_similarity)
    entries = [_entry(date, [dated[m] for m in members], pool) for date, members in groups]
    publications = [(d.article, e) for d in documents if (e := publication_event(d.article))]
    titles = embedder.encode([a.title or "" for a, _ in publications]) if publications else ()
    for (article, event), title in zip(publications, titles, strict=True):
        # the event of its day the headline is closest to, if close enough
        scored = [
            (max(float(clauses[m] @ title) for m in members), n)
            for n, (date, members) in enumerate(groups)
            if article.title and date == event.date
        ]
        score, best = max(scored, default=(-1.0, -1))
        if score >= settings.timeline_similarity:
            entries[best] = _with_report(entries[best], event)
        else:
            entries.append(event)
    return sorted(entries, key=lambda e: (e.date, e.sources[0] if e.sources else e.text))


@dataclass(frozen=True, slots=True)
class _Dated:
    """A statement holding a resolved date: its pool sentence and the clause the date is in."""

    date: str
    sentence: int
    clause: str
    inferred: bool  # resolved against a publication date inferred from the story


def _dated_events(
    documents: Sequence[Document], pool: SentencePool, settings: SummarySettings
) -> list[_Dated]:
    """Each statement holding a resolved calendar date, once per date, in reading order."""
    found: dict[tuple[str, int], _Dated] = {}
    for document in documents:
        text, published = document.article.text, document.article.published
        inferred = published is not None and published.inferred
        for timeref in document.timex or []:
            if timeref.type is not TimexType.DATE or not _ISO_DATE.match(timeref.value or ""):
                continue
            index = pool.index_of(document.article.id, timeref.span)
            if index is not None and is_statement(pool.texts[index], settings.min_words):
                clause = normalise_space(timeref.event.of(text)) if timeref.event else ""
                key = (str(timeref.value), index)
                dated = _Dated(key[0], index, clause or pool.texts[index], inferred)
                found.setdefault(key, dated)
    return sorted(found.values(), key=lambda d: (d.date, pool.order[d.sentence], d.sentence))


def _merge_dated(
    dated: list[_Dated], clauses: np.ndarray, pool: SentencePool, threshold: float
) -> list[tuple[str, list[int]]]:
    """Groups of ``dated`` (indices) with one date whose clauses or sentences say one thing.

    A group takes one statement per article: an article's two statements of one day are two
    things it reports (Putin's offer and, "later on Thursday", his envoy's words), and what
    merging is for is one event told by several outlets.
    """
    groups: list[tuple[str, list[int]]] = []
    for n, event in enumerate(dated):
        article = pool.refs[event.sentence].article
        home = next(
            (
                g
                for g in groups
                if g[0] == event.date
                and all(pool.refs[dated[m].sentence].article != article for m in g[1])
                and (
                    float(clauses[g[1][0]] @ clauses[n]) >= threshold
                    or _cosine(pool, dated[g[1][0]].sentence, event.sentence) >= threshold
                )
            ),
            None,
        )
        if home is None:
            groups.append((event.date, [n]))
        else:
            home[1].append(n)
    return groups


def _entry(date: str, members: list[_Dated], pool: SentencePool) -> TimelineEntry:
    """One event; told by its shortest report, which says least besides it."""
    precision = _PRECISION_BY_LENGTH[len(date)]
    sources = tuple(dict.fromkeys(pool.refs[m.sentence] for m in members))
    text = min((pool.texts[m.sentence] for m in members), key=len)
    return TimelineEntry(date, precision, text, sources, all(m.inferred for m in members))


def _with_report(entry: TimelineEntry, publication: TimelineEntry) -> TimelineEntry:
    """``entry`` with the headline of an article that reports it on its day."""
    sources = tuple(dict.fromkeys([*entry.sources, *publication.sources]))
    return replace(entry, sources=sources, inferred=entry.inferred and publication.inferred)


def publication_event(article: Article) -> TimelineEntry | None:
    """'<outlet> reports: <title>' on the day the article came out, if that day and its title
    are known (an untitled article's coming out has nothing to show and no span to cite)."""
    title = normalise_space(article.title or "")
    if article.published is None or not title:
        return None
    inferred = " (date inferred)" if article.published.inferred else ""
    text = f"{outlet_name(article)} reports: {title}{inferred}"
    source = _title_ref(article)
    return TimelineEntry(
        article.published.iso(),
        article.published.precision.value,
        text,
        (source,) if source else (),
        article.published.inferred,
        publication=True,
    )


def _title_ref(article: Article) -> Ref | None:
    """Where the title stands in the text, else the first paragraph of the body."""
    title = (article.title or "").strip()
    at = article.text.find(title) if title else -1
    if at >= 0:
        return Ref(article.id, at, at + len(title))
    first = next((s for s in article.body if len(s) > 0), None)
    return Ref(article.id, first.start, first.end) if first else None


def _cosine(pool: SentencePool, a: int, b: int) -> float:
    return float(pool.vectors[a] @ pool.vectors[b])


# --------------------------------------------------------------------------- cast


def build_cast(corpus: Corpus, documents: Sequence[Document]) -> list[CastMember]:
    """Actors mentioned in the story, by number of articles then mentions."""
    article_ids = {d.article.id for d in documents}
    cast = []
    for entity in corpus.entities or []:
        refs = [r for r in entity.mentions if r.article in article_ids]
        if entity.type in CAST_TYPES and refs:
            articles = tuple(sorted({r.article for r in refs}))
            cast.append(
                CastMember(entity.id, entity.name, entity.type, entity.aliases, articles, len(refs))
            )
    return sorted(cast, key=lambda m: (-len(m.articles), -m.mentions, m.name, m.entity))


def story_quote_groups(corpus: Corpus, story: Story) -> list[QuoteGroup]:
    """Quote groups with a rendering in the story, most widely reported first.

    Each group keeps only its renderings in this story's articles (a group's id is global, so
    the same utterance repeated in a later story is still recognisable there).
    """
    members = set(story.articles)
    groups = [
        replace(g, quotes=tuple(r for r in g.quotes if r.article in members))
        for g in corpus.quote_groups or []
        if any(r.article in members for r in g.quotes)
    ]
    return sorted(groups, key=lambda g: (-len({r.article for r in g.quotes}), g.id))


# --------------------------------------------------------------------------- summary


def build_summary(
    pool: SentencePool, settings: SummarySettings, documents: Sequence[Document] = ()
) -> list[SummarySentence]:
    """Central, non-redundant sentences (MMR), each citing the outlets that say the same,
    in the order of the dates they tell of (``documents`` give their time expressions)."""
    candidates = [
        i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)
    ]
    if not candidates:
        return []
    chosen = _select_mmr(pool, candidates, settings)
    dates = sentence_dates(documents, pool)
    chosen.sort(key=lambda i: (dates.get(i, ""), pool.order[i], pool.refs[i]))
    return [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]


def build_thread_summary(
    corpus: Corpus,
    thread: Thread,
    settings: SummarySettings,
    embedder: Embedder | None = None,
) -> list[SummarySentence]:
    """A thread's summary: each story's most central sentence first, then the most central of
    the rest (MMR over all the thread's articles), in the order of the dates they tell of."""
    stories = thread_stories(corpus, thread)
    documents = [
        d
        for story in stories
        for d in story_documents(corpus, story)
        if d.article.id not in corpus.duplicate_of
    ]
    pool = SentencePool.build(documents, embedder or _default_embedder())
    candidates = [
        i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)
    ]
    if not candidates:
        return []
    story_of = {a: n for n, story in enumerate(stories) for a in story.articles}
    leads = [
        _most_central(pool, [i for i in candidates if story_of[pool.refs[i].article] == n])
        for n in range(len(stories))
    ]
    seeded = [i for i in leads if i is not None][: settings.max_sentences]
    chosen = _select_mmr(pool, candidates, settings, seeded)
    dates = sentence_dates(documents, pool)
    chosen.sort(key=lambda i: (dates.get(i, ""), pool.order[i], pool.refs[i]))
    summary = [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]
    return apply_summary_hook(settings.hook, thread.title, summary)


def _most_central(pool: SentencePool, rows: list[int]) -> int | None:
    if not rows:
        return None
    vectors = pool.vectors[rows]
    centroid = vectors.mean(axis=0)
    return rows[int(np.argmax(vectors @ centroid))]


def apply_summary_hook(
    hook: str, title: str, summary: list[SummarySentence]
) -> list[SummarySentence]:
    """The user's summariser (``summary.hook``), held to the extractive summary's sources.

    Every sentence it returns must cite at least one source, all of them among the sources of
    ``summary``: a summary sentence a reader cannot check is never shown. When it breaks that
    rule (or fails), the extractive summary stands and a warning says why.
    """
    if not hook or not summary:
        return summary
    allowed = {ref for sentence in summary for ref in sentence.sources}
    try:
        rewritten = list(_load_hook(hook)(title, list(summary)))
    except Exception as error:  # the user's code: any failure falls back, with the reason
        _LOG.warning("summary hook %s failed (%s); the extractive summary is kept", hook, error)
        return summary
    uncited = [s for s in rewritten if not s.sources or not set(s.sources) <= allowed]
    if not rewritten or uncited:
        _LOG.warning(
            "summary hook %s returned %s; the extractive summary is kept",
            hook,
            "nothing"
            if not rewritten
            else f"a sentence without valid sources: {uncited[0].sentence!r}",
        )
        return summary
    return rewritten


def _load_hook(hook: str) -> Callable[[str, list[SummarySentence]], Iterable[SummarySentence]]:
    module, _, name = hook.partition(":")
    if not module or not name:
        raise ConfigError(f"summary.hook must be 'package.module:function', not {hook!r}")
    function = getattr(importlib.import_module(module), name, None)
    if not callable(function):
        raise ConfigError(f"summary.hook {hook!r}: {name} is not a function of {module}")
    return function


def sentence_dates(documents: Sequence[Document], pool: SentencePool) -> dict[int, str]:
    """Pool sentence → the date it tells of: its earliest calendar date, else its article's."""
    published = {d.article.id: d.article.published for d in documents}
    told = pool.time_values(documents)
    dates: dict[int, str] = {}
    for i, ref in enumerate(pool.refs):
        if ref.article not in published:
            continue
        calendar = [v for v in told.get(i, []) if _ISO_DATE.match(v)]
        own = published[ref.article]
        dates[i] = min(calendar) if calendar else own.iso() if own else ""
    return dates


def _select_mmr(
    pool: SentencePool,
    candidates: list[int],
    settings: SummarySettings,
    seeded: Sequence[int] = (),
) -> list[int]:
    """Maximal marginal relevance: centrality to the story, plus support from other outlets,
    minus likeness to what is chosen.

    A candidate nearly identical to a chosen sentence (another outlet's rendering) is never
    chosen again: it becomes a citation of that sentence instead. Support is the share of the
    story's other articles with a sentence that says the same, so that among equally central
    sentences the summary prefers what several outlets agree on.
    """
    vectors = pool.vectors[candidates]
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    support = _support(pool, candidates, settings.agree_similarity)
    chosen = [candidates.index(i) for i in seeded]
    open_ = [k for k in range(len(candidates)) if k not in chosen]
    while open_ and len(chosen) < settings.max_sentences:
        overlap = _max_similarity(vectors, open_, chosen)
        open_ = [k for k, o in zip(open_, overlap, strict=True) if o < settings.agree_similarity]
        if not open_:
            break
        overlap = _max_similarity(vectors, open_, chosen)
        weight = settings.relevance_weight
        scores = [
            weight * centrality[k] + settings.support_weight * support[k] - (1 - weight) * o
            for k, o in zip(open_, overlap, strict=True)
        ]
        best = open_[int(np.argmax(scores))]
        chosen.append(best)
        open_.remove(best)
    return [candidates[k] for k in chosen]


def _support(pool: SentencePool, candidates: list[int], threshold: float) -> np.ndarray:
    """Per candidate: the share of the other articles with a sentence at ``threshold``."""
    articles = sorted({r.article for r in pool.refs})
    if len(articles) < 2:
        return np.zeros(len(candidates))
    column = {a: n for n, a in enumerate(articles)}
    owner = np.array([column[r.article] for r in pool.refs])
    agree = (pool.vectors[candidates] @ pool.vectors.T) >= threshold
    shares = np.zeros(len(candidates))
    for k, row in enumerate(agree):
        others = set(owner[row]) - {column[pool.refs[candidates[k]].article]}
        shares[k] = len(others) / (len(articles) - 1)
    return shares


def _max_similarity(vectors: np.ndarray, rows: list[int], chosen: list[int]) -> list[float]:
    if not chosen:
        return [0.0] * len(rows)
    return [float(v) for v in (vectors[rows] @ vectors[chosen].T).max(axis=1)]


def _citations(pool: SentencePool, index: int, settings: SummarySettings) -> tuple[Ref, ...]:
    """The sentence itself, then the closest sentence of each other article that agrees."""
    similarity = pool.vectors @ pool.vectors[index]
    best: dict[str, int] = {}
    for other, score in enumerate(similarity):
        article = pool.refs[other].article
        if article == pool.refs[index].article or score < settings.agree_similarity:
            continue
        if article not in best or score > similarity[best[article]]:
            best[article] = other
    others = sorted(best.values(), key=lambda i: (pool.order[i], pool.refs[i]))
    return (pool.refs[index], *(pool.refs[i] for i in others))


# --------------------------------------------------------------------------- plain text


def citation_markers(articles: Sequence[Article]) -> dict[str, str]:
    """Each article's citation marker: its outlet, numbered when the outlet has several."""
    counts: dict[str, int] = {}
    for article in articles:
        counts[outlet_name(article)] = counts.get(outlet_name(article), 0) + 1
    seen: dict[str, int] = {}
    markers = {}
    for article in articles:
        outlet = outlet_name(article)
        seen[outlet] = seen.get(outlet, 0) + 1
        markers[article.id] = outlet if counts[outlet] == 1 else f"{outlet} {seen[outlet]}"
    return markers


def render_report_text(report: StoryReport) -> str:
    """A story as plain text for a terminal (``storyline show``)."""
    markers = citation_markers(report.articles)
    texts = {a.id: a.text for a in report.articles}
    names = {**report.names, **{m.entity: m.name for m in report.cast}}

    def cite(refs: Iterable[Ref]) -> str:
        return " ".join(f"[{markers.get(r.article, r.article)}]" for r in refs)

    def quoted(ref: Ref) -> str:
        return normalise_space(texts.get(ref.article, "")[ref.start : ref.end])

    story = report.story
    lines = [story.title, story.date_label(), story.description, "", "Articles:"]
    # The full id, so any article can be opened with `storyline show --article ID`.
    lines += [
        f"  [{markers[a.id]}] {a.title or '(untitled)'}  (article {a.id})" for a in report.articles
    ]
    if report.thread is not None and len(report.thread_stories) > 1:
        lines += ["", f"Thread {report.thread.id}: {report.thread.description}"]
        lines += [f"  {line}" for line in thread_link_lines(report.thread, report.thread_stories)]
    lines += ["", "Summary:", *(f"  - {s.sentence} {cite(s.sources)}" for s in report.summary)]
    lines += [
        "",
        "Timeline:",
        *(f"  {e.shown_date()}  {e.text} {cite(e.sources)}" for e in report.timeline),
    ]
    lines += [
        "",
        "Cast:",
        *(f"  {m.name} ({m.type}, {len(m.articles)} articles)" for m in report.cast),
    ]
    lines += ["", "Quotes:"]
    for group in report.quote_groups:
        lines.append(f"  {group.speaker_name or names.get(group.speaker_entity or '', '?')}:")
        lines += [f"    [{markers.get(r.article, r.article)}] {quoted(r)}" for r in group.quotes]
    lines += ["", "Outlets:"]
    for view in report.outlets:
        voices = ", ".join(
            f"{names.get(v.entity, v.entity)} ({v.quotes}, {v.words} words)"
            for v in view.voice_details
        )
        lines.append(
            f"  {view.outlet}: {len(view.articles)} article(s); quotes {voices or 'no one'}"
        )
        if report.sides:
            heard = ", ".join(view.sides_heard) or "none"
            lines.append(
                f"    sides heard: {heard}; not heard: {', '.join(view.sides_missing) or 'none'}"
            )
        lines += [f"    calls {names.get(e, e)}: {'; '.join(p)}" for e, p in view.labels.items()]
    uneven = [f for f in report.coverage if f.missing and f.outlets and f.kind != "quote"]
    if uneven:
        lines += ["", "Reported by some outlets only:"]
        lines += [
            f"  {f.date or '':10}  {f.text} {cite(f.sources)} (not in: {', '.join(f.missing)})"
            for f in uneven
        ]
    if report.conflicts:
        lines += ["", "Where outlets disagree:"]
        for conflict in report.conflicts:
            claims = "; ".join(f"{c.outlet}: {c.value} {cite([c.source])}" for c in conflict.claims)
            lines.append(f"  {conflict.kind}, {conflict.about}: {claims}")
    return "\n".join(lines) + "\n"
