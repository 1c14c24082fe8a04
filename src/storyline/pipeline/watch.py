"""WATCH: keep a store up to date with news feeds, a round at a time: each round crawls the
feeds (:class:`storyline.read.feeds.Crawl`) and analyses the new pages into the store."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.pipeline.analyze import AnalyzeResult, analyze
from storyline.read.feeds import Crawl, PoliteClient
from storyline.settings import Settings, load_settings
from storyline.store.store import Store

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class RoundResult:
    """What one round of :func:`watch` did: the analysis of what it fetched, the pages it did
    not fetch because an article was read from them before, and the feeds that answered 304."""

    number: int
    analysis: AnalyzeResult
    not_fetched: tuple[str, ...]
    unchanged_feeds: tuple[str, ...]

    @property
    def skipped(self) -> int:
        """Pages that added no article and are no failure: already stored, or passed over."""
        analysis = self.analysis
        return len(self.not_fetched) + len(analysis.already_stored) + len(analysis.passed_over)


def watch_round(
    number: int, feeds: Sequence[str], store: Store, settings: Settings, client: PoliteClient
) -> RoundResult:
    """Fetch the feeds and their new pages, and analyse those into the store."""
    crawl = Crawl(feeds, store, settings, client)
    analysis = analyze(crawl.documents(), db=store, settings=settings)
    crawl.remember()
    return RoundResult(number, analysis, tuple(crawl.not_fetched), tuple(crawl.unchanged_feeds))


def watch(
    feeds: Sequence[str],
    db: str | Path,
    settings: Settings | None = None,
    every: float | None = None,
    rounds: int | None = None,
    on_round: Callable[[RoundResult], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> None:
    """Keep the store at ``db`` up to date with ``feeds``: a round every ``every`` seconds
    (``feeds.every``; from the start of one to the start of the next), ``rounds`` times or
    until interrupted. ``on_round`` hears of each round as it ends. A ``KeyboardInterrupt``
    leaves the store as the last finished write left it (a write cut short is rolled back)."""
    settings = settings or load_settings()
    every = settings.feeds.every if every is None else every
    numbers = itertools.count(1) if rounds is None else range(1, rounds + 1)
    with Store(db) as store, PoliteClient(settings, transport) as client:
        for number in numbers:
            started = time.monotonic()
            result = watch_round(number, feeds, store, settings, client)
            if on_round:
                on_round(result)
            if number != rounds:
                time.sleep(max(0.0, every - (time.monotonic() - started)))
