"""FEEDS and `storyline watch`, against a news site served on 127.0.0.1 by the test: pages
fetched, robots.txt honoured, a feed asked for again only conditionally, one host never asked
twice within the interval, failures reported one line each, and a round into a store."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.read.feeds import Crawl, PoliteClient
from storyline.records import Article, Document, PassedOver, RawDocument, ReadFailure, Span
from storyline.settings import Settings
from storyline.store.store import Store
from webpages import news_page

INTERVAL = 0.15  # seconds between two requests to the site, in these tests
TIMEOUT = 0.4  # seconds a request may take; the slow page takes longer
SLOW_PAGE_SECONDS = 1.0
RSS_ETAG = '"rss-1"'
ATOM_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Valley Courier</title><link>/</link>
<item><title>Bridge reopens (feed title)</title><link>/news/bridge</link>
  <pubDate>Thu, 02 May 2024 09:00:00 GMT</pubDate></item>
<item><title>Library opens on Sundays</title><link>/news/library</link></item>
<item><title>Members only</title><link>/private/secret</link></item>
<item><title>Annual report</title><link>/files/report.pdf</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Courier</title>
<id>urn:courier</id><updated>2024-05-01T10:00:00Z</updated>
<entry><title>Apples lost to frost</title><link href="/news/orchard"/><id>urn:o</id>
  <updated>2024-05-01T08:00:00Z</updated></entry>
<entry><title>Library opens on Sundays</title><link href="/news/library"/><id>urn:l</id>
  <updated>2024-05-01T08:00:00Z</updated></entry>
<entry><title>Hafenbrücke</title><link href="/news/german"/><id>urn:g</id>
  <updated>2024-05-01T08:00:00Z</updated></entry>
<entry><title>Broken</title><link href="/news/broken"/><id>urn:b</id>
  <updated>2024-05-01T08:00:00Z</updated></entry>
<entry><title>Slow</title><link href="/news/slow"/><id>urn:s</id>
  <updated>2024-05-01T08:00:00Z</updated></entry>
</feed>"""

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


@dataclass
class Site:
    """What the server answers, and every request it got."""

    hits: list[Hit] = field(default_factory=list)
    failing: bool = True  # /news/broken answers 500 and /news/slow too slowly, while true

    def answer(self, path: str, headers: Message) -> tuple[int, dict[str, str], bytes]:
        pages = {
            "/news/bridge": news_page("bridge", "Harbour bridge reopens", published="2024-04-30"),
            "/news/library": news_page("library", "Library opens on Sundays"),
            "/news/orchard": news_page("orchard", title=None),
            "/news/german": news_page("german", "Hafenbrücke", lang="de"),
            "/private/secret": news_page("bridge", "Secret"),
            "/news/broken": news_page("bridge", "Fixed"),
            "/news/slow": news_page("library", "Slow"),
        }
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/rss.xml":
            if headers.get("If-None-Match") == RSS_ETAG:
                return 304, {"ETag": RSS_ETAG}, b""
            return 200, {"Content-Type": "application/rss+xml", "ETag": RSS_ETAG}, RSS.encode()
        if path == "/atom.xml":
            if headers.get("If-Modified-Since") == ATOM_MODIFIED:
                return 304, {}, b""
            atom_headers = {"Content-Type": "application/atom+xml", "Last-Modified": ATOM_MODIFIED}
            return 200, atom_headers, ATOM.encode()
        if path == "/files/report.pdf":
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"
        if path == "/news/broken" and self.failing:
            return 500, {"Content-Type": HTML}, b"<p>oops</p>"
        if path == "/news/slow" and self.failing:
            time.sleep(SLOW_PAGE_SECONDS)
        if path in pages:
            return 200, {"Content-Type": HTML}, pages[path].encode()
        return 404, {"Content-Type": HTML}, b"<p>not found</p>"

    def paths(self, since: int = 0) -> list[str]:
        return [hit.path for hit in self.hits[since:]]

    def hit(self, path: str, since: int = 0) -> Hit:
        [found] = [hit for hit in self.hits[since:] if hit.path == path]
        return found


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the slow page's client has gone when it answers: expected


@dataclass(frozen=True)
class Server:
    site: Site
    base: str

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            site.hits.append(Hit(self.path, headers, time.monotonic()))
            status, answer_headers, body = site.answer(self.path, self.headers)
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = _Quiet(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(site, f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def polite(settings: Settings) -> Settings:
    feeds = settings.feeds.model_copy(update={"host_interval": INTERVAL, "timeout": TIMEOUT})
    return settings.model_copy(update={"feeds": feeds})


def crawl_round(server: Server, store: Store, settings: Settings) -> tuple[Crawl, list[Any]]:
    feeds = [server.url("/rss.xml"), server.url("/atom.xml")]
    with PoliteClient(settings) as client:
        crawl = Crawl(feeds, store, settings, client)
        results = list(crawl.documents())
    crawl.remember()
    return crawl, results


def by_path(server: Server, results: list[Any]) -> dict[str, Any]:
    return {r.source.removeprefix(server.base): r for r in results}


def test_a_round_fetches_the_pages_of_both_feeds_and_reports_each_failure(
    server: Server, polite: Settings, tmp_path: Path
) -> None:
    with Store(tmp_path / "store.db") as store:
        _, results = crawl_round(server, store, polite)
    found = by_path(server, results)
    documents = {p for p, r in found.items() if isinstance(r, RawDocument)}
    assert documents == {"/news/bridge", "/news/library", "/news/orchard"}
    reasons = {p: r.reason for p, r in found.items() if isinstance(r, ReadFailure)}
    assert reasons == {
        "/private/secret": "disallowed by robots.txt",
        "/files/report.pdf": "not HTML (application/pdf)",
        "/news/broken": "HTTP 500 Internal Server Error",
        "/news/slow": f"timed out after {TIMEOUT:g} s",
    }
    german = found["/news/german"]
    assert isinstance(german, PassedOver) and german.reason.startswith("language de")
    # The feed entry and the feed fill in what the page may lack; the page's own win.
    orchard, bridge = found["/news/orchard"], found["/news/bridge"]
    assert orchard.hints.title == "Apples lost to frost"
    assert orchard.hints.published == "2024-05-01" and orchard.hints.outlet == "Valley Courier"
    assert bridge.hints.published == "2024-05-02" and bridge.url == server.url("/news/bridge")
    assert "four hundred rivets" in bridge.html


def test_robots_txt_is_asked_once_and_a_disallowed_page_never_requested(
    server: Server, polite: Settings, tmp_path: Path
) -> None:
    with Store(tmp_path / "store.db") as store:
        crawl_round(server, store, polite)
    paths = server.site.paths()
    assert paths.count("/robots.txt") == 1 and paths[0] == "/robots.txt"
    assert not any(p.startswith("/private/") for p in paths)
    assert paths.count("/news/library") == 1  # in both feeds, fetched once
    agents = {hit.headers["user-agent"] for hit in server.site.hits}
    assert len(agents) == 1 and agents.pop().startswith("storyline/")


def test_requests_to_one_host_keep_the_interval(
    server: Server, polite: Settings, tmp_path: Path
) -> None:
    with Store(tmp_path / "store.db") as store:
        crawl_round(server, store, polite)
    times = [hit.at for hit in server.site.hits]
    assert len(times) >= 10
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= INTERVAL - 0.01, gaps


@pytest.mark.slow
def test_a_feed_is_asked_for_conditionally_unless_a_page_of_it_failed_for_now(
    server: Server, polite: Settings, tmp_path: Path
) -> None:
    rss, atom = server.url("/rss.xml"), server.url("/atom.xml")
    with Store(tmp_path / "store.db") as store:
        crawl_round(server, store, polite)
        assert "if-none-match" not in server.site.hit("/rss.xml").headers
        mark = len(server.site.hits)
        second, _ = crawl_round(server, store, polite)
        assert server.site.hit("/rss.xml", mark).headers["if-none-match"] == RSS_ETAG
        assert second.unchanged_feeds == [rss]
        # The Atom feed's 500 and timeout may pass: asked for whole again, those pages too.
        assert "if-modified-since" not in server.site.hit("/atom.xml", mark).headers
        assert {"/news/broken", "/news/slow"} <= set(server.site.paths(mark))
        assert "/news/bridge" not in server.site.paths(mark)  # the RSS feed did not change
        server.site.failing = False
        crawl_round(server, store, polite)
        mark = len(server.site.hits)
        fourth, _ = crawl_round(server, store, polite)
        assert server.site.hit("/atom.xml", mark).headers["if-modified-since"] == ATOM_MODIFIED
        assert fourth.unchanged_feeds == [rss, atom]


def test_a_page_a_stored_article_was_read_from_is_not_fetched(
    server: Server, polite: Settings, tmp_path: Path
) -> None:
    link = server.url("/news/bridge")
    text = "The harbour bridge reopened."
    stored = Article(id="a-bridge", source=link, text=text, body=(Span(0, len(text)),))
    with Store(tmp_path / "store.db") as store:
        store.save_documents([Document(stored)])
        crawl, results = crawl_round(server, store, polite)
    assert crawl.not_fetched == [link]
    assert "/news/bridge" not in server.site.paths()
    assert link not in {r.source for r in results}


@pytest.mark.slow
def test_watch_once_keeps_a_store_up_to_date_and_stops_on_ctrl_c(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.pipeline.watch

    config = tmp_path / "storyline.toml"
    config.write_text(f"[feeds]\nhost_interval = {INTERVAL}\ntimeout = {TIMEOUT}\n", "utf-8")
    db = tmp_path / "store.db"
    feeds = [server.url("/rss.xml"), server.url("/atom.xml")]
    args = ["watch", *feeds, "--db", str(db), "--config", str(config)]
    runner = CliRunner()
    first = runner.invoke(app, [*args, "--once"])
    assert first.exit_code == 3, first.output
    assert "round 1: 3 new articles, 1 skipped, 4 failed; 0 of 2 feeds unchanged" in first.stdout
    assert f"failed {server.url('/private/secret')}: disallowed by robots.txt" in first.stderr
    with Store(db) as store:
        articles = {d.article.source: d.article for d in store.load_documents()}
    stored_pages = {"/news/bridge", "/news/library", "/news/orchard"}
    assert set(articles) == {server.url(p) for p in stored_pages}
    orchard = articles[server.url("/news/orchard")]
    assert orchard.title == "Apples lost to frost" and orchard.outlet == "Valley Courier"
    assert orchard.published and orchard.published.iso() == "2024-05-01"
    assert orchard.published.origin == "feed entry"
    bridge = articles[server.url("/news/bridge")]
    assert bridge.title == "Harbour bridge reopens"  # the page's own title and date win
    assert bridge.published and bridge.published.iso() == "2024-04-30"

    # Without --once it goes on until Ctrl-C (here: during the wait after the first round).
    real_sleep = time.sleep

    def interrupted(seconds: float) -> None:
        if seconds > 60:
            raise KeyboardInterrupt
        real_sleep(seconds)

    monkeypatch.setattr(storyline.pipeline.watch.time, "sleep", interrupted)
    mark = len(server.site.hits)
    second = runner.invoke(app, [*args, "--every", "3600"])
    assert second.exit_code == 0, second.output
    assert "round 1: 0 new articles, 3 skipped, 2 failed; 1 of 2 feeds unchanged" in second.stdout
    assert "stopped" in second.stderr
    assert not stored_pages & set(server.site.paths(mark))
