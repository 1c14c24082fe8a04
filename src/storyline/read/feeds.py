"""FEEDS: RSS and Atom feeds and the article pages they link to, fetched politely, read as
raw documents for ``analyze`` (the watcher that runs rounds of them is
:mod:`storyline.pipeline.watch`).

A round (:class:`Crawl`) fetches each feed, then each page it links to that no stored
article was read from. Politeness, per host: at least ``feeds.host_interval`` seconds between
the end of one request and the start of the next (longer if its robots.txt asks with
``Crawl-delay``); robots.txt is honoured (RFC 9309: fetched once a day, a missing one allows
everything, an unreachable one forbids everything until asked again); every request names
storyline in its User-Agent and gives up after ``feeds.timeout`` seconds. A feed is asked for
with the ETag and Last-Modified it last came with (kept in the store, behind
:class:`FeedMemory`), so an unchanged feed costs one 304.

A page that cannot be had (a timeout, a 4xx or 5xx, robots.txt refuses it, it is not HTML)
becomes a :class:`ReadFailure` with a one-line reason, and the round goes on. A feed entry's
title, date and the feed's own title fill in a page's title, date and outlet when the page
states none (:class:`~storyline.records.Hints`).

The network is one edge: :class:`PoliteClient` takes an httpx transport, so tests can give
it one that never leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from storyline.errors import FetchFailed
from storyline.read.files import size_label
from storyline.read.pages import decode_html, is_html, language_refusal, media_type
from storyline.records import Hints, HttpValidators, PassedOver, RawDocument, ReadFailure
from storyline.settings import Settings

if TYPE_CHECKING:
    import httpx

    from storyline.read.files import ReadResult

#: Redirects followed from one URL; each hop waits its host's turn and asks its robots.txt.
MAX_REDIRECTS = 5
#: RFC 9309 §2.4: a robots.txt is not used for longer than a day.
ROBOTS_MAX_AGE = 24 * 3600.0
#: An unreachable robots.txt forbids the host this long, then is asked for again.
ROBOTS_RETRY = 600.0
#: HTTP statuses worth asking again for later: the server is busy or broken for now.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response; the body (of a 2xx, at most the size limit) read whole."""

    url: str  # after redirects
    status: int
    reason: str  # the status's reason phrase
    content: bytes
    content_type: str | None
    content_language: str | None
    validators: HttpValidators


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str
    title: str | None
    published: str | None  # ISO day


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    title: str | None
    entries: tuple[FeedEntry, ...]


class PoliteClient:
    """GET requests that name storyline, wait their host's turn and ask its robots.txt."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        import httpx  # lazily: only feeds need it

        from storyline.version import __version__

        self.user_agent = settings.feeds.user_agent.format(version=__version__)
        self._settings = settings.feeds
        self._max_bytes = settings.read.max_file_bytes
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent},
            timeout=settings.feeds.timeout,
            transport=transport,
            follow_redirects=False,  # each hop goes through robots.txt and the host's turn
        )
        self._robots: dict[str, tuple[RobotFileParser, float]] = {}
        self._interval: dict[str, float] = {}
        self._last_done: dict[str, float] = {}

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, validators: HttpValidators | None = None) -> Fetched:
        """``url`` after redirects (a 2xx or a 304), asked for conditionally when
        ``validators`` are given; raises :class:`FetchFailed` with a one-line reason."""
        headers = _conditional_headers(validators)
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(url)
            fetched, location = self._send(url, headers)
            if location is None:
                _check_status(fetched)
                return fetched
            url = location
        raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects")

    def _send(self, url: str, headers: dict[str, str]) -> tuple[Fetched, str | None]:
        """One request, in its host's turn: the response, and where it redirects to if it
        does."""
        import httpx

        host = urlsplit(url).hostname or ""
        self._wait_turn(host)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.has_redirect_location:
                    return _fetched(url, response, b""), urljoin(url, response.headers["location"])
                ok = response.status_code < 300
                return _fetched(url, response, self._body(url, response) if ok else b""), None
        except httpx.TimeoutException as exc:
            timeout = f"{self._settings.timeout:g}"
            raise FetchFailed(url, f"timed out after {timeout} s", transient=True) from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(url, f"cannot fetch ({type(exc).__name__}: {exc})", True) from exc
        finally:
            self._last_done[host] = time.monotonic()

    def _wait_turn(self, host: str) -> None:
        last = self._last_done.get(host)
        if last is None:
            return
        interval = max(self._settings.host_interval, self._interval.get(host, 0.0))
        wait = last + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _body(self, url: str, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                limit = size_label(self._max_bytes)
                raise FetchFailed(url, f"larger than {limit} limit (read.max_file_bytes)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules, expires = self._robots.get(origin, (None, 0.0))
        if rules is None or expires < time.monotonic():
            rules = self._fetch_robots(origin, parts.hostname or "")
        if not rules.can_fetch(self.user_agent, url):
            raise FetchFailed(url, "disallowed by robots.txt")

    def _fetch_robots(self, origin: str, host: str) -> RobotFileParser:
        """The host's rules (RFC 9309 §2.3.1): as written; everything allowed when there is
        none (4xx); nothing allowed while it cannot be had (5xx, no answer), for a while."""
        rules, max_age = RobotFileParser(f"{origin}/robots.txt"), ROBOTS_MAX_AGE
        try:
            fetched, location = self._send(f"{origin}/robots.txt", {})
            if location is not None:  # a moved robots.txt is followed, once
                fetched, _ = self._send(location, {})
        except FetchFailed:
            fetched = None
        if fetched is not None and fetched.status < 300:
            rules.parse(fetched.content.decode("utf-8", errors="replace").splitlines())
        elif fetched is not None and 400 <= fetched.status < 500:
            rules.parse([])  # no rules: everything allowed
        else:
            rules.parse(["User-agent: *", "Disallow: /"])
            max_age = ROBOTS_RETRY
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self._interval[host] = float(delay)
        self._robots[origin] = (rules, time.monotonic() + max_age)
        return rules


def _conditional_headers(validators: HttpValidators | None) -> dict[str, str]:
    headers = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _check_status(fetched: Fetched) -> None:
    status = fetched.status
    if status < 300 or status == 304:
        return
    transient = status >= 500 or status in TRANSIENT_STATUSES
    raise FetchFailed(fetched.url, f"HTTP {status} {fetched.reason}".strip(), transient)


def _fetched(url: str, response: httpx.Response, content: bytes) -> Fetched:
    headers = response.headers
    return Fetched(
        url=url,
        status=response.status_code,
        reason=response.reason_phrase,
        content=content,
        content_type=headers.get("content-type"),
        content_language=headers.get("content-language"),
        validators=HttpValidators(headers.get("etag"), headers.get("last-modified")),
    )


def parse_feed(fetched: Fetched) -> Feed:
    """The entries of an RSS or Atom feed; raises :class:`FetchFailed` for anything else."""
    import feedparser  # lazily: only feeds need it

    # Given bytes, never a URL: feedparser would fetch a URL itself, impolitely.
    parsed = feedparser.parse(
        io.BytesIO(fetched.content),
        response_headers={"content-location": fetched.url, "content-type": fetched.content_type},
    )
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        detail = f" ({str(why).splitlines()[0]})" if why else ""
        raise FetchFailed(fetched.url, f"not an RSS or Atom feed{detail}")
    entries = (_entry(fetched.url, entry) for entry in parsed.entries)
    return Feed(fetched.url, parsed.feed.get("title") or None, tuple(e for e in entries if e))


def _entry(feed_url: str, entry: Any) -> FeedEntry | None:
    link = entry.get("link")
    if not link:
        return None
    day = entry.get("published_parsed") or entry.get("updated_parsed")
    published = dt.date(day.tm_year, day.tm_mon, day.tm_mday).isoformat() if day else None
    return FeedEntry(urljoin(feed_url, link), entry.get("title") or None, published)


class FeedMemory(Protocol):
    """What a crawl remembers between rounds (the store keeps it): the validators each feed
    last came with, and which pages articles were read from already."""

    def http_validators(self, url: str) -> HttpValidators | None: ...

    def save_http_validators(self, validators: dict[str, HttpValidators]) -> None: ...

    def known_sources(self, sources: Iterable[str]) -> set[str]: ...


class Crawl:
    """One round over some feeds: their new pages, as a stream of documents for ``analyze``.

    A feed's validators are remembered (:meth:`remember`, once the pages are analysed) only
    when none of its pages failed for a passing reason, so such a page is asked for again next
    round rather than waiting for the feed to change.
    """

    def __init__(
        self, feeds: Sequence[str], store: FeedMemory, settings: Settings, client: PoliteClient
    ) -> None:
        self._feeds, self._store, self._client = feeds, store, client
        self._languages = settings.read.languages
        self.not_fetched: list[str] = []
        self.unchanged_feeds: list[str] = []
        self._validators: dict[str, HttpValidators] = {}
        self._seen: set[str] = set()

    def documents(self) -> Iterator[ReadResult]:
        for url in self._feeds:
            yield from self._feed(url)

    def remember(self) -> None:
        """Keep the validators of the feeds read this round, for the next round to send."""
        self._store.save_http_validators(self._validators)

    def _feed(self, url: str) -> Iterator[ReadResult]:
        try:
            fetched = self._client.get(url, self._store.http_validators(url))
            if fetched.status == 304:
                self.unchanged_feeds.append(url)
                return
            feed = parse_feed(fetched)
        except FetchFailed as exc:
            yield ReadFailure(url, exc.reason)
            return
        retry = False
        for entry in feed.entries:
            try:
                page = self._page(entry, feed.title)
            except FetchFailed as exc:
                retry = retry or exc.transient
                page = ReadFailure(entry.link, exc.reason)
            if page is not None:
                yield page
        if not retry and fetched.validators != HttpValidators():
            self._validators[url] = fetched.validators

    def _page(self, entry: FeedEntry, outlet: str | None) -> ReadResult | None:
        """The entry's page; None when this round or a stored article has it already."""
        if entry.link in self._seen:
            return None
        self._seen.add(entry.link)
        if self._store.known_sources([entry.link]):
            self.not_fetched.append(entry.link)
            return None
        fetched = self._client.get(entry.link)
        if not is_html(fetched.content_type):
            kind = media_type(fetched.content_type) or "no content type"
            raise FetchFailed(entry.link, f"not HTML ({kind})")
        html = decode_html(fetched.content, fetched.content_type)
        refusal = language_refusal(html, fetched.content_language, self._languages)
        if refusal:
            return PassedOver(entry.link, refusal)
        hints = Hints(entry.title, entry.published, "feed entry", outlet, fetched.content_language)
        return RawDocument(source=entry.link, html=html, url=fetched.url, hints=hints)
