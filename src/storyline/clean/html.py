"""HTML pages: trafilatura's main text, post-cleaned; the publication date from htmldate.

The page is parsed once. trafilatura's metadata and htmldate's date are read from it first;
then three repairs of the parsed page, for what trafilatura's rules get wrong on news pages,
come before its extraction:

- posts the article quotes (tweets, Instagram posts) are lifted out of the "social embed"
  wrappers that trafilatura discards with everything in them;
- pop-up cards hidden inside a paragraph's links (a person's photo and latest stories, shown on
  hover) are removed, as trafilatura reads them as running text;
- a body that the site cut into several same-class containers is put back into one when
  trafilatura kept only its first part.

The extracted text becomes ``Article.text``. The headline it repeats (and what stands above it),
and the teasers and notices it keeps (:mod:`storyline.clean.postclean`), are left out of the
body and recorded with their reasons.

bench_extraction html mode (dev, 120 pages), each part left out of the final cleaner in turn:
all in 0.9885; without embedded posts 0.9865, without hover cards 0.9869, without joined body
parts 0.9862, without post-cleaning 0.9811 (without its link texts 0.9866), with the meta title
alone as headline 0.9879; none of them 0.9751.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.clean.lines import Line, normalise, split_lines, too_long
from storyline.clean.page import page_metadata
from storyline.clean.postclean import furniture_reasons
from storyline.errors import MalformedInput
from storyline.records import Article, Dropped, Precision, PubDate, RawDocument, Span
from storyline.settings import CleanSettings

if TYPE_CHECKING:
    from lxml.html import HtmlElement

HEADLINE = "title"
ABOVE_HEADLINE = "above the headline"
DATE_ORIGIN = "htmldate"
#: htmldate's output format: with the time of day, which only a full timestamp has.
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

#: Posts an article quotes; trafilatura drops them with their "social"/"embed" wrapper.
EMBEDDED_POST = (
    "//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' twitter-tweet ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' instagram-media ')]"
)
#: A pop-up card hidden in running text: an inline element with a picture and several links,
#: the innermost such one (the link that shows it stays).
HOVER_CARD = "//p//span[.//img][count(.//a) >= 2][not(.//span[.//img][count(.//a) >= 2])]"
#: A paragraph at least this long (normalised) identifies the container trafilatura took.
MIN_PARAGRAPH_CHARS = 80
#: How far up two same-class containers may go to meet, to count as parts of one body;
#: bench_extraction html mode: 1 → 0.9862, 2 or 3 → 0.9885, 5 → 0.9881.
MAX_PART_DISTANCE = 3
#: The headline is looked for among this many first lines of the extracted text;
#: bench_extraction html mode: 1 → 0.9881, 3 → 0.9885, 5 → 0.9885.
MAX_HEADLINE_LINE = 3
#: Longest line above the headline that goes with it (a kicker, a teaser's headline).
MAX_KICKER_CHARS = 150


def clean_html(raw: RawDocument, settings: CleanSettings) -> Article:
    """The article in an HTML page; ``Article.text`` is the text trafilatura extracted."""
    import trafilatura  # lazily: it pulls in lxml, jusText and more

    try:
        page = trafilatura.load_html(raw.html or "")
        if page is None:
            raise MalformedInput(raw.source, "no HTML document found")
        _check_size(raw.source, page, settings.max_html_elements)
        # The date comes from htmldate below, with the url found here: the metadata's own date
        # search is kept to its fast mode.
        meta = trafilatura.extract_metadata(
            page, default_url=raw.url, date_config={"extensive_search": False}
        )
        published = _publication_date(page, raw.url or meta.url)
        found = page_metadata(page, raw.url or meta.url, meta.author)
        extracted = _main_text(page)  # last: it repairs the parsed page in place
    except MalformedInput:
        raise
    except Exception as exc:  # trafilatura, htmldate and lxml raise many kinds on broken markup
        raise MalformedInput(raw.source, f"cannot parse the HTML ({exc})") from exc
    if not extracted or not extracted.strip():
        raise MalformedInput(raw.source, "no article text found in the HTML")
    if len(extracted) > settings.max_text_chars:
        raise MalformedInput(raw.source, too_long(len(extracted), settings.max_text_chars))
    headline, outlet, byline = found.headline, found.outlet, found.byline
    titles = [t for t in (meta.title, headline.value if headline else None) if t]
    body, dropped = _body(split_lines(extracted), _headlines(page, titles), _link_texts(page))
    if not body:
        raise MalformedInput(raw.source, "no article text found in the HTML, only its headline")
    return Article(
        id=raw.article_id,
        source=raw.source,
        text=extracted,
        body=body,
        title=headline.value if headline else None,
        title_origin=headline.origin if headline else None,
        outlet=outlet.value if outlet else None,
        outlet_origin=outlet.origin if outlet else None,
        published=published,
        byline=byline.value if byline else None,
        byline_origin=byline.origin if byline else None,
        url=meta.url or raw.url,
        dropped=dropped,
    )


def _check_size(source: str, page: HtmlElement, limit: int) -> None:
    """Refuse a page too large to clean in reasonable time (an HTML bomb, or not an article)."""
    elements = sum(1 for _ in page.iter())
    if elements > limit:
        raise MalformedInput(
            source,
            f"{elements:,} HTML elements, more than a page may have "
            f"({limit:,}, clean.max_html_elements)",
        )


def _main_text(page: HtmlElement) -> str | None:
    """trafilatura's text of the page, repaired in place."""
    _lift_embedded_posts(page)
    _drop_hover_cards(page)
    extracted = _extract(page)
    if extracted and _join_body_parts(page, normalise(extracted)):
        extracted = _extract(page)
    return extracted


def _extract(page: HtmlElement) -> str | None:
    import trafilatura

    # bench_extraction html mode, with the rest of this cleaner: favor_precision 0.9885, the
    # defaults 0.9842, favor_recall 0.9832, favor_precision and deduplicate 0.9800.
    return trafilatura.extract(
        page,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        favor_precision=True,
    )


def _lift_embedded_posts(page: HtmlElement) -> None:
    """Replace each wrapper that holds nothing but an embedded post by the post itself."""
    for post in page.xpath(EMBEDDED_POST):
        text = normalise(post.text_content())
        wrapper, parent = post, post.getparent()
        while (
            parent is not None
            and parent.tag not in ("body", "article", "main")
            and normalise(parent.text_content()) == text
        ):
            wrapper, parent = parent, parent.getparent()
        if wrapper is not post and parent is not None:
            post.tail = wrapper.tail
            parent.replace(wrapper, post)


def _drop_hover_cards(page: HtmlElement) -> None:
    for card in page.xpath(HOVER_CARD):
        card.drop_tree()  # keeps the text that follows the card


def _join_body_parts(page: HtmlElement, extracted: str) -> bool:
    """Move the content of the body's later parts into the part trafilatura took.

    Some sites cut an article into same-class containers (around ads); trafilatura picks one
    container, the first part. Another part has the container's tag and class, meets it at most
    :data:`MAX_PART_DISTANCE` levels up, and holds a long paragraph the extracted text lacks.
    True when anything moved.
    """
    container = _extracted_container(page, extracted)
    if container is None or not container.get("class"):
        return False
    near = set(_ancestors(container, MAX_PART_DISTANCE))
    lineage = set(container.iterancestors())
    parts = [
        other
        for other in page.xpath(f"//{container.tag}[@class=$cls]", cls=container.get("class"))
        if other is not container
        and other not in lineage
        and container not in set(other.iterancestors())
        and near & set(_ancestors(other, MAX_PART_DISTANCE))
        and _has_missing_paragraph(other, extracted)
    ]
    for part in parts:
        container.extend(list(part))
        parent = part.getparent()
        if parent is not None:
            parent.remove(part)
    return bool(parts)


def _extracted_container(page: HtmlElement, extracted: str) -> HtmlElement | None:
    """The element that holds the most long paragraphs found in the extracted text."""
    counts: collections.Counter[HtmlElement] = collections.Counter()
    for paragraph in page.iter("p"):
        text = normalise(paragraph.text_content())
        parent = paragraph.getparent()
        if len(text) >= MIN_PARAGRAPH_CHARS and text in extracted and parent is not None:
            counts[parent] += 1
    return counts.most_common(1)[0][0] if counts else None


def _ancestors(element: HtmlElement, levels: int) -> list[HtmlElement]:
    return list(element.iterancestors())[:levels]


def _has_missing_paragraph(element: HtmlElement, extracted: str) -> bool:
    return any(
        len(text) >= MIN_PARAGRAPH_CHARS and text not in extracted
        for text in (normalise(p.text_content()) for p in element.iter("p"))
    )


def _headlines(page: HtmlElement, titles: Sequence[str]) -> frozenset[str]:
    """The headline as it may appear in the text: the page's titles and its <h1> texts."""
    texts = {normalise(h1.text_content()) for h1 in page.iter("h1")}
    texts |= {normalise(title) for title in titles}
    return frozenset(text for text in texts if text)


def _link_texts(page: HtmlElement) -> frozenset[str]:
    return frozenset(normalise(anchor.text_content()) for anchor in page.iter("a"))


def _body(
    lines: Sequence[Line], headlines: frozenset[str], link_texts: frozenset[str]
) -> tuple[tuple[Span, ...], tuple[Dropped, ...]]:
    """Body spans, and every left-out line with its reason.

    When post-cleaning would leave nothing, its judgement is set aside: a page that is all
    teasers and notices is more likely a page they were wrong about.
    """
    furniture = furniture_reasons([line.text for line in lines], link_texts)
    reasons = _headline_reasons(lines, headlines, furniture)
    cleaned = [own or found for own, found in zip(reasons, furniture, strict=True)]
    if any(reason is None for reason in cleaned):
        reasons = cleaned
    body = tuple(line.span for line, reason in zip(lines, reasons, strict=True) if not reason)
    dropped = tuple(
        Dropped(line.span, reason) for line, reason in zip(lines, reasons, strict=True) if reason
    )
    return body, dropped


def _headline_reasons(
    lines: Sequence[Line], headlines: frozenset[str], furniture: Sequence[str | None]
) -> list[str | None]:
    """trafilatura keeps the page's <h1>; the headline is the title, not body text.

    What the text has above the headline (a kicker, a teaser of another story) goes with it;
    a paragraph above it means the match is a heading inside the article, which stays.
    """
    reasons: list[str | None] = [None] * len(lines)
    for index, line in enumerate(lines[:MAX_HEADLINE_LINE]):
        if normalise(line.text) in headlines:
            reasons[:index] = [furniture[i] or ABOVE_HEADLINE for i in range(index)]
            reasons[index] = HEADLINE
            return reasons
        if not furniture[index] and len(line.text) > MAX_KICKER_CHARS:
            break
    return reasons


def _publication_date(page: HtmlElement, url: str | None) -> PubDate | None:
    """htmldate's original publication date, as precise as what it certainly found.

    htmldate writes a month and year as the first of the month, a year alone as the first of
    January, and in its extensive search (the page's free text, tried when the markup has no
    date) can fill a missing day with today's. A date with a time of day is a full one; others
    on the first of a month, or from the text on today's day of the month, keep only the
    precision they certainly have.
    """
    from htmldate import find_date

    for extensive in (False, True):
        found = find_date(
            page, extensive_search=extensive, original_date=True, url=url, outputformat=DATE_FORMAT
        )
        if found:
            stamp = dt.datetime.strptime(found, DATE_FORMAT)
            precision = _certain_precision(stamp, from_text=extensive)
            return PubDate(stamp.date(), precision, DATE_ORIGIN)
    return None


def _certain_precision(stamp: dt.datetime, from_text: bool) -> Precision:
    if stamp.time() != dt.time(0, 0):
        return Precision.DAY
    if stamp.day == 1:
        return Precision.MONTH if stamp.month != 1 else Precision.YEAR
    if from_text and stamp.day == dt.date.today().day:
        return Precision.MONTH
    return Precision.DAY


__all__ = ["clean_html"]
