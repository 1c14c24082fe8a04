"""What a page says about itself: headline, outlet and byline, each with where it came from.

Hand-made pages in the shapes real ones take (the site's name in the title, a tagline for a
site name, a wire for a publisher, a byline with a role and a date), the outlet table, and,
where the shared evaluation data is present, the real pages of a news day.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import store_as_written_by
from storyline.clean import clean
from storyline.clean.outlets import canonical_outlet, names_site
from storyline.clean.page import byline_names
from storyline.records import Article, Document, RawDocument, Span
from storyline.settings import CleanSettings, default_settings

NEWSDAY = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "clustering"
NEWSDAY_DEV = NEWSDAY / "newsday-dev.jsonl"
PARAGRAPHS = "".join(
    f"<p>{text}</p>"
    for text in (
        "The regional council approved a new flood barrier for the river port on Tuesday, "
        "ending two years of argument over its cost and its effect on the fishing harbour.",
        "Engineers will start work in the spring and expect the barrier to protect about "
        "three thousand homes in the lower town, which flooded twice in the past decade.",
        '"We have waited long enough for this decision," said the mayor, Elena Varga, who had '
        "campaigned for the barrier since the floods of the winter before last.",
    )
)


@pytest.fixture(scope="module")
def settings() -> CleanSettings:
    return default_settings().clean


def page(head: str, h1: str = "", footer: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>'
        '<header><nav><a href="/">Home</a></nav></header>'
        f"<main><article>{h1 and f'<h1>{h1}</h1>'}{PARAGRAPHS}</article></main>"
        f"<footer><p>About us</p>{footer}</footer></body></html>"
    )


def cleaned(html: str, url: str, settings: CleanSettings) -> Article:
    return clean(RawDocument(source="page.html", html=html, url=url), settings)


def json_ld(item: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(item)}</script>'


def test_headline_is_the_h1_a_title_also_gives_without_the_site_name(
    settings: CleanSettings,
) -> None:
    head = (
        "<title>Opinion | Council approves flood barrier | Local | The River Gazette</title>"
        '<meta property="og:site_name" content="The River Gazette">'
    )
    article = cleaned(
        page(head, h1="Council approves flood barrier"), "https://rivergazette.example/a", settings
    )
    assert (article.title, article.title_origin) == ("Council approves flood barrier", "h1")
    assert (article.outlet, article.outlet_origin) == ("The River Gazette", "og")


def test_title_without_an_h1_loses_the_site_name_and_its_sections(
    settings: CleanSettings,
) -> None:
    head = "<title>Council approves flood barrier | Local | News | RiverGazette.com</title>"
    article = cleaned(page(head), "https://www.rivergazette.example/a", settings)
    assert (article.title, article.title_origin) == ("Council approves flood barrier", "title")
    assert article.outlet == "RiverGazette"  # the page's own spelling, without its domain


def test_a_page_heading_unlike_every_title_is_not_the_headline(settings: CleanSettings) -> None:
    head = '<meta property="og:title" content="Flood barrier approved after two years">'
    article = cleaned(page(head, h1="Most read this week"), "https://ledger.example/a", settings)
    assert (article.title, article.title_origin) == ("Flood barrier approved after two years", "og")


def test_a_tagline_site_name_gives_the_part_that_names_the_domain(
    settings: CleanSettings,
) -> None:
    head = (
        '<meta property="og:site_name" content="Portwatch | Ships | Ports | Weather">'
        "<title>Council approves flood barrier | Portwatch | Ships | Ports | Weather</title>"
    )
    article = cleaned(page(head), "https://www.portwatch.example/news/1", settings)
    assert article.outlet == "Portwatch"
    assert article.title == "Council approves flood barrier"


def test_the_paper_not_the_wire_it_ran(settings: CleanSettings) -> None:
    head = '<meta property="og:site_name" content="Harbour Evening Post">' + json_ld(
        {
            "@type": "NewsArticle",
            "headline": "Council approves flood barrier",
            "publisher": {"@type": "Organization", "name": "Associated Press"},
            "author": [{"@type": "Person", "name": "By TOM KRISHER, AP Auto Writer"}],
        }
    )
    article = cleaned(page(head), "https://www.hepost.example/a", settings)
    assert article.outlet == "Harbour Evening Post"
    assert (article.byline, article.byline_origin) == ("Tom Krisher", "json-ld")


def test_well_known_outlets_by_domain_and_lower_case_site_names_by_theirs(
    settings: CleanSettings,
) -> None:
    wire = cleaned(page("<title>Flood barrier</title>"), "https://hosted.ap.org/x/a/1", settings)
    assert (wire.outlet, wire.outlet_origin) == ("Associated Press", "table")
    head = (
        '<meta property="og:site_name" content="ledger">'
        "<title>Council approves flood barrier - ledger.com</title>"
    )
    local = cleaned(page(head), "https://www.ledger.com/news/1", settings)
    assert local.outlet == "ledger.com"  # not the bare "ledger" nor a fragment
    assert local.title == "Council approves flood barrier"


def test_a_site_that_names_itself_nowhere_is_named_by_its_domain(
    settings: CleanSettings,
) -> None:
    footer = "<p>Copyright 2014</p>"
    article = cleaned(page("", footer=footer), "https://www.quaynotes.example/a", settings)
    assert (article.outlet, article.outlet_origin) == ("Quaynotes.example", "domain")


def test_bylines_are_names_only() -> None:
    assert byline_names("Jeff Foust Monday; November") == ["Jeff Foust"]
    assert byline_names("LISA MASCARO, ERIC TUCKER Associated Press") == [
        "Lisa Mascaro",
        "Eric Tucker",
    ]
    assert byline_names("Phil Helsel is a reporter") == ["Phil Helsel"]
    assert byline_names("Tom Gillespie News reporter") == ["Tom Gillespie"]
    assert byline_names("Victor Tangermann, Futurism") == ["Victor Tangermann"]
    assert byline_names("Bruce Y. Lee") == ["Bruce Y. Lee"]
    assert byline_names("Abigail Van Buren") == ["Abigail Van Buren"]
    for not_a_person in ("Agencies", "Reuters", "Staff Reports", "Detroit News wire services"):
        assert byline_names(not_a_person) == []
    assert byline_names("Maria Lindqvist | Vortex", "vortex.example") == ["Maria Lindqvist"]


def test_one_name_per_outlet() -> None:
    for spelling in ("Aljazeera", "aljazeera.net", "Al Jazeera English", "Al-Jazeera"):
        assert canonical_outlet(spelling) == "Al Jazeera"
    assert canonical_outlet("www.rferl.org") == "RFE/RL"
    assert canonical_outlet("The Associated Press") == "Associated Press"
    assert canonical_outlet("Harbour Evening Post") == "Harbour Evening Post"  # kept as written


def test_names_of_a_site() -> None:
    assert names_site("TheHill", "thehill.com") == 2
    assert names_site("Snopes.com", "snopes.com") == 2
    assert names_site("The New York Times", "nytimes.com") == 1
    assert names_site("The GiveWell Blog", "blog.givewell.org") == 1
    assert names_site("DH News Service", "deccanherald.com") == 0
    assert names_site("Connecticut Post", "ctpost.com") == 0


def test_seed_outlets_are_canonical(settings: CleanSettings) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "russia-hamas"
    outlets = {}
    for path in sorted(example.glob("*.txt")):
        article = clean(RawDocument(source=str(path), text=path.read_text("utf-8")), settings)
        outlets[path.name[:3]] = (article.outlet, article.outlet_origin)
    assert outlets["000"] == ("Al Jazeera", "text: sign-off")  # signed "Aljazeera + Agencies"
    assert outlets["001"] == ("RFE/RL", "text: dateline")
    assert outlets["004"] == ("Reuters", "text: copyright")
    assert outlets["002"] == outlets["003"] == (None, None)  # they name no outlet


@pytest.mark.slow
@pytest.mark.skipif(not NEWSDAY_DEV.exists(), reason="needs ../shared/eval")
def test_real_pages_name_no_copyright_url_host_word_or_tagline(settings: CleanSettings) -> None:
    """The 120 real pages of a news day: no outlet is a copyright line, a URL, a host word
    or a tagline; no headline keeps its outlet's name; no byline holds a date or an agency."""
    months = "january|february|march|april|june|july|september|october|november|december"
    for line in NEWSDAY_DEV.read_text("utf-8").splitlines():
        record = json.loads(line)
        raw = RawDocument(source=record["id"], html=record["html"], url=record["url"])
        article = clean(raw, settings)
        outlet, title, byline = article.outlet or "", article.title or "", article.byline or ""
        assert outlet and title and article.url == record["url"]
        assert not re.search(r"copyright|^https?:|^hosted$| \| |_$", outlet, re.I), outlet
        assert not re.search(rf"\s[|\-–—:·]\s+{re.escape(outlet)}$", title, re.I), title
        assert not re.search(rf"\b(?:{months}|monday|agencies|by|published)\b", byline, re.I)
        if "hosted.ap.org" in record["url"]:
            assert outlet == "Associated Press"


def test_a_store_written_before_origins_is_migrated(tmp_path: Path) -> None:
    from storyline.store.rows import article_row
    from storyline.store.store import Store

    text = "Putin met Abbas in Moscow on Thursday."
    old = Document(
        Article("old", "old.txt", text, (Span(0, len(text)),), title="Putin meets Abbas"),
        sentences=[], mentions=[], quotes=[], timex=[],
    )  # fmt: skip
    path = tmp_path / "v11.db"
    # A store as schema 11 wrote it: no origin columns yet.
    store_as_written_by(path, 11, [("articles", article_row(old)[:19])])
    with Store(path) as store:
        new = Document(
            replace(old.article, id="new", title_origin="h1", outlet="Ledger", outlet_origin="og"),
            sentences=[], mentions=[], quotes=[], timex=[],
        )  # fmt: skip
        store.save_documents([new])
        articles = {d.article.id: d.article for d in store.load_documents()}
    assert articles["old"].title == "Putin meets Abbas" and articles["old"].title_origin is None
    assert (articles["new"].title_origin, articles["new"].outlet_origin) == ("h1", "og")


def test_a_name_is_said_without_the_medium_it_adds(settings: CleanSettings) -> None:
    head = '<meta property="og:site_name" content="LedgerOnline">'
    article = cleaned(page(head), "https://www.ledger.example/a", settings)
    assert (article.outlet, article.outlet_origin) == ("Ledger", "og")


def test_a_headline_written_without_spaces_is_still_a_heading(settings: CleanSettings) -> None:
    headline = "港の橋が八か月の修理を終えて再開通"
    head = (
        f'<meta property="og:title" content="{headline}が話題に | 港町新聞">'
        '<meta property="og:site_name" content="港町新聞">'
    )
    article = cleaned(page(head, h1=headline), "https://minato.example/a", settings)
    assert (article.title, article.title_origin) == (headline, "h1")
    assert article.outlet == "港町新聞"
