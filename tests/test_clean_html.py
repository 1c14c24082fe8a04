"""CLEAN, HTML: trafilatura's text post-cleaned, repairs before extraction, htmldate's date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from conftest import dropped_reasons
from storyline.clean import clean
from storyline.clean import postclean as pc
from storyline.clean.html import ABOVE_HEADLINE, DATE_ORIGIN, HEADLINE
from storyline.records import Article, Precision, RawDocument
from storyline.settings import CleanSettings, default_settings

#: Article paragraphs of the hand-written pages: long enough for trafilatura to take them.
PARAGRAPHS = (
    "The regional council approved a new flood barrier for the river port on Tuesday, ending "
    "two years of argument over its cost and its effect on the fishing harbour.",
    "Engineers will start work in the spring and expect the barrier to protect about three "
    "thousand homes in the lower town, which flooded twice in the past decade.",
    '"We have waited long enough for this decision," said the mayor, Elena Varga, who had '
    "campaigned for the barrier since the floods of the winter before last.",
    "The fishing cooperative, which opposed the first design, said the revised plan left "
    "enough room for its boats to reach the inner harbour at low tide.",
    "The council will publish the final drawings next month and hold two public meetings "
    "before the contracts are signed, a spokesman for the planning office said.",
)
TITLE = "Council approves flood barrier for river port"


@pytest.fixture(scope="module")
def settings() -> CleanSettings:
    return default_settings().clean


def page(body: str, head: str = "") -> str:
    """A news page: the given article body inside the usual page chrome."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
    <title>{TITLE} | The River Gazette</title>
    <meta property="og:title" content="{TITLE}">
    <meta property="og:site_name" content="The River Gazette">{head}</head>
    <body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
    <main><article>{body}</article></main>
    <footer><p>About us</p><a href="/privacy">Privacy policy</a></footer></body></html>"""


def paragraphs_html(texts: tuple[str, ...] = PARAGRAPHS) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def cleaned(html: str, settings: CleanSettings) -> Article:
    article = clean(RawDocument(source="page.html", html=html), settings)
    assert_spans_point_into_text(article)
    return article


def assert_spans_point_into_text(article: Article) -> None:
    """Body and dropped spans cover the extracted text's lines without overlapping."""
    spans = sorted([*article.body, *(d.span for d in article.dropped)])
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start
    assert all(0 <= span.start < span.end <= len(article.text) for span in spans)


def test_related_stories_after_the_article_are_dropped_with_their_reason(
    settings: CleanSettings,
) -> None:
    related = (
        '<ul><li>Ferry fares rise, <a href="/a">for the third year running</a></li>'
        '<li>New bridge opens <a href="/b">to cyclists after delays</a></li>'
        '<li>Harbour master <a href="/c">retires after forty years</a></li></ul>'
    )
    article = cleaned(page(f"<h1>{TITLE}</h1>{paragraphs_html()}{related}"), settings)
    body = article.body_text
    for paragraph in PARAGRAPHS:
        assert paragraph in body
    assert "Ferry fares" not in body and "Harbour master" not in body
    dropped = dropped_reasons(article)
    assert dropped["- Ferry fares rise, for the third year running"] == pc.HEADLINE_LIST
    assert dropped["- Harbour master retires after forty years"] == pc.HEADLINE_LIST
    # the text is trafilatura's, dropped lines included: nothing is rewritten
    assert "Harbour master retires after forty years" in article.text


def test_dont_miss_block_inside_the_article_is_dropped(settings: CleanSettings) -> None:
    block = (
        "<p><strong>DON'T MISS</strong></p>"
        '<p><a href="/a">Ferry fares rise for the third year running</a> [VIDEO]</p>'
        '<p><a href="/b">New bridge opens to cyclists after delays</a> [INSIGHT]</p>'
    )
    html = page(paragraphs_html(PARAGRAPHS[:2]) + block + paragraphs_html(PARAGRAPHS[2:]))
    article = cleaned(html, settings)
    for paragraph in PARAGRAPHS:
        assert paragraph in article.body_text
    dropped = dropped_reasons(article)
    assert dropped["DON'T MISS"] == pc.RELATED_BLOCK
    assert dropped["New bridge opens to cyclists after delays [INSIGHT]"] == pc.RELATED_BLOCK


def test_teaser_link_inside_the_article_is_dropped(settings: CleanSettings) -> None:
    teaser = '<p>Read more: <a href="/x">Why the port flooded twice in ten years</a></p>'
    html = page(paragraphs_html(PARAGRAPHS[:2]) + teaser + paragraphs_html(PARAGRAPHS[2:]))
    article = cleaned(html, settings)
    assert "Why the port flooded" not in article.body_text
    assert PARAGRAPHS[1] in article.body_text and PARAGRAPHS[2] in article.body_text
    assert dropped_reasons(article)["Read more: Why the port flooded twice in ten years"] == (
        pc.RELATED_LINK
    )


def test_closing_notices_are_dropped_and_the_last_paragraph_stays(
    settings: CleanSettings,
) -> None:
    closing = (
        "<p>Additional reporting by Tomas Lind.</p>"
        "<p>Get the morning briefing delivered to your inbox. Sign up for our newsletter.</p>"
        "<p>Follow The River Gazette on Twitter and Facebook.</p>"
    )
    article = cleaned(page(paragraphs_html() + closing), settings)
    assert article.body_text.endswith(PARAGRAPHS[-1])
    dropped = dropped_reasons(article)
    assert dropped["Additional reporting by Tomas Lind."] == pc.CREDIT
    assert dropped["Follow The River Gazette on Twitter and Facebook."] == pc.NOTICE


def test_headline_and_the_kicker_above_it_are_left_out(settings: CleanSettings) -> None:
    article = cleaned(page(f"<p>Flood defences</p><h1>{TITLE}</h1>{paragraphs_html()}"), settings)
    dropped = dropped_reasons(article)
    assert dropped[TITLE] == HEADLINE
    assert dropped["Flood defences"] == ABOVE_HEADLINE
    assert article.body_text.startswith(PARAGRAPHS[0])
    assert article.title == TITLE


def test_h1_heading_below_a_paragraph_is_not_taken_for_the_headline(
    settings: CleanSettings,
) -> None:
    html = page(f"<p>{PARAGRAPHS[0]}</p><h1>Background</h1>{paragraphs_html(PARAGRAPHS[1:])}")
    article = cleaned(html, settings)
    assert article.body_text.startswith(PARAGRAPHS[0])
    assert "Background" in article.body_text


def test_quoted_tweet_is_kept(settings: CleanSettings) -> None:
    tweet = (
        '<div class="social-embed"><blockquote class="twitter-tweet"><p>The barrier vote passed '
        "twelve to three, a long night at the council chamber</p>&mdash; Local Reporter "
        '(@localreporter) <a href="https://twitter.com/x/status/1">March 5, 2019</a>'
        "</blockquote></div>"
    )
    html = page(paragraphs_html(PARAGRAPHS[:3]) + tweet + paragraphs_html(PARAGRAPHS[3:]))
    body = cleaned(html, settings).body_text
    assert "The barrier vote passed twelve to three" in body
    assert PARAGRAPHS[4] in body


def test_hover_card_inside_a_paragraph_is_removed(settings: CleanSettings) -> None:
    card = (
        'Elena Varga<span class="card"><img src="v.jpg" alt=""><a href="/p/v">Elena Varga</a>'
        '<a href="/s/1">Mayor opens new library wing</a></span>'
    )
    first = PARAGRAPHS[2].replace("Elena Varga", card)
    html = page(paragraphs_html((*PARAGRAPHS[:2], first, *PARAGRAPHS[3:])))
    body = cleaned(html, settings).body_text
    assert PARAGRAPHS[2] in body
    assert "library wing" not in body


def test_article_split_into_parts_is_extracted_whole(settings: CleanSettings) -> None:
    first, second = PARAGRAPHS[:3], PARAGRAPHS[3:]
    body = (
        '<div class="chunks">'
        f'<div class="grid"><div class="article-body">{paragraphs_html(first)}</div></div>'
        '<div class="ad-slot">Advertisement</div>'
        f'<div class="grid"><div class="article-body">{paragraphs_html(second)}</div></div>'
        "</div>"
    )
    text = cleaned(page(body), settings).body_text
    for paragraph in PARAGRAPHS:
        assert paragraph in text


def test_date_from_page_metadata_is_a_day(settings: CleanSettings) -> None:
    head = '<meta property="article:published_time" content="2019-03-05T09:30:00+01:00">'
    published = cleaned(page(paragraphs_html(), head), settings).published
    assert published is not None
    assert (published.date, published.precision) == (dt.date(2019, 3, 5), Precision.DAY)
    assert published.origin == DATE_ORIGIN


def test_date_from_a_copyright_year_is_only_a_year(settings: CleanSettings) -> None:
    html = page(paragraphs_html()).replace("<p>About us</p>", "<p>© 2017 The River Gazette</p>")
    published = cleaned(html, settings).published
    assert published is not None
    assert (published.date.year, published.precision) == (2017, Precision.YEAR)


@pytest.mark.parametrize(
    ("written", "iso", "precision"),
    [
        ("<p>Posted 03/2019</p>", "2019-03", Precision.MONTH),
        # htmldate fills the missing day with today's: only the month is certain
        ("<p>Updated 2019-03</p>", "2019-03", Precision.MONTH),
        ("<p>Posted on 5 March 2019</p>", "2019-03-05", Precision.DAY),
    ],
)
def test_date_from_the_text_keeps_the_precision_written(
    settings: CleanSettings, written: str, iso: str, precision: Precision
) -> None:
    published = cleaned(page(written + paragraphs_html()), settings).published
    assert published is not None
    assert (published.iso(), published.precision) == (iso, precision)


def test_input_date_wins_over_the_page(settings: CleanSettings) -> None:
    head = '<meta property="article:published_time" content="2019-03-05T09:30:00+01:00">'
    raw = RawDocument(source="p.html", html=page(paragraphs_html(), head), published="2019-03")
    published = clean(raw, settings).published
    assert published is not None and published.precision is Precision.MONTH


# furniture_reasons on plain lines: what must stay


def test_prose_mentioning_newsletters_and_addresses_stays() -> None:
    lines = [
        "The newsletter, which the cooperative has sent to its members since 1998, first "
        "reported the plan; its editor, who can be reached at editor@example.org, said the "
        "members had been told of every change to the design since the spring and that most "
        "of them would rather have the barrier than another winter of sandbags on the quay.",
        PARAGRAPHS[0],
    ]
    assert pc.furniture_reasons(lines) == [None, None]


def test_list_the_article_makes_stays_without_links() -> None:
    items = ["- 8 ripe pears, cored and peeled", "- 1 lemon", "- 1 tsp ground ginger"]
    lines = [PARAGRAPHS[0], "You will need:", *items]
    assert pc.furniture_reasons(lines) == [None] * len(lines)


def test_linked_headlines_at_the_end_are_a_list_of_other_stories() -> None:
    headlines = ["Ferry fares rise again", "New bridge opens to cyclists", "Harbour master retires"]
    links = {"ferry fares rise again", "new bridge opens to cyclists", "harbour master retires"}
    lines = [PARAGRAPHS[0], *headlines]
    assert pc.furniture_reasons(lines, links) == [None] + [pc.HEADLINE_LIST] * 3
    assert pc.furniture_reasons(lines) == [None] * 4


def test_many_lines_after_a_notice_are_kept() -> None:
    """A notice-like line in the middle of short final paragraphs does not end the article."""
    short = [f"Point {n} of the plan was agreed without a vote." for n in range(1, 7)]
    lines = [PARAGRAPHS[0], "3 comments", *short]
    assert pc.furniture_reasons(lines) == [None, pc.NOTICE] + [None] * len(short)


def test_page_of_furniture_only_keeps_its_lines(settings: CleanSettings) -> None:
    """When post-cleaning would leave nothing, its judgement is set aside."""
    notice = (
        "Sign up for our newsletter to get the morning briefing about the river port, the "
        "council and the harbour delivered to your inbox every weekday before seven."
    )
    article = cleaned(page(f"<p>{notice}</p>"), settings)
    assert notice in article.body_text
