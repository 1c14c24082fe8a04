"""What a reader sees of a story: timeline, cast, quote groups, outlet comparison, summary.

:func:`build_report` composes the small builders of this package over a resolved
:class:`Corpus`: :mod:`~storyline.report.timeline`, :mod:`~storyline.report.cast`,
:mod:`~storyline.report.compare` and :mod:`~storyline.report.summary`, all reading one
:class:`~storyline.report.sentences.SentencePool`. Every piece of text shown is backed by
sources (:class:`Ref` spans into an article's ``text``), so a reader can check each claim
against what the outlet wrote. Duplicate articles (wire copies) are listed but never count
as separate sources. :mod:`storyline.report.render` lays a report out as text, Markdown,
HTML or JSON rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyline.group.membership import (
    Frequencies,
    Membership,
    MembershipBasis,
    membership_reason,
    story_membership,
)
from storyline.group.membership import membership_basis as count_basis
from storyline.records import Article, Corpus, QuoteGroup, Ref, Story, Thread, stories_span
from storyline.report.articles import embedder_or_default, story_documents, thread_stories
from storyline.report.cast import (
    CastMember,
    SpeakerQuotes,
    build_cast,
    quotes_by_speaker,
    story_quote_groups,
    utterance_text,
)
from storyline.report.compare import Fact, OutletView, build_comparison
from storyline.report.conflicts import Conflict
from storyline.report.event_dates import dated_sentences
from storyline.report.sentences import SentencePool
from storyline.report.summary import SummarySentence, apply_summary_hook, build_summary
from storyline.report.timeline import TimelineEntry, build_background, build_timeline
from storyline.settings import Settings, SummarySettings, default_settings

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder

__all__ = [
    "Source",
    "StoryReport",
    "ThreadStep",
    "build_report",
    "membership_basis",
    "membership_lines",
    "referenced_names",
    "story_languages",
    "story_reports",
    "thread_steps",
    "thread_summary",
]

#: A source is a span of one article's text.
Source = Ref


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
    # What each rendering in the quote groups says (cast.utterance_text): every view shows it.
    quote_texts: dict[Ref, str]
    # Why each article after the first (in ``articles``' order) is in the story.
    membership: list[Membership]
    # What the articles say of times a year or more before the story: not its events, so
    # neither on the timeline nor on its chart.
    background: list[TimelineEntry] = field(default_factory=list)

    def quotes_by_speaker(self) -> list[SpeakerQuotes]:
        """The quote groups under one heading per speaker, in the story's order: what every
        view that lists them shows."""
        return quotes_by_speaker(self.quote_groups, self.names)

    def languages(self) -> tuple[str, ...]:
        """The languages of the story's articles (see :func:`story_languages`)."""
        return story_languages(self.articles)

    def mixes_languages(self) -> bool:
        """Whether its articles are in more than one language: then every view says which
        ("languages en, de"), and gives each article's language beside it."""
        return len(self.languages()) > 1

    def language_of(self, article: Article) -> str | None:
        """The language every view shows beside ``article``: its code when the story mixes
        languages (one language throughout goes without saying), else None."""
        return article.language if self.mixes_languages() else None


def build_report(
    corpus: Corpus,
    story: Story,
    settings: SummarySettings,
    embedder: Embedder | None = None,
    basis: MembershipBasis | None = None,
) -> StoryReport:
    """Everything a reader sees of one story. ``basis`` (:func:`membership_basis`) is counted
    over the corpus when not given: reports of many stories of one corpus should share one."""
    documents = story_documents(corpus, story)
    primary = [d for d in documents if d.article.id not in corpus.duplicate_of]
    embedder = embedder_or_default(embedder)
    pool = SentencePool.build(primary, embedder)
    thread = corpus.thread_of(story.id)
    quote_groups = story_quote_groups(corpus, story)
    dated = dated_sentences(primary, pool, settings.min_words)
    timeline = build_timeline(primary, pool, settings, embedder, dated)
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
            settings.hook, story.title, build_summary(pool, settings, primary, dated)
        ),
        names=referenced_names(corpus, comparison.outlets, quote_groups),
        quote_texts={r: utterance_text(corpus, r) for g in quote_groups for r in g.quotes},
        sides=comparison.sides,
        coverage=comparison.coverage,
        conflicts=comparison.conflicts,
        membership=story_membership(
            corpus,
            story,
            basis or membership_basis(corpus),
            [d.article.id for d in documents],
        ),
        background=build_background(primary, pool, settings, embedder, dated),
    )


def story_languages(articles: Sequence[Article]) -> tuple[str, ...]:
    """The languages (ISO 639-1) of a story's articles, the one most of them are in first (ties
    by code); an article whose language is unknown adds none."""
    counts = Counter(a.language for a in articles if a.language)
    return tuple(sorted(counts, key=lambda code: (-counts[code], code)))


def membership_basis(
    corpus: Corpus, settings: Settings | None = None, frequencies: Frequencies | None = None
) -> MembershipBasis:
    """What explaining the corpus's stories needs, under the settings stories were built with
    (the shipped ones by default): counted once, shared by every report over the corpus; with
    ``frequencies``, those document frequencies instead of the corpus's own (a reader of one
    story of a large store counts them over a sample, ``pipeline.reports``)."""
    chosen = settings or default_settings()
    return count_basis(corpus, chosen.stories, chosen.annotate.languages, frequencies)


def membership_lines(report: StoryReport, markers: Mapping[str, str]) -> list[str]:
    """Why the story holds each of its articles, one line each, articles named by their
    citation ``markers``: the first article, then "2006-02-09 [Al Jazeera]: closest to
    [unknown 1] — shares Hamas, Putin; ..." or "... [AP 2]: copy of [AP 1]"."""
    if not report.membership:
        return []
    dates = {a.id: _own_date(a) for a in report.articles}

    def label(article_id: str) -> str:
        return f"[{markers.get(article_id, article_id)}]"

    first = report.articles[0].id
    lines = [f"{dates[first]} {label(first)}: the first article"]
    for member in report.membership:
        head = f"{dates.get(member.article, 'undated')} {label(member.article)}"
        if member.copy_of is not None:
            lines.append(f"{head}: copy of {label(member.copy_of)}")
        elif member.closest is None:
            lines.append(f"{head}: {membership_reason(member)}")
        else:
            lines.append(
                f"{head}: closest to {label(member.closest)} — {membership_reason(member)}"
            )
    return lines


def _own_date(article: Article) -> str:
    """The date the article states; one its story gave it is no evidence, so it reads as none."""
    published = article.published
    return published.iso() if published and not published.inferred else "undated"


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


@dataclass(frozen=True, slots=True)
class ThreadStep:
    """A story of a thread, in the thread's order, with why it continues the one before."""

    story: Story
    continues_because: str | None


def thread_steps(corpus: Corpus, thread: Thread | None) -> list[ThreadStep]:
    """The stories of a thread in time order, each with why it continues the one before."""
    if thread is None:
        return []
    why = {link.later: link.reason for link in thread.links}
    return [ThreadStep(story, why.get(story.id)) for story in thread_stories(corpus, thread)]


def story_reports(
    corpus: Corpus,
    settings: SummarySettings,
    embedder: Embedder | None = None,
    basis: MembershipBasis | None = None,
) -> list[StoryReport]:
    """A report per story, oldest story first (undated last), ties by id."""
    stories = sorted(corpus.stories or [], key=_story_key)
    if stories and basis is None:
        basis = membership_basis(corpus)
    return [build_report(corpus, story, settings, embedder, basis) for story in stories]


def _story_key(story: Story) -> tuple[str, str]:
    return (story.start.isoformat() if story.start else "9999", story.id)
