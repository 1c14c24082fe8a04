"""The HTTP API over a store of the seeds: listing, search, one story, article, entity,
outlets, adding articles, and one error shape for every refusal."""

from __future__ import annotations

import json
import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE_DIR, error_of
from storyline.serve.app import DOCS_ASSETS, create_app
from storyline.serve.guards import API_LIMITS


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import storyline

    db = tmp_path_factory.mktemp("api") / "storyline.db"
    storyline.analyze([EXAMPLE_DIR], db=db)
    return db


@pytest.fixture(scope="module")
def client(seeds_db: Path) -> TestClient:
    return TestClient(create_app(seeds_db))


def invitation_id(client: TestClient) -> str:
    items = client.get("/api/stories", params={"q": "Kalugin"}).json()["items"]
    return next(i["id"] for i in items if i["title"] == "Putin to invite Hamas to Moscow")


def test_stories_newest_first_with_outlets_and_counts(client: TestClient) -> None:
    page = client.get("/api/stories").json()
    assert page["total"] == 3 and page["offset"] == 0
    titles = [i["title"] for i in page["items"]]
    assert titles[0] == "Russia downgrades ties with Hamas"  # 2007, the newest
    invitation = next(i for i in page["items"] if i["title"] == "Putin to invite Hamas to Moscow")
    assert invitation["articles"] == 3 and "Al Jazeera" in invitation["outlets"]


def test_search_paging_and_filters(client: TestClient) -> None:
    found = client.get("/api/stories", params={"q": "Kalugin"}).json()
    assert "Putin to invite Hamas to Moscow" in [i["title"] for i in found["items"]]
    assert client.get("/api/stories", params={"q": "zzzunheardof"}).json()["total"] == 0
    # Words are words: FTS5 syntax in a query is no error.
    assert client.get("/api/stories", params={"q": 'AND "* NEAR('}).status_code == 200
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert len(page["items"]) == 1 and page["total"] == 3
    dated = client.get("/api/stories", params={"since": "2007-01-01"}).json()
    assert [i["title"] for i in dated["items"]] == ["Russia downgrades ties with Hamas"]
    by_outlet = client.get("/api/stories", params={"outlet": "RFE/RL"}).json()
    assert [i["title"] for i in by_outlet["items"]] == [
        "Russia: Hamas Retains Hard Line During Moscow Visit"
    ]


def test_one_story_holds_the_whole_report(client: TestClient) -> None:
    story = client.get(f"/api/stories/{invitation_id(client)}").json()
    for field in ("timeline", "cast", "quote_groups", "outlets", "coverage", "summary"):
        assert story[field], field
    assert len(story["article_items"]) == 3
    assert all(s["sources"] for s in story["summary"])


def test_a_story_says_why_it_holds_each_article(client: TestClient) -> None:
    story = client.get(f"/api/stories/{invitation_id(client)}").json()
    membership = story["membership"]
    ids = [item["id"] for item in story["article_items"]]
    assert len(membership) == len(ids) - 1  # every article after the first
    for member in membership:
        assert member["article"] in ids and member["closest"] in ids
        assert set(member["evidence"]) >= {"score", "embedding", "words", "names", "years"}
        assert member["reason"].startswith("shares ")
    assert "Hamas" in {name for m in membership for name in m["names"]}
    page = client.get(f"/stories/{story['id']}").text
    assert "Why these articles are one story" in page and "closest to [" in page


def test_article_entity_and_outlets(client: TestClient) -> None:
    story = client.get(f"/api/stories/{invitation_id(client)}").json()
    article_id = story["articles"][0]
    article = client.get(f"/api/articles/{article_id}", params={"dropped": True}).json()
    assert article["id"] == article_id and article["entities"] and "dropped" in article
    assert article["language"] == "en"
    putin = next(m for m in story["cast"] if m["name"] == "Vladimir Putin")
    entity = client.get(f"/api/entities/{putin['entity']}").json()
    assert entity["name"] == "Vladimir Putin" and story["id"] in entity["stories"]
    assert entity["quote_groups"]
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()}
    assert outlets["Al Jazeera"] == {"outlet": "Al Jazeera", "articles": 1, "stories": 1}


def test_unknown_ids_are_404_in_the_error_shape(client: TestClient) -> None:
    for path in ("/api/stories/nope", "/api/articles/nope", "/api/entities/nope"):
        assert "nope" in error_of(client.get(path), 404)["message"]
    error_of(client.get("/api/no/such/route"), 404)
    # The API takes full ids only: a beginning of one is no id (the pages redirect it).
    story = invitation_id(client)
    error_of(client.get(f"/api/stories/{story[:6]}"), 404)


def test_bad_requests_are_refused_in_the_error_shape(client: TestClient) -> None:
    error_of(client.get("/api/stories", params={"limit": API_LIMITS.page + 1}), 422)
    assert (
        "text"
        in error_of(client.post("/api/articles", json=[{"title": "No text"}]), 422)["message"]
    )
    too_many = [{"text": "x"}] * (API_LIMITS.articles + 1)
    error_of(client.post("/api/articles", json=too_many), 422)
    big = b"[" + b" " * API_LIMITS.body_bytes + b"]"
    error_of(
        client.post("/api/articles", content=big, headers={"content-type": "application/json"}),
        413,
    )


def test_added_articles_join_stories_and_adding_again_is_a_no_op(
    seeds_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(seeds_db, db)
    client = TestClient(create_app(db))
    article = {
        "id": "posted-1",
        "outlet": "Test Wire",
        "url": "https://wire.example/2006/02/10/hamas-accepts",
        "published": "2006-02-10",
        "title": "Hamas accepts Putin's invitation to Moscow",
        "text": (
            "Hamas leader Khaled Meshaal said on Friday his movement would accept an invitation "
            "from Russian President Vladimir Putin for talks in Moscow. Putin had said on "
            "Thursday that he would invite the leaders of Hamas, which won the Palestinian "
            "elections on Jan. 25, to Moscow. Israel said the invitation was a mistake."
        ),
    }
    first = client.post("/api/articles", json=[article]).json()
    assert first["added"] == ["posted-1"] and len(first["stories"]) == 1
    assert client.get("/api/articles/posted-1").json()["outlet"] == "Test Wire"
    assert client.get("/api/articles/posted-1").json()["url"] == article["url"]
    again = client.post("/api/articles", json=[article]).json()
    assert again["added"] == [] and again["already_stored"] == ["posted-1"]
    assert client.get("/api/stories").json()["total"] >= 3
    # Characters no store can hold (a lone surrogate, NUL, controls) are posted as JSON
    # escapes: the article is stored without them, not answered with a 500.
    hostile = {**article, "id": "posted-2", "text": article["text"] + " \ud800\x00\x01 Fine."}
    escaped = json.dumps([hostile])  # "\\ud800", as a client in any language may send it
    posted = client.post(
        "/api/articles", content=escaped, headers={"content-type": "application/json"}
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["added"] == ["posted-2"]
    stored = client.get("/api/articles/posted-2").json()["text"]
    assert stored.endswith(" \ufffd Fine.") and "\x00" not in stored


def test_openapi_docs_are_served_from_the_app_itself(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "storyline"
    for docs, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        page = client.get(docs)
        assert page.status_code == 200 and asset in page.text
        # Every script, style sheet and icon the page names is this server's (offline: no CDN).
        named = re.findall(r'(?:src|href)="([^"]*)"', page.text)
        assert named and all(u.startswith("/") and not u.startswith("//") for u in named), named
        assert "fonts.googleapis" not in page.text
        for url in named:
            assert client.get(url).status_code == 200, url
    assert "SwaggerUIBundle" in client.get(f"{DOCS_ASSETS}/swagger-ui-bundle.js").text


def test_every_page_has_its_icon(client: TestClient) -> None:
    for path in ("/favicon.ico", "/favicon.svg"):
        icon = client.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert icon.text.startswith("<svg")
        assert client.head(path).status_code == 200
    assert '<link rel="icon" href="/favicon.svg"' in client.get("/").text


# --------------------------------------------------------------------------- pages


def test_a_page_refuses_with_a_page_and_the_api_with_json(client: TestClient) -> None:
    for path in ("/stories/nosuch", "/articles/nosuch", "/entities/nosuch", "/threads/nosuch"):
        page = client.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert '<a class="back" href="/">' in page.text and "nosuch" in page.text, path
    # What was asked for is shown as text, never as markup.
    hostile = client.get("/articles/<img src=x onerror=alert(1)>")
    assert hostile.status_code == 404 and "<img" not in hostile.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile.text
    unknown = client.get("/no/such/route")
    assert unknown.status_code == 404 and "There is no page at /no/such/route" in unknown.text
    invalid = client.get("/", params={"page": 0})
    assert invalid.status_code == 422 and "greater than or equal to 1" in invalid.text
    assert '<a class="back" href="/">' in invalid.text
    error_of(client.get("/api/stories", params={"limit": 0}), 422)  # the API's stays JSON


def test_a_failing_page_is_a_page_and_a_failing_route_json(
    seeds_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.errors import StoreError
    from storyline.serve.views import StoreReader

    def broken(*args: object) -> list[object]:
        raise RuntimeError("secret <detail>")

    def refused(*args: object) -> list[object]:
        raise StoreError("cannot read <the store>")

    failing = TestClient(create_app(seeds_db), raise_server_exceptions=False)
    monkeypatch.setattr(StoreReader, "stories", broken)
    page = failing.get("/")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "secret" not in page.text and '<a class="back" href="/">' in page.text
    error = error_of(failing.get("/api/stories"), 500)
    assert error["code"] == "internal_error" and "secret" not in error["message"]
    monkeypatch.setattr(StoreReader, "stories", refused)
    page = failing.get("/")
    assert page.status_code == 500 and "cannot read &lt;the store&gt;" in page.text


def test_pages_take_the_beginning_of_an_id_as_the_cli_does(client: TestClient) -> None:
    story = client.get(f"/api/stories/{invitation_id(client)}").json()
    article = story["articles"][0]
    putin = next(m["entity"] for m in story["cast"] if m["name"] == "Vladimir Putin")
    for page, full in (
        ("/stories/{}", story["id"]),
        ("/articles/{}", article),
        ("/entities/{}", putin),
        ("/entities/{}/timeline", putin),
    ):
        short = client.get(page.format(full[:-3]), follow_redirects=False)
        assert short.status_code == 302 and short.headers["location"] == page.format(full)
        assert client.get(page.format(full[:-3])).status_code == 200
    thread = client.get("/threads/" + story["thread"][:-3], follow_redirects=False)
    assert thread.headers["location"] == f"/threads/{story['thread']}/timeline"
    kept = client.get(
        f"/threads/{story['thread'][:-3]}/timeline?since=2006", follow_redirects=False
    )
    assert kept.headers["location"] == f"/threads/{story['thread']}/timeline?since=2006"
    # A beginning several ids share: each is offered, linked, with its name.
    entities = client.get("/api/articles/" + article).json()["entities"]
    ids = sorted({m["entity"] for m in entities if m["entity"]})
    shared = next(a[:n] for a, b in pairwise(ids) for n in range(len(a), 0, -1) if a[:n] == b[:n])
    several = client.get(f"/entities/{shared}")
    assert several.status_code == 409 and "begins several entity ids" in several.text
    offered = re.findall(r'<a href="/entities/([^"]+)"><code>', several.text)
    assert len(offered) >= 2 and all(o.startswith(shared) for o in offered)
    assert '<a class="back" href="/">' in several.text


def test_a_change_made_elsewhere_is_seen_at_once_and_only_its_story_is_built_again(
    seeds_db: Path, tmp_path: Path
) -> None:
    import storyline
    from storyline.serve.views import StoreReader, StoryFilter
    from storyline.settings import default_settings
    from storyline.store.store import Store

    db = tmp_path / "copy.db"
    shutil.copy(seeds_db, db)
    reader = StoreReader(db, default_settings())
    items, total = reader.stories(StoryFilter(), 0, 100)
    before = {i.story.id: i.story.articles for i in items}
    for story_id in before:  # the first view builds each report and keeps it in the store
        assert reader.story(story_id).built
    with Store(db) as store:
        assert store.report_count() == total
    assert not any(reader.story(s).built for s in before)  # then each is read
    # A rendering is kept with the kept view while the store is unchanged.
    renders: list[str] = []

    def render(story_id: str) -> bytes:
        view = reader.story(story_id)
        assert view is not None
        return reader.rendered(
            story_id, "page", view, lambda: renders.append(story_id) or story_id.encode()
        )

    first = next(iter(before))
    assert render(first) == render(first) == first.encode() and renders == [first]
    posted = tmp_path / "more.jsonl"
    posted.write_text(
        '{"id": "later-1", "outlet": "Wire", "published": "2007-03-01", "text": '
        '"Russia said on Thursday it would keep its contacts with Hamas, in Gaza and in '
        'Moscow, after its talks with the Hamas leaders."}\n',
        encoding="utf-8",
    )
    storyline.analyze([posted], db=db)
    # The next request reads the store as it is now: the new article is in a story.
    items, _ = reader.stories(StoryFilter(), 0, 100)
    after = {i.story.id: i.story.articles for i in items}
    new = {a for articles in after.values() for a in articles} - {
        a for articles in before.values() for a in articles
    }
    assert len(new) == 1
    changed = {s for s, articles in after.items() if before.get(s) != articles}
    assert any(new <= set(after[s]) for s in changed)
    render(first)  # read again after the change: rendered again
    assert renders == [first, first]
    for story_id in after:
        view = reader.story(story_id)
        assert view is not None
        assert view.built == (story_id in changed)  # only a changed story is built again
        assert view.report.story.articles == after[story_id]
    found, _ = reader.stories(StoryFilter(words="contacts Gaza leaders"), 0, 10)
    assert {s for s in changed if new <= set(after[s])} <= {i.story.id for i in found}
    reader.close()
