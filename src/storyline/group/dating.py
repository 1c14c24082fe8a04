"""Dates for undated articles, from the stories they belong to.

A page saved without its date line still reports the same event as the dated articles of its
story, and was published when they were: its date is one of theirs. Which one is decided by
what the article itself says: resolved against the right day, its time expressions ("on
Thursday", "last month") name the days its siblings name. The date is marked inferred (origin
``story``), never presented as stated, and the article's time expressions are resolved again
against it.

An article dated only by a year or a month whose story is dated to the day gets the day the
same way, if that day lies within its own year or month.

This stage runs after grouping, so no story or thread depends on a date it inferred; on the
next run the inferred dates are worked out again from the stories as they are then.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Sequence
from typing import ClassVar

from storyline.annotate.languages import annotated
from storyline.annotate.timex.finder import time_refs
from storyline.dates import DateRange, most_precise
from storyline.records import Corpus, Document, PubDate, TimeRef
from storyline.settings import default_settings

#: ``PubDate.origin`` of a date taken from the article's story.
STORY_ORIGIN = "story"


class DatingStage:
    """Provides ``inferred_dates``: a date for each undated article its story can date."""

    name: ClassVar[str] = "dating"
    needs: ClassVar[frozenset[str]] = frozenset({"stories", "timex"})
    provides: ClassVar[frozenset[str]] = frozenset({"inferred_dates"})

    def __init__(self, languages: Collection[str] | None = None) -> None:
        # The time-expression rules are English: an article in another language has none
        # found again against its new date (annotate.languages, as when it was annotated).
        self._languages = default_settings().annotate.languages if languages is None else languages

    def __call__(self, corpus: Corpus) -> Corpus:
        inferred: dict[str, PubDate] = {}
        for story in corpus.stories or []:
            members = [corpus.document(article_id) for article_id in story.articles]
            named = named_values(members)
            for document in members:
                published = date_from_story(document, members, named, self._languages)
                if published is not None:
                    inferred[document.article.id] = published
        # Applied once all are found, so that no inference depends on the order of articles.
        for article_id, published in inferred.items():
            apply_date(corpus.document(article_id), published, self._languages)
        corpus.inferred_dates = inferred
        return corpus


def apply_date(
    document: Document, published: PubDate, languages: Collection[str] | None = None
) -> None:
    """Give ``document`` an inferred date and its time expressions resolved against it."""
    document.article = dataclasses.replace(document.article, published=published)
    document.timex = _time_refs(document, published, languages, events=document.timex or [])


def _time_refs(
    document: Document,
    published: PubDate,
    languages: Collection[str] | None,
    events: Sequence[TimeRef] = (),
) -> list[TimeRef]:
    """The article's time expressions against ``published``; none for an article in a
    language other than ``languages`` (default: all), which the English rules do not read."""
    if languages is not None and not annotated(document.article, languages):
        return []
    return time_refs(document.article, published, events)


def named_values(members: Sequence[Document]) -> Counter[str]:
    """How often the story's time expressions name each value.

    An article's own values count too: they are the same under every candidate date (an
    undated article resolves only absolute expressions), so they never change which one wins.
    """
    return Counter(t.value for m in members for t in m.timex or [] if t.value)


def date_from_story(
    document: Document,
    members: Sequence[Document],
    named: Counter[str] | None = None,
    languages: Collection[str] | None = None,
) -> PubDate | None:
    """The date ``document`` gets from its story, or None when it needs or gets none.

    Candidates are the most precise publication dates its siblings state (within the article's
    own year or month, if it has one); the one under which the article's time expressions name
    the most values the story's expressions name (``named``, from :func:`named_values` when
    not given) wins, then the day most siblings were published on, then the earliest.
    """
    own = document.article.published
    stated = [m.article.published for m in members if m is not document]
    kept = most_precise(p for p in stated if p is not None and not p.inferred)
    if not kept or (own is not None and own.precision.fineness >= kept[0].precision.fineness):
        return None
    if own is not None:
        within = DateRange.of(own)
        kept = [p for p in kept if within.first <= p.date <= within.last]
        if not kept:
            return None
    named = named_values(members) if named is None else named
    published_on = Counter(p.date for p in kept)

    def fit(day: PubDate) -> tuple[int, int, int]:
        resolved = {t.value for t in _time_refs(document, day, languages) if t.value}
        return (
            sum(1 for v in resolved if v in named),
            published_on[day.date],
            -day.date.toordinal(),
        )

    candidates = list({p.date: p for p in kept}.values())
    # One candidate needs no fitting (fitting resolves the article's expressions once more).
    best = candidates[0] if len(candidates) == 1 else max(candidates, key=fit)
    return PubDate(best.date, best.precision, STORY_ORIGIN, inferred=True)
