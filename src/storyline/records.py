"""The vocabulary of storyline: small explicit records passed between stages.

Every offset in every record points into ``Article.text``, the text exactly as the user gave
it (or as extracted from HTML), less the characters no store can hold (:func:`storable_text`),
so any annotation can be checked against the source.
Records are frozen; a stage that adds information returns new records (``dataclasses.replace``)
or fills the annotation slots of a :class:`Document`, which is the one mutable working record.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from storyline.ids import article_id

if TYPE_CHECKING:
    import numpy as np

#: Paragraphs of the body are joined with this separator in :attr:`Article.body_text`.
PARAGRAPH_SEPARATOR = "\n\n"

#: Characters no store, parser or page can take: NUL (PostgreSQL refuses it in text) and the
#: other C0 controls but tab and line breaks (lxml refuses them), and lone surrogates (which
#: cannot be encoded as UTF-8; JSON's ``"\\ud800"`` and file names that are not UTF-8 make
#: them).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def storable_text(value: str) -> str:
    """``value`` with what no store can hold replaced: a lone surrogate by U+FFFD, vertical
    tab and form feed by a line break (``str.splitlines`` ends lines at them), the other
    controls left out."""
    if not _UNSTORABLE.search(value):
        return value  # the same object: nothing to copy
    return _UNSTORABLE.sub(_storable_character, value)


def _storable_character(match: re.Match[str]) -> str:
    character = match.group()
    if character in "\x0b\x0c":
        return "\n"
    return "\ufffd" if character >= "\ud800" else ""


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into ``Article.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def __bool__(self) -> bool:
        # An empty span is still a span: `if quote.speaker:` must not treat Span(3, 3) as None.
        return True


class Precision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    @property
    def fineness(self) -> int:
        """0 for a year, 1 for a month, 2 for a day: larger is more precise."""
        return _FINENESS[self]


_FINENESS = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


@dataclass(frozen=True, slots=True)
class PubDate:
    """A publication date, with how precise it is and where it came from.

    ``inferred`` is true when the date was not stated by the article but deduced (for example
    from the story it belongs to); such a date is never presented as certain.
    """

    date: dt.date
    precision: Precision
    origin: str  # e.g. "input", "text: Last Modified line", "copyright line", "story"
    inferred: bool = False

    def iso(self) -> str:
        """ISO form as precise as known: ``2006``, ``2006-02`` or ``2006-02-09``."""
        if self.precision is Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


@dataclass(frozen=True, slots=True)
class Hints:
    """What is known of a page from outside it (a feed entry, a web archive's headers).

    Unlike a :class:`RawDocument`'s own ``title``, ``published`` and ``outlet``, which win over
    what cleaning finds in the page, hints fill in only what the page itself does not state.
    ``published_origin`` is kept as the date's origin, so a reader sees where it came from.
    """

    title: str | None = None
    published: str | None = None  # an ISO date, YYYY[-MM[-DD]]
    published_origin: str = "hint"
    outlet: str | None = None
    language: str | None = None  # as the server declares it (a Content-Language header)


#: The text fields of a :class:`RawDocument`, each made storable when it is made.
_RAW_TEXT_FIELDS = (
    "source",
    "text",
    "html",
    "id",
    "title",
    "published",
    "outlet",
    "url",
    "language",
)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document as read, before any cleaning.

    Exactly one of ``text`` and ``html`` is set. ``source`` says where it came from (a path,
    ``path:line`` for JSONL, ``path#record-N`` for a WARC record, or a URL).
    """

    source: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    hints: Hints | None = None
    #: The language the input states (a JSONL record's ``language``): it wins over detection.
    language: str | None = None

    def __post_init__(self) -> None:
        # Made storable here, once, whichever reader (or library caller) made the document:
        # before its id is computed and before any span is taken of its text.
        for name in _RAW_TEXT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, storable_text(value))

    @property
    def article_id(self) -> str:
        """The id of the article made from it: known before cleaning, so a re-run can skip it."""
        content = self.text if self.text is not None else self.html or ""
        return article_id(self.source, self.id, content)


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """An input that could not be read: reported, then skipped."""

    source: str
    reason: str

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 must still be printable and storable.
        object.__setattr__(self, "source", storable_text(self.source))


@dataclass(frozen=True, slots=True)
class PassedOver:
    """An input read as it should be but holding no article to analyse (a WARC record of an
    image or of a 404, a page in a language not asked for): counted, not a failure."""

    source: str
    reason: str

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 must still be printable and storable.
        object.__setattr__(self, "source", storable_text(self.source))


@dataclass(frozen=True, slots=True)
class HttpValidators:
    """What a server said identifies the version of a URL it sent (``ETag``,
    ``Last-Modified``): sent back on the next request, so an unchanged feed costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Dropped:
    """A part of the original text that cleaning left out of the body, and why."""

    span: Span
    reason: str  # e.g. "navigation", "share buttons", "appended story", "caption"


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata plus its body as spans of the original text.

    ``language`` is the ISO 639-1 code of the body's language, decided when it is cleaned
    (:func:`storyline.clean.language.article_language`); None for an article stored before
    languages were (it was annotated as English then).
    """

    id: str
    source: str
    text: str
    body: tuple[Span, ...]
    title: str | None = None
    outlet: str | None = None
    published: PubDate | None = None
    byline: str | None = None
    dateline: str | None = None
    agencies: tuple[str, ...] = ()
    url: str | None = None
    highlights: tuple[Span, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    language: str | None = None
    #: Where the title, the outlet and the byline came from ("input", "og", "json-ld",
    #: "h1", "title", "table", "domain", "text", ...), as ``PubDate.origin`` for the date;
    #: None when the field is missing or was stored before origins were.
    title_origin: str | None = None
    outlet_origin: str | None = None
    byline_origin: str | None = None

    @cached_property
    def body_view(self) -> BodyView:
        return BodyView.build(self.text, self.body)

    @property
    def body_text(self) -> str:
        """The clean body: the body spans joined by blank lines."""
        return self.body_view.text


@dataclass(frozen=True)
class BodyView:
    """The body as one string, with a map from its offsets back to ``Article.text``.

    NLP runs on ``text`` (clean paragraphs); :meth:`to_source` turns its offsets back into
    offsets of the original text, so stored annotations always point into what the user gave.
    """

    text: str
    body_starts: tuple[int, ...]
    source_spans: tuple[Span, ...]

    @classmethod
    def build(cls, source: str, spans: tuple[Span, ...]) -> BodyView:
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for span in spans:
            starts.append(offset)
            piece = span.of(source)
            parts.append(piece)
            offset += len(piece) + len(PARAGRAPH_SEPARATOR)
        return cls(PARAGRAPH_SEPARATOR.join(parts), tuple(starts), tuple(spans))

    def _segment(self, offset: int) -> int:
        return max(bisect.bisect_right(self.body_starts, offset) - 1, 0)

    def to_source(self, start: int, end: int) -> Span:
        """Map a ``[start, end)`` range of :attr:`text` to a span of the original text."""
        if not self.source_spans:
            raise ValueError("the article has an empty body")
        first = self._segment(start)
        last = self._segment(max(end - 1, start))
        src_start = self._clamp(first, start)
        src_end = self._clamp(last, max(end - 1, start)) + (1 if end > start else 0)
        return Span(src_start, max(src_end, src_start))

    def _clamp(self, segment: int, offset: int) -> int:
        source = self.source_spans[segment]
        inside = offset - self.body_starts[segment]
        return source.start + min(max(inside, 0), len(source) - 1 if len(source) else 0)

    def from_source(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a span of the original text into :attr:`text`, or None if it is not in the body."""
        for body_start, source in zip(self.body_starts, self.source_spans, strict=True):
            if source.start <= start and end <= source.end:
                return body_start + start - source.start, body_start + end - source.start
        return None


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: a name, a description standing for one ("the Russian president"),
    or a pronoun."""

    span: Span
    text: str
    # spaCy's label (PERSON, ORG, GPE, NORP, LOC, PRODUCT, ...), or storyline.annotate.nlp's
    # MISC (an unlabelled proper noun phrase), DESC (a description) or PRON (a pronoun).
    type: str


#: What every view (CLI, web, Markdown, HTML, JSON) shows for a quote without a speaker.
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True, slots=True)
class Quote:
    """Something someone said: its content, the cue verb, and the speaker as written.

    ``speaker`` is the span of the speaker mention in the attribution (possibly a pronoun);
    ``speaker_name`` is the name it stands for when known ("he" → "Vladimir Putin"); both are
    None when the evidence for a speaker is too weak to show one (the quote is unattributed).
    ``direct`` is true for quoted words, false for reported speech. A quote broken by its cue
    (``"A," he said, "b"``) has ``fragments``, the quoted pieces in order: ``content`` runs
    from the first to the last and so holds the cue, which the fragments leave out.
    """

    content: Span
    cue: Span | None
    speaker: Span | None
    speaker_name: str | None
    direct: bool
    fragments: tuple[Span, ...] = ()

    def parts(self) -> tuple[Span, ...]:
        """The spans of the quoted words: the fragments, or the whole content."""
        return self.fragments or (self.content,)

    def parts_in(self, start: int, end: int) -> tuple[Span, ...]:
        """The spans of the quoted words that lie in ``[start, end)``, clipped to it."""
        return tuple(
            Span(max(part.start, start), min(part.end, end))
            for part in self.parts()
            if min(part.end, end) > max(part.start, start)
        )

    def words(self, text: str) -> str:
        """The quoted words as one string (fragments joined by an ellipsis), cue left out."""
        return " … ".join(part.of(text).strip() for part in self.parts())


class TimexType(StrEnum):
    DATE = "DATE"
    TIME = "TIME"
    DURATION = "DURATION"
    SET = "SET"


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression and its TimeML value resolved against the publication date.

    ``value`` is a TimeML value such as ``2006-02-09``, ``2006-W06``, ``2006-01``, ``P3D``,
    ``PRESENT_REF``; ``None`` when the expression could not be resolved (no anchor date).
    ``event`` is the clause the expression dates ("Hamas, which won the elections on Jan.
    25"), when the parse was there to find it. ``reports`` says whether the expression dates
    what its sentence reports (it stands in the main clause, not in a clause describing a
    noun, an appositive or a bound such as "since 1967"); None where no parse was there to
    judge (stores analysed before storyline knew, headlines and datelines).
    """

    span: Span
    text: str
    type: TimexType
    value: str | None
    event: Span | None = None
    reports: bool | None = None


@dataclass
class Document:
    """The per-article working record: an article and the annotations stages add to it.

    A slot is ``None`` until the stage that provides it has run (the pipeline checks that
    each stage's needs are provided before anything runs). ``parse`` is the spaCy ``Doc`` of
    ``article.body_text``: transient, never stored.
    """

    article: Article
    sentences: list[Span] | None = None
    mentions: list[Mention] | None = None
    quotes: list[Quote] | None = None
    timex: list[TimeRef] | None = None
    embedding: np.ndarray | None = field(default=None, repr=False)
    #: The name of the model that made ``embedding`` (the embed stage's; None: not known).
    embedding_model: str | None = None
    parse: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    """A span of one article: ``article``'s ``text[start:end]``."""

    article: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """One real actor across all articles, with every spelling it appears under."""

    id: str
    name: str  # canonical: the most frequent full form
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One utterance and all its renderings across articles (``quotes`` are content spans)."""

    id: str
    speaker_entity: str | None
    speaker_name: str | None
    quotes: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event."""

    id: str
    articles: tuple[str, ...]
    title: str
    description: str
    start: dt.date | None
    end: dt.date | None
    #: How precisely ``start`` and ``end`` are known (the least precise of the two).
    precision: Precision = Precision.DAY

    def iso_range(self) -> tuple[str | None, str | None]:
        """``start`` and ``end`` in ISO form, as precise as known (``2007`` for a year)."""
        return (
            PubDate(self.start, self.precision, "story").iso() if self.start else None,
            PubDate(self.end, self.precision, "story").iso() if self.end else None,
        )

    def date_label(self) -> str:
        """``2006-02-09``, ``2006-02-09 to 2006-03-03``, ``2007``, or ``date unknown``."""
        start, end = self.iso_range()
        if start is None:
            return "date unknown"
        return start if end in (None, start) else f"{start} to {end}"


def stories_span(stories: Iterable[Story]) -> tuple[str, str] | None:
    """First and last date of some stories in ISO form, each as precise as its story knows it
    ("2007" for a year-precise story, never 1 January); None when none is dated.

    ISO strings order as the days they start on, a coarser date before finer ones of its
    period ("2007" < "2007-03-01"), so the extremes are plain minimum and maximum.
    """
    dates = [d for story in stories for d in story.iso_range() if d is not None]
    return (min(dates), max(dates)) if dates else None


@dataclass(frozen=True, slots=True)
class ThreadLink:
    """Why a later story continues an earlier one."""

    earlier: str
    later: str
    reason: str
    #: The cosine of the two stories' centroids: how strong the link is (threads keep their
    #: strongest links, and a regrouping that adds to a thread weighs them again).
    cosine: float = 0.0


@dataclass(frozen=True, slots=True)
class Thread:
    """A story and its later developments, in time order."""

    id: str
    stories: tuple[str, ...]
    title: str
    description: str
    links: tuple[ThreadLink, ...]


@dataclass(frozen=True, slots=True)
class NamedDate:
    """A date a story's articles name: as written in TimeML, the days it covers, how often."""

    label: str  # "2006-02-09", "2006-02", "2006" or "2006-W06"
    first: dt.date
    last: dt.date
    count: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class StoryProfile:
    """What linking stories into threads knows about one story: its centroid, its cast and
    the dates it names. Kept in the store, so that threads can be found across every story
    without reading every story's articles again."""

    story: Story
    centroid: np.ndarray
    cast: Counter[str]  # entity key → number of mentions across the story's articles
    names: dict[str, str]  # entity key → its most frequent spelling
    dates: tuple[NamedDate, ...] = ()


@dataclass
class Corpus:
    """Everything known across articles: the documents and the cross-article results.

    ``duplicate_of`` maps an article id to the id of the earliest copy of its text.
    """

    documents: list[Document]
    duplicate_of: dict[str, str] = field(default_factory=dict)
    stories: list[Story] | None = None
    threads: list[Thread] | None = None
    entities: list[Entity] | None = None
    quote_groups: list[QuoteGroup] | None = None
    #: Article id → the date its story gives an article that states none (``PubDate.inferred``).
    inferred_dates: dict[str, PubDate] | None = None
    #: Story id → what the thread stage knew of it (set by that stage, kept by the store).
    story_profiles: dict[str, StoryProfile] | None = None
    #: Entity id → the name keys it is found again under (set by the resolve stage, kept by
    #: the store, so that a later regrouping of part of the store finds its entities again).
    entity_keys: dict[str, frozenset[str]] | None = None
    #: Entity id → how its first mentions across the whole store are written, for a corpus
    #: that holds only part of the store (one story's slice): what ``entity.mentions`` would
    #: give over the whole store, which the slice's entities hold only in its own articles.
    mention_texts: dict[str, tuple[str, ...]] | None = None
    _index: dict[str, Document] = field(default_factory=dict, init=False, repr=False)
    _lookups: dict[str, tuple[object, Any]] = field(default_factory=dict, init=False, repr=False)

    def _cached(self, name: str, source: list[Any], build: Any) -> Any:
        # Lookups run once per quote and mention while presenting; rebuilding an index per call
        # would be quadratic. The index is rebuilt when the list it indexes is replaced or grows.
        key = (id(source), len(source))
        if name not in self._lookups or self._lookups[name][0] != key:
            self._lookups[name] = (key, build(source))
        return self._lookups[name][1]

    def document(self, article_id: str) -> Document:
        """The document of one article (``KeyError`` if it is not in the corpus)."""
        if len(self._index) != len(self.documents):
            self._index = {doc.article.id: doc for doc in self.documents}
        return self._index[article_id]

    def mentions_in(self, article_id: str) -> list[tuple[Ref, Entity]]:
        """Every entity mention of one article with its entity, in text order."""
        index = self._cached("mentions in order", self.entities or [], _mentions_in_order)
        return list(index.get(article_id, []))

    def entity_at(self, article_id: str, span: Span) -> Entity | None:
        """The entity one of whose mentions overlaps ``span`` of the article, if any: the
        mention with the largest overlap, then the closest boundaries, so that a name inside a
        longer mention ("Apple" in "Apple CEO Steve Jobs") finds its own entity (MEANTIME
        through analyze, where the export asked this: B-cubed F1 0.652 → 0.660).

        The resolve stage adds the spans of resolved pronouns and titles ("he", "the Russian
        president") to their entity's mentions, so a quote's speaker span finds its entity here.
        """
        best: tuple[int, int, Entity] | None = None
        index = self._cached("mentions", self.entities or [], _mention_index)
        for ref, entity in index.get(article_id, []):
            overlap = min(ref.end, span.end) - max(ref.start, span.start)
            apart = abs(ref.start - span.start) + abs(ref.end - span.end)
            if overlap > 0 and (best is None or (-overlap, apart) < (-best[0], best[1])):
                best = (overlap, apart, entity)
        return best[2] if best else None

    def group_of(self, article_id: str, content: Span) -> QuoteGroup | None:
        """The quote group holding the quote whose content is ``content``, if any; for a quote
        grouped by its fragments (utterances), the group of its first fragment."""
        index = self._cached("groups", self.quote_groups or [], _group_index)
        exact = index.get(Ref(article_id, content.start, content.end))
        if exact is not None:
            return exact
        by_article = self._cached("groups by article", self.quote_groups or [], _groups_by_article)
        inside = (
            group
            for ref, group in by_article.get(article_id, [])
            if content.start <= ref.start and ref.end <= content.end
        )
        return next(inside, None)

    def story(self, story_id: str) -> Story | None:
        index = self._cached("stories", self.stories or [], _by_id)
        return index.get(story_id)

    def entity(self, entity_id: str) -> Entity | None:
        index = self._cached("entities", self.entities or [], _by_id)
        return index.get(entity_id)

    def story_of(self, article_id: str) -> Story | None:
        index = self._cached("story of", self.stories or [], _first_holding("articles"))
        return index.get(article_id)

    def thread_of(self, story_id: str) -> Thread | None:
        index = self._cached("thread of", self.threads or [], _first_holding("stories"))
        return index.get(story_id)


def _by_id(records: list[Any]) -> dict[str, Any]:
    return {record.id: record for record in records}


def _first_holding(members: str) -> Any:
    """An index builder: each member id (of the ``members`` field) → the first record holding
    it, as a scan of the list in order finds it (a story's articles, a thread's stories)."""

    def build(records: list[Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for record in records:
            for member in getattr(record, members):
                found.setdefault(member, record)
        return found

    return build


def _mention_index(entities: list[Entity]) -> dict[str, list[tuple[Ref, Entity]]]:
    index: dict[str, list[tuple[Ref, Entity]]] = {}
    for entity in entities:
        for ref in entity.mentions:
            index.setdefault(ref.article, []).append((ref, entity))
    return index


def _mentions_in_order(entities: list[Entity]) -> dict[str, list[tuple[Ref, Entity]]]:
    """Each article's mentions with their entities, in text order."""
    index = _mention_index(entities)
    for pairs in index.values():
        pairs.sort(key=lambda pair: (pair[0].start, pair[0].end, pair[1].id))
    return index


def _group_index(groups: list[QuoteGroup]) -> dict[Ref, QuoteGroup]:
    return {ref: group for group in groups for ref in group.quotes}


def _groups_by_article(groups: list[QuoteGroup]) -> dict[str, list[tuple[Ref, QuoteGroup]]]:
    """Each article's grouped spans with their groups, in text order."""
    found: dict[str, list[tuple[Ref, QuoteGroup]]] = {}
    for group in groups:
        for ref in group.quotes:
            found.setdefault(ref.article, []).append((ref, group))
    return {article: sorted(refs, key=lambda item: item[0]) for article, refs in found.items()}
