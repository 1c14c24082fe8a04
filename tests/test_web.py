"""The web UI in a real browser (Debian's chromium, driven by Playwright) against a server on
127.0.0.1 loaded with the seeds, and hostile article text that must never run (on every page;
tests/test_security.py checks the same pages' HTML without a browser). With the network off
(every request for another host refused), the API's docs render and the pages work."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from conftest import EXAMPLE_DIR, ROOT
from storyline.records import Span
from storyline.serve.pages import linkable_url, segments

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Where the run leaves its screenshots of the story and article pages.
SCREENSHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS", ROOT / ".screenshots"))
INVITATION = "Putin to invite Hamas to Moscow"


def test_segments_tile_the_paragraph_and_carry_their_marks() -> None:
    text = "Putin met Mashaal in Moscow on Friday."
    marks = [(Span(0, 5), "entity", "Vladimir Putin"), (Span(31, 37), "date", "2006-03-03")]
    pieces = segments(text, marks, Span(0, len(text)))
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.kinds) for p in pieces if p.kinds] == [
        ("Putin", ("entity",)),
        ("Friday", ("date",)),
    ]
    assert all(a.end == b.start for a, b in pairwise(pieces))


def test_only_http_and_https_addresses_become_links() -> None:
    assert linkable_url("https://news.example/a?b=1&c=<d>") == "https://news.example/a?b=1&c=<d>"
    assert linkable_url("HTTP://News.Example/x") == "http://News.Example/x"
    # What a browser would follow as script, data or another scheme; or no host at all.
    for unsafe in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " \x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//news.example/a",
        "/relative/path",
        "http:///no-host",
        "http://[::1",
        "",
        None,
    ):
        assert linkable_url(unsafe) is None, unsafe
    # A browser drops tabs and line breaks from an address: the link carries that reading.
    assert linkable_url(" https://news.example/a\tb") == "https://news.example/ab"


@pytest.mark.slow
def test_the_story_list_is_paged_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    import storyline
    from storyline.serve import pages as web
    from storyline.serve.app import create_app

    db = tmp_path / "storyline.db"
    storyline.analyze([EXAMPLE_DIR], db=db)
    monkeypatch.setattr(web, "STORIES_PER_PAGE", 2)
    client = TestClient(create_app(db))
    first, second = client.get("/").text, client.get("/", params={"page": 2}).text
    assert "3 stories, newest first; 1–2 shown" in first and "Older →" in first
    assert "Russia downgrades ties with Hamas" in first  # 2007, the newest
    assert "3–3 shown" in second and "← Newer" in second and "Older" not in second
    assert client.get("/", params={"page": 0}).status_code == 422
    # The invitation story's page leads on through its thread: the visit, the downgrade.
    invitation = next(
        i["id"] for i in client.get("/api/stories").json()["items"] if i["title"] == INVITATION
    )
    page = client.get(f"/stories/{invitation}").text
    thread = page.split('<nav class="thread"', 1)[1].split("</nav>", 1)[0]
    assert "Thread (3 stories)" in thread and f"<strong>2006-02-09 {INVITATION}</strong>" in thread
    assert "Hamas Retains Hard Line During Moscow Visit" in thread
    assert "Russia downgrades ties with Hamas" in thread


# --------------------------------------------------------------------------- a live server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn on 127.0.0.1 over a store of the seeds and one hostile article."""
    import uvicorn

    import storyline
    from storyline.serve.app import create_app

    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(HOSTILE + "\n" + LINKED + "\n", encoding="utf-8")
    db = folder / "storyline.db"
    storyline.analyze([EXAMPLE_DIR, hostile], db=db)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


HOSTILE = (
    '{"id": "hostile", "outlet": "<b onmouseover=\\"window.__xss=3\\">Evil Wire</b>", '
    '"url": "javascript:window.__xss=5", '
    '"published": "2019-05-02", "title": "<script>window.__xss=1</script>River floods Dorset", '
    '"text": "The river Stour burst its banks in Dorset on Wednesday, the council said. '
    '<img src=x onerror=\\"window.__xss=2\\"> Firefighters said the water <script>'
    "window.__xss=4</script> had reached the old bridge. Residents of the nearby town said "
    'they moved their cars to higher ground and that the roads stayed closed on Thursday."}'
)


#: An article whose original is a page elsewhere (its address escaped on the way).
LINKED_URL = "https://news.example.org/dorset/stour-floods?day=2&src=<feed>"
LINKED = (
    '{"id": "linked-stour", "outlet": "Dorset Echo", "published": "2019-05-03", '
    f'"url": "{LINKED_URL}", "title": "Bridge over the Stour reopens", '
    '"text": "The old bridge over the river Stour in Dorset reopened on Friday after the water '
    'went down, the county council said. Residents said the roads were open again by noon."}'
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (.ci/run installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    yield opened
    context.close()


def test_the_story_list_opens_the_invitation_story_with_its_three_outlets(
    server: str, page: Page
) -> None:

    page.goto(server + "/")
    page.click(f"text={INVITATION}")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == INVITATION
    outlets = page.locator("table.outlets tbody tr td:first-child strong").all_inner_texts()
    assert len(outlets) == 3 and "Al Jazeera" in outlets
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story.png"), full_page=False)


def test_clicking_a_summary_sentence_highlights_its_source(server: str, page: Page) -> None:

    page.goto(server + "/")
    page.click(f"text={INVITATION}")
    page.mouse.move(0, 0)  # off the summary: pointing at a sentence lights it too
    assert page.locator(".seg.hl").count() == 0
    first = page.locator("ol.summary li").first
    sentence = first.inner_text().split("\n")[0]
    first.click()
    lit = page.locator(".seg.hl")
    assert lit.count() >= 1
    assert lit.first.is_visible()
    # What lights up is the sentence itself, in its article.
    words = sentence.split()[:4]
    assert " ".join(words) in " ".join(" ".join(lit.all_inner_texts()).split())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "story-cited.png"), full_page=False)
    # Pointing at another sentence lights its sources; leaving it brings back the clicked one.
    second = page.locator("ol.summary li").nth(1)
    second.hover()
    pointed = " ".join(" ".join(page.locator(".seg.hl").all_inner_texts()).split())
    assert " ".join(second.inner_text().split()[:4]) in pointed
    page.hover("h1")
    assert " ".join(words) in " ".join(" ".join(page.locator(".seg.hl").all_inner_texts()).split())


def test_searching_kalugin_finds_him(server: str, page: Page) -> None:

    page.goto(server + "/")
    page.fill("input[name=q]", "Kalugin")
    page.click("header button")
    page.wait_for_url("**/?q=Kalugin")
    assert INVITATION in page.inner_text("table.stories")
    page.click(f"text={INVITATION}")
    page.click('a.pill:has-text("Aleksandr Kalugin")')
    assert page.inner_text("h1") == "Aleksandr Kalugin"


def test_the_article_page_marks_entities_quotes_and_dates(server: str, page: Page) -> None:

    page.goto(server + "/")
    page.click(f"text={INVITATION}")
    page.click("section.sources h3 a >> nth=0")
    for kind in ("entity", "quote", "date"):
        assert page.locator(f"div.body mark.{kind}").count() >= 1, kind
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article.png"), full_page=False)


def test_hostile_text_in_titles_bodies_and_outlets_never_runs(server: str, page: Page) -> None:

    page.goto(server + "/?q=Dorset")
    assert "<script>" in page.inner_text("table.stories")  # shown, as text
    page.goto(server + "/articles/hostile")
    assert "Evil Wire" in page.inner_text("p.meta")
    import httpx

    entities = httpx.get(server + "/api/articles/hostile").json()["entities"]
    entity = next(m["entity"] for m in entities if m["entity"])  # its page lists the story
    for link in ("/", "/?q=Dorset", "/articles/hostile", f"/entities/{entity}"):
        page.goto(server + link)
        page.mouse.move(10, 10)
        assert page.evaluate("window.__xss") is None, link
        assert page.locator("main script, main img").count() == 0
    page.goto(server + "/?q=Dorset")
    story_links = page.locator("table.stories a")
    for n in range(story_links.count()):
        page.goto(server + "/?q=Dorset")
        page.locator("table.stories a").nth(n).click()
        for row in page.locator("table.outlets tr").all():
            row.hover()
        assert page.evaluate("window.__xss") is None


# --------------------------------------------------------------------------- the network off


@pytest.fixture
def offline(browser: Browser) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A page that can reach 127.0.0.1 only: every request for another host is refused and
    noted (service workers blocked, so none goes round the routing), as are script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    outside: list[str] = []
    errors: list[str] = []

    def local_only(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", local_only)
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    yield opened, outside, errors
    context.close()


def test_the_api_docs_render_with_the_network_off(
    server: str, offline: tuple[Page, list[str], list[str]]
) -> None:
    page, outside, errors = offline
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server + "/docs")
    # Swagger UI ran (its script came from this server) and listed the API's operations.
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = [
        p.replace("\u200b", "") for p in page.locator(".opblock-summary-path").all_inner_texts()
    ]
    assert "/api/stories" in paths and "/api/articles/{article_id}" in paths
    page.screenshot(path=str(SCREENSHOTS / "docs.png"))
    page.goto(server + "/redoc")
    # ReDoc ran and laid out each operation under its summary.
    page.wait_for_selector(
        'h2:has-text("Stories, newest first, filtered and paged")', timeout=15_000
    )
    assert page.locator('h2:has-text("One article with its annotations")').count() == 1
    page.screenshot(path=str(SCREENSHOTS / "redoc.png"))
    assert outside == [] and errors == []


def test_an_unknown_id_is_a_page_that_leads_back(
    server: str, offline: tuple[Page, list[str], list[str]]
) -> None:
    page, outside, errors = offline
    for path in ("/stories/nosuch", "/articles/nosuch", "/entities/nosuch"):
        answer = page.goto(server + path)
        assert answer is not None and answer.status == 404, path
        assert "nosuch" in page.inner_text("main p.error-message"), path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "not-found.png"))
    page.click("main a.back")
    page.wait_for_url(server + "/")
    assert INVITATION in page.inner_text("table.stories")
    assert outside == [] and errors == []


def test_the_article_page_links_to_its_original(
    server: str, offline: tuple[Page, list[str], list[str]]
) -> None:
    page, outside, errors = offline
    page.goto(server + "/articles/linked")  # a beginning of its id: redirected to the article
    assert page.url == server + "/articles/linked-stour"
    link = page.locator("p.original a")
    assert link.get_attribute("href") == LINKED_URL
    assert set((link.get_attribute("rel") or "").split()) >= {"noopener", "noreferrer"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article-original.png"))
    # A javascript: address is no link; it is shown, and clicking about the page runs nothing.
    page.goto(server + "/articles/hostile")
    assert "javascript:window.__xss=5" in page.inner_text("p.original")
    assert page.locator("p.original a").count() == 0
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert not [h for h in hrefs if not h.startswith(("http://", "https://"))]
    page.click("p.original")
    assert page.evaluate("window.__xss") is None
    assert outside == [] and errors == []
