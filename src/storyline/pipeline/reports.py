"""A story's report as every reader gets it (``show``, the API, the web UI): kept in the
store, built again only when what it is built from has changed.

A report is built from its story's slice of the store (``Store.story_slice``: the story's
articles, their copies, entities, quote groups and thread), never from the whole store, and
kept beside a digest of that slice, of the settings and of this version. A reader reads the
slice (it shows the articles anyway), and takes the kept report while the digest holds; a
story that ``analyze``, ``watch`` or a POST changed has another slice, so its report is built
again on first asking, and no other story's is. Writers drop the reports of the stories they
replace (``store.views``).

Reports are kept as MessagePack (``msgspec``), decoded into the report's own typed records:
a store is shared (PostgreSQL by several servers), and what is read from it is data, never
code, which ``pickle`` would be.

The membership evidence (why each article is in its story) weighs words by how rare they are
in the store. Counting that over every stored article grows with the store, so it is counted
over an even sample of :data:`BASIS_SAMPLE` articles (those whose ids hash lowest: the same
sample from every reader, whatever the ids look like), kept per process and counted again
when the store has grown by a tenth; a store of no more articles than that is counted whole,
as grouping counted it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.group.membership import Frequencies, frequencies_of
from storyline.records import Corpus
from storyline.report.story import StoryReport, build_report, membership_basis
from storyline.settings import Settings
from storyline.version import __version__

if TYPE_CHECKING:
    from storyline.annotate.embed import Embedder
    from storyline.store.store import Store

__all__ = [
    "BASIS_SAMPLE",
    "StoryView",
    "decode_report",
    "encode_report",
    "report_digest",
    "story_view",
]

#: Articles the membership evidence's word frequencies are counted over, at most. 2,000
#: articles hold the common words of news many times over; reading and counting them takes
#: 2.4 s in a store of 100,000 (1.5 s reading), once per process and store, in the first
#: report built (within the first-view times of benchmarks/bench_serve_scale.py).
BASIS_SAMPLE = 2000
#: The growth of the store, as a share of the articles counted, after which the word
#: frequencies are counted again.
RECOUNT_GROWTH = 0.1


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story's report, with the slice of the store it was built from (what its page shows
    beside it: the articles' texts, entity names, copies)."""

    report: StoryReport
    corpus: Corpus
    built: bool  # built for this request, not read from the store


def story_view(
    store: Store, story_id: str, settings: Settings, embedder: Embedder | None = None
) -> StoryView | None:
    """The report of ``story_id`` (None: no such story), kept in ``store`` for the next
    reader: read when what it is built from is unchanged, built and kept otherwise."""
    corpus = store.story_slice(story_id)
    if corpus is None:
        return None
    story = corpus.story(story_id)
    assert story is not None
    digest = report_digest(corpus, settings)
    kept = store.stored_report(story_id)
    if kept is not None and kept[0] == digest:
        report = decode_report(kept[1])
        if report is not None:
            return StoryView(report, corpus, built=False)
    if embedder is None:
        from storyline.annotate.embed import remembering_report_embedder

        embedder = remembering_report_embedder(store)
    basis = membership_basis(corpus, settings, _frequencies(store, settings))
    report = build_report(_with_sides(store, corpus), story, settings.summary, embedder, basis)
    store.save_report(story_id, digest, encode_report(report))
    return StoryView(report, corpus, built=True)


def _with_sides(store: Store, corpus: Corpus) -> Corpus:
    """The slice with what a speaker's side is read from beyond the story, as over the whole
    store: every entity a speaker may speak for (names only: a designation may name a country
    the story's articles do not, "the Russian envoy" speaks for Russia), and how the story's
    entities are written across the store ("a side stated anywhere counts")."""
    from storyline.report.compare import SIDE_MENTIONS
    from storyline.report.sides import SIDE_TYPES

    named = {e.id for e in corpus.entities or []}
    sides = [e for e in store.entities_of_types(SIDE_TYPES) if e.id not in named]
    entities = sorted([*(corpus.entities or []), *sides], key=lambda e: e.id)
    written = store.first_mention_texts(named, SIDE_MENTIONS)
    return dataclasses.replace(corpus, entities=entities, mention_texts=written)


def encode_report(report: StoryReport) -> bytes:
    import msgspec

    return msgspec.msgpack.encode(report)


def decode_report(data: bytes) -> StoryReport | None:
    """The report ``data`` holds, or None when it holds no report this version reads (kept
    by another version: it is built again)."""
    import msgspec

    try:
        return msgspec.msgpack.decode(data, type=StoryReport)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def report_digest(corpus: Corpus, settings: Settings) -> str:
    """A digest of what a story's report is built from: its slice of the store, the settings
    and this version (a new version may build reports otherwise)."""
    import msgspec

    parts = (
        __version__,
        settings.model_dump_json(),
        corpus.documents,
        sorted(corpus.duplicate_of.items()),
        corpus.stories,
        corpus.threads,
        corpus.entities,
        corpus.quote_groups,
        sorted((corpus.inferred_dates or {}).items()),
    )
    return hashlib.sha256(msgspec.msgpack.encode(parts, enc_hook=_encode_array)).hexdigest()


def _encode_array(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tobytes()
    raise NotImplementedError(f"cannot digest {type(value).__name__}")


# --------------------------------------------------------------------------- frequencies


@dataclass(frozen=True, slots=True)
class _Counted:
    articles: int  # the store's articles when they were counted
    frequencies: Frequencies


_counted: dict[tuple[str, str], _Counted] = {}
_counting = threading.Lock()


def _frequencies(store: Store, settings: Settings) -> Frequencies:
    """The word frequencies of an even sample of the store, kept per store and languages
    until it has grown by :data:`RECOUNT_GROWTH` (any growth while it is counted whole)."""
    languages = settings.annotate.languages
    key = (store.path, repr(languages))
    articles = store.article_count()
    with _counting:
        kept = _counted.get(key)
        if kept is not None and not _grown(kept.articles, articles):
            return kept.frequencies
        documents = store.load_documents(sample(store.original_ids(), BASIS_SAMPLE))
        duplicates: dict[str, str] = {}  # the sample holds no copy
        counted = _Counted(articles, frequencies_of(documents, duplicates, languages))
        _counted[key] = counted
        return counted.frequencies


def sample(ids: list[str], size: int) -> list[str]:
    """The ``size`` of ``ids`` whose hashes are lowest: an even sample of them however they
    are named (a news API's ids run in time order), the same from every reader."""
    return heapq.nsmallest(size, ids, key=lambda i: hashlib.blake2b(i.encode()).digest())


def _grown(counted: int, now: int) -> bool:
    if now == counted:
        return False
    return counted <= BASIS_SAMPLE or abs(now - counted) > RECOUNT_GROWTH * counted
