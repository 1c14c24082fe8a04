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
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.records import (
    Article,
    Corpus,
    Document,
    Entity,
    QuoteGroup,
    Ref,
    Span,
    Story,
    Thread,
    TimexType,
    stories_span,
)
from storyline.settings import SummarySettings

if TYPE_CHECKING:
    from storyline.embed import Embedder

__all__ = [
    "CAST_TYPES",
    "CastMember",
    "OutletView",
    "SentencePool",
    "Source",
    "StoryReport",
    "SummarySentence",
    "TimelineEntry",
    "build_cast",
    "build_outlets",
    "build_report",
    "build_summary",
    "build_timeline",
    "citation_markers",
    "labels_in_article",
    "outlet_name",
    "render_report_text",
    "story_quote_groups",
    "thread_link_lines",
    "thread_stories",
    "thread_summary",
]

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


@dataclass(frozen=True)
class OutletView:
    """One outlet's coverage: its articles, how it designates actors, whom it quotes."""

    outlet: str
    articles: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]
    voices: tuple[str, ...]


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
    outlets = build_outlets(corpus, documents)
    return StoryReport(
        story=story,
        thread=thread,
        thread_stories=thread_stories(corpus, thread) if thread else [],
        articles=[d.article for d in documents],
        timeline=build_timeline(primary, pool, settings, embedder),
        cast=build_cast(corpus, primary),
        quote_groups=quote_groups,
        outlets=outlets,
        summary=build_summary(pool, settings),
        names=referenced_names(corpus, outlets, quote_groups),
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
    return {e.id: e.name for e in corpus.entities or [] if e.id in wanted}


def thread_stories(corpus: Corpus, thread: Thread) -> list[Story]:
    """The thread's stories, in the thread's (time) order."""
    by_id = {s.id: s for s in corpus.stories or []}
    return [by_id[s] for s in thread.stories if s in by_id]


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
    from storyline.embed import default_embedder

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


def normalise_space(text: str) -> str:
    return " ".join(text.split())


_PAIRED_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”")
#: An unpaired quote mark after punctuation closes a quote begun in an earlier sentence.
_CLOSING_QUOTE = re.compile(r"[,.?!]\s*[\"”]")
_TERMINAL = re.compile(r"[.!?][\"'”’)]*$")


def is_statement(text: str, min_words: int) -> bool:
    """A full sentence, not a headline, caption or dateline: long enough and punctuated."""
    return len(text.split()) >= min_words and bool(_TERMINAL.search(text))


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
    """'<outlet> reports: <title>' on the day the article came out, if that day is known."""
    if article.published is None:
        return None
    title = normalise_space(article.title or "") or "(untitled)"
    inferred = " (date inferred)" if article.published.inferred else ""
    text = f"{outlet_name(article)} reports: {title}{inferred}"
    source = _title_ref(article)
    return TimelineEntry(
        article.published.iso(),
        article.published.precision.value,
        text,
        (source,) if source else (),
        article.published.inferred,
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


# --------------------------------------------------------------------------- outlets


def build_outlets(corpus: Corpus, documents: Sequence[Document]) -> list[OutletView]:
    """Per outlet: its articles, the phrases it designates actors with, the actors it quotes."""
    by_outlet: dict[str, list[Document]] = {}
    for document in documents:
        by_outlet.setdefault(outlet_name(document.article), []).append(document)
    return [_outlet_view(corpus, name, docs) for name, docs in sorted(by_outlet.items())]


def _outlet_view(corpus: Corpus, outlet: str, documents: list[Document]) -> OutletView:
    labels: dict[str, list[str]] = {}
    for document in documents:
        for entity_id, phrases in labels_in_article(corpus, document).items():
            known = labels.setdefault(entity_id, [])
            known += [p for p in phrases if p.casefold() not in {k.casefold() for k in known}]
    return OutletView(
        outlet=outlet,
        articles=tuple(d.article.id for d in documents),
        labels={e: tuple(p) for e, p in sorted(labels.items())},
        voices=_voices(corpus, documents),
    )


def _voices(corpus: Corpus, documents: Iterable[Document]) -> tuple[str, ...]:
    """Entities the outlet quotes, most quoted first."""
    counts: dict[str, int] = {}
    for document in documents:
        for quote in document.quotes or []:
            entity = corpus.entity_at(document.article.id, quote.speaker) if quote.speaker else None
            if entity is not None:
                counts[entity.id] = counts.get(entity.id, 0) + 1
    return tuple(sorted(counts, key=lambda e: (-counts[e], e)))


# --------------------------------------------------------------------------- labels
#
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


def labels_in_article(corpus: Corpus, document: Document) -> dict[str, list[str]]:
    """Entity id → the phrases this article designates it with, in order of appearance."""
    from storyline.nlp import PRONOUN

    # A pronoun designates nothing: the words around "he" are the sentence, not a label.
    pronouns = {m.span for m in document.mentions or [] if m.type == PRONOUN}
    found: dict[str, list[str]] = {}
    for ref, entity in _mentions_in(corpus, document.article.id):
        span = Span(ref.start, ref.end)
        if span in pronouns:
            continue
        for phrase in (normalise_space(p) for p in _labels_at(document, span)):
            if _is_label(phrase, entity) and phrase not in found.get(entity.id, []):
                found.setdefault(entity.id, []).append(phrase)
    return found


def _mentions_in(corpus: Corpus, article_id: str) -> list[tuple[Ref, Entity]]:
    pairs = [(r, e) for e in corpus.entities or [] for r in e.mentions if r.article == article_id]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1].id))


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
    if not words or len(words) > _MAX_LABEL_WORDS or phrase.lower() in _names_of(entity):
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


# --------------------------------------------------------------------------- summary


def build_summary(pool: SentencePool, settings: SummarySettings) -> list[SummarySentence]:
    """Central, non-redundant sentences (MMR), each citing the outlets that say the same."""
    candidates = [
        i for i, text in enumerate(pool.texts) if is_summary_candidate(text, settings.min_words)
    ]
    if not candidates:
        return []
    chosen = _select_mmr(pool, candidates, settings)
    chosen.sort(key=lambda i: (pool.order[i], pool.refs[i]))
    return [SummarySentence(pool.texts[i], _citations(pool, i, settings)) for i in chosen]


def _select_mmr(pool: SentencePool, candidates: list[int], settings: SummarySettings) -> list[int]:
    """Maximal marginal relevance: centrality to the story, minus likeness to what is chosen.

    A candidate nearly identical to a chosen sentence (another outlet's rendering) is never
    chosen again: it becomes a citation of that sentence instead.
    """
    vectors = pool.vectors[candidates]
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    chosen: list[int] = []
    open_ = list(range(len(candidates)))
    while open_ and len(chosen) < settings.max_sentences:
        overlap = _max_similarity(vectors, open_, chosen)
        open_ = [k for k, o in zip(open_, overlap, strict=True) if o < settings.agree_similarity]
        if not open_:
            break
        overlap = _max_similarity(vectors, open_, chosen)
        weight = settings.relevance_weight
        scores = [
            weight * centrality[k] - (1 - weight) * o for k, o in zip(open_, overlap, strict=True)
        ]
        best = open_[int(np.argmax(scores))]
        chosen.append(best)
        open_.remove(best)
    return [candidates[k] for k in chosen]


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
        voices = ", ".join(names.get(v, v) for v in view.voices) or "none"
        lines.append(f"  {view.outlet}: {len(view.articles)} article(s); quotes {voices}")
        lines += [f"    calls {names.get(e, e)}: {'; '.join(p)}" for e, p in view.labels.items()]
    return "\n".join(lines) + "\n"
