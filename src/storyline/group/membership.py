"""Why each article is in its story: the evidence the story rule weighs, shown for one pair.

An article joins a story by average linkage over pair scores (:mod:`storyline.group.stories`),
so no single pair decides it; but every article has a member it scores highest with, and that
pair's parts say in plain terms what the articles share: the names they both mention, the
distinctive words they both use, how alike their embeddings are, whether they talk about the
same year or render one quote, how many days apart they came out. A copy (the dedup stage's
``duplicate_of``) is in its original's story because it is a copy, and says so.

Scores are worked out again at report time from the stored articles, through the rule's own
pieces (:func:`~storyline.group.stories.profile_of`,
:func:`~storyline.group.story_index.score_pairs`), so the evidence follows the rule as it
changes. The document frequencies are counted over every article of the corpus but copies
(what story building counts), once per corpus (:func:`membership_basis`), or handed in: a
reader of one story of a large store counts them over an even sample of it
(``pipeline.reports``). A story's scores cost one small matrix over its own articles.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.errors import PipelineError
from storyline.group.stories import (
    SHORT_KEY_CHARS,
    entity_key,
    name_words,
    profile_of,
    quote_groups_by_article,
)
from storyline.group.story_index import (
    CANNOT_LINK,
    PairScores,
    Profile,
    TermTable,
    score_pairs,
    seen_table,
)
from storyline.records import Corpus, Document, Precision, Story
from storyline.settings import StorySettings

__all__ = [
    "Frequencies",
    "Membership",
    "MembershipBasis",
    "PairEvidence",
    "frequencies_of",
    "membership_basis",
    "membership_reason",
    "story_membership",
]

#: How many shared names, and how many shared words, a member's evidence lists.
EVIDENCE_NAMES = 3
EVIDENCE_WORDS = 3

_POSSESSIVE = re.compile(r"['’]s$")

YEARS_AGREE = "agree"
YEARS_DISAGREE = "disagree"
YEARS_UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Frequencies:
    """In how many articles each term and each name key occurs, over ``documents`` articles."""

    terms: Counter[str]
    cast: Counter[str]
    documents: int


@dataclass(frozen=True, slots=True)
class MembershipBasis:
    """What explaining any story of a corpus needs: the rule's settings, the corpus's
    document frequencies, the quote groups each article has a quote in, and the languages
    the models annotate (``annotate.languages``; None: the packaged ones), as stories were
    built with them."""

    settings: StorySettings
    frequencies: Frequencies
    quote_groups: Mapping[str, frozenset[str]]
    languages: Collection[str] | None = None


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """One pair's score under the story rule, and its parts."""

    score: float  # CANNOT_LINK: the rule never lets these two link directly
    dense: float  # cosine of the embeddings
    words: float  # TF-IDF cosine of words and word pairs
    names: float  # TF-IDF cosine of people, organisations and places
    years: str  # YEARS_AGREE, YEARS_DISAGREE or YEARS_UNKNOWN
    shared_quote: bool  # the two render one utterance


@dataclass(frozen=True, slots=True)
class Membership:
    """Why one article is in its story: the member it is closest to, and what they share."""

    article: str
    closest: str | None  # None: the story has no other article to compare it with
    evidence: PairEvidence | None
    names: tuple[str, ...]  # shared names, as the article writes them, most mentioned first
    words: tuple[str, ...]  # shared distinctive words, rarest in the corpus first
    days_apart: int | None  # None: a date unknown or not exact to the day
    copy_of: str | None  # the article it is a copy of (the dedup stage's duplicate_of)


def membership_basis(
    corpus: Corpus,
    settings: StorySettings,
    languages: Collection[str] | None = None,
    frequencies: Frequencies | None = None,
) -> MembershipBasis:
    """Counts over the corpus that every story's evidence shares (copies left out, as story
    building leaves them out); ``frequencies`` counted already (:func:`frequencies_of`) are
    taken as they are."""
    if frequencies is None:
        frequencies = frequencies_of(corpus.documents, corpus.duplicate_of, languages)
    return MembershipBasis(settings, frequencies, quote_groups_by_article(corpus), languages)


def frequencies_of(
    documents: Iterable[Document],
    duplicate_of: Mapping[str, str],
    languages: Collection[str] | None = None,
) -> Frequencies:
    """In how many of ``documents`` (copies left out) each term and name key occurs."""
    terms: Counter[str] = Counter()
    cast: Counter[str] = Counter()
    counted = 0
    for document in documents:
        if document.article.id in duplicate_of:
            continue
        profile = _profile(document, frozenset(), languages)
        if profile is None:
            continue
        terms.update(profile.terms.keys())
        cast.update(profile.cast.keys())
        counted += 1
    return Frequencies(terms, cast, counted)


def story_membership(
    corpus: Corpus, story: Story, basis: MembershipBasis, order: Sequence[str] | None = None
) -> list[Membership]:
    """Why each article of ``story`` after the first (in ``order``, by default the story's)
    is in it. Articles the rule cannot score (no embedding, mentions or time expressions)
    are left out."""
    documents = [corpus.document(a) for a in (order or story.articles)]
    found = [
        (d, p)
        for d in documents
        if (p := _profile(d, _quoted(basis, d), basis.languages)) is not None
    ]
    if len(found) < 2:
        return []
    profiles = [p for _, p in found]
    pairs = score_pairs(basis.settings, profiles, *_tables(profiles, basis.frequencies))
    ids = [p.article_id for p in profiles]
    originals = np.array([a not in corpus.duplicate_of for a in ids])
    members = []
    for row, (document, profile) in enumerate(found[1:], start=1):
        copy_of = corpus.duplicate_of.get(profile.article_id)
        partner = ids.index(copy_of) if copy_of in ids else _closest(pairs, row, originals)
        if partner is None:
            members.append(Membership(profile.article_id, None, None, (), (), None, copy_of))
            continue
        other = found[partner]
        members.append(
            Membership(
                article=profile.article_id,
                closest=other[1].article_id,
                evidence=_evidence(pairs, row, partner),
                names=shared_names(document, profile, other[1]),
                words=shared_words(profile, other[1], basis.frequencies),
                days_apart=days_apart(profile, other[1]),
                copy_of=copy_of,
            )
        )
    return members


def _profile(
    document: Document, quote_groups: frozenset[str], languages: Collection[str] | None
) -> Profile | None:
    """The article as story building saw it: a date the story gave it afterwards is no date."""
    try:
        profile = profile_of(document, quote_groups, languages)
    except PipelineError:
        return None
    if profile.published is not None and profile.published.inferred:
        return dataclasses.replace(profile, published=None)
    return profile


def _quoted(basis: MembershipBasis, document: Document) -> frozenset[str]:
    return basis.quote_groups.get(document.article.id, frozenset())


def _tables(profiles: Sequence[Profile], frequencies: Frequencies) -> tuple[TermTable, TermTable]:
    """Term tables holding the corpus's frequencies of the terms and names these articles use."""
    terms = {t for p in profiles for t in p.terms}
    cast = {k for p in profiles for k in p.cast}
    return (
        seen_table({t: frequencies.terms[t] for t in terms}, frequencies.documents),
        seen_table({k: frequencies.cast[k] for k in cast}, frequencies.documents),
    )


def _closest(pairs: PairScores, row: int, allowed: np.ndarray) -> int | None:
    """The allowed row (not ``row``) ``row`` scores highest with; the first on ties."""
    candidates = allowed.copy()
    candidates[row] = False
    if not candidates.any():
        return None
    return int(np.argmax(np.where(candidates, pairs.scores[row], -np.inf)))


def _evidence(pairs: PairScores, row: int, other: int) -> PairEvidence:
    year = pairs.years[row, other]
    return PairEvidence(
        score=round(float(pairs.scores[row, other]), 4),
        dense=round(float(pairs.dense[row, other]), 4),
        words=round(float(pairs.words[row, other]), 4),
        names=round(float(pairs.names[row, other]), 4),
        years=YEARS_AGREE if year > 0 else YEARS_DISAGREE if year < 0 else YEARS_UNKNOWN,
        shared_quote=bool(pairs.quotes[row, other]),
    )


def shared_names(document: Document, profile: Profile, other: Profile) -> tuple[str, ...]:
    """The names both articles mention (by entity key), as ``document`` writes them, the most
    mentioned (in both) first."""
    shared = [k for k in profile.cast if k in other.cast and len(k) > SHORT_KEY_CHARS]
    shared.sort(key=lambda k: (-(profile.cast[k] + other.cast[k]), k))
    written: dict[str, Counter[str]] = {}
    for mention in document.mentions or []:
        key = entity_key(mention)
        if key in shared[:EVIDENCE_NAMES]:
            written.setdefault(key, Counter())[" ".join(mention.text.split())] += 1
    return tuple(
        max(written[k].items(), key=lambda item: (item[1], len(item[0])))[0] if k in written else k
        for k in shared[:EVIDENCE_NAMES]
    )


def shared_words(profile: Profile, other: Profile, frequencies: Frequencies) -> tuple[str, ...]:
    """Single words both articles use, rarest in the corpus first (then the most used by
    both); words of the names they share are left out (the names say them)."""
    name_parts = {w for k in profile.cast if k in other.cast for w in name_words(k)}
    shared = [
        t
        for t in profile.terms
        if t in other.terms
        and " " not in t
        and not t.isdigit()
        and _POSSESSIVE.sub("", t) not in name_parts
    ]
    shared.sort(key=lambda t: (frequencies.terms[t], -min(profile.terms[t], other.terms[t]), t))
    return tuple(shared[:EVIDENCE_WORDS])


def days_apart(profile: Profile, other: Profile) -> int | None:
    """Days between two publication dates known to the day; None otherwise."""
    dates = [p.published for p in (profile, other)]
    if any(d is None or d.precision is not Precision.DAY for d in dates):
        return None
    first, second = (d.date for d in dates if d is not None)
    return abs((second - first).days)


def membership_reason(member: Membership) -> str:
    """What ``member`` shares with its closest member, in a few words: "shares Hamas, Putin,
    Moscow; words "invite", "radical"; score 0.61 (embedding cos 0.86, words 0.40, names 0.55);
    same day". Says only "a copy" for a copy."""
    if member.copy_of is not None:
        return "a copy"
    evidence = member.evidence
    if evidence is None:
        return "no other article to compare it with"
    parts = []
    if member.names:
        parts.append(f"shares {', '.join(member.names)}")
    if member.words:
        parts.append(f"words {', '.join(f'“{w}”' for w in member.words)}")
    score = "cannot link directly" if evidence.score <= CANNOT_LINK else f"{evidence.score:.2f}"
    parts.append(
        f"score {score} (embedding cos {evidence.dense:.2f}, words {evidence.words:.2f}, "
        f"names {evidence.names:.2f})"
    )
    if evidence.years != YEARS_UNKNOWN:
        parts.append(
            f"{'same' if evidence.years == YEARS_AGREE else 'different'} year talked about"
        )
    if evidence.shared_quote:
        parts.append("quotes the same words")
    parts.append(_days(member.days_apart))
    return "; ".join(parts)


def _days(days: int | None) -> str:
    if days is None:
        return "days apart unknown"
    if days == 0:
        return "same day"
    return f"{days} day{'s' if days != 1 else ''} apart"
