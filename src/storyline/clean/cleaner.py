"""The clean stage's entry: a raw document to an article, by the cleaner for its kind (text
dump or HTML), with what the input states winning over what was found in the page, and the
language of what is left."""

from __future__ import annotations

from dataclasses import replace

from storyline.clean.language import article_language, primary_subtag
from storyline.clean.lines import too_long
from storyline.dates import parse_given_date
from storyline.errors import MalformedInput
from storyline.records import Article, Hints, PubDate, RawDocument
from storyline.settings import CleanSettings


def clean(raw: RawDocument, settings: CleanSettings) -> Article:
    """Clean one raw document; raises :class:`MalformedInput` when no body can be found, or
    when the document is larger than an article can be (``clean.max_text_chars``)."""
    if raw.text is not None and len(raw.text) > settings.max_text_chars:
        raise MalformedInput(raw.source, too_long(len(raw.text), settings.max_text_chars))
    if raw.html is not None:
        from storyline.clean.html import clean_html

        article = clean_html(raw, settings)
    elif raw.text is not None:
        from storyline.clean.text import clean_text

        article = clean_text(raw, settings)
    else:
        raise MalformedInput(raw.source, "neither text nor html given")
    return _with_language(_with_input_metadata(article, raw), raw)


def _with_language(article: Article, raw: RawDocument) -> Article:
    """The language the input states wins (a JSONL record's ``language``); else the one
    detected on the title and clean body, or, on too short a text, the one the page declares
    (``<html lang>``, else its server's Content-Language)."""
    stated = primary_subtag(raw.language)
    if stated:
        return replace(article, language=stated)
    from storyline.read.pages import declared_languages

    declared = declared_languages(raw.html, None) if raw.html is not None else []
    hinted = raw.hints.language if raw.hints else None
    text = f"{article.title or ''}\n\n{article.body_text}"
    return replace(article, language=article_language(text, next(iter(declared), hinted)))


def _with_input_metadata(article: Article, raw: RawDocument) -> Article:
    """What the input states (title, date, outlet, url) wins over what was found in the text;
    its hints (a feed entry's, a web archive's) fill in only what the text does not state.
    Each field keeps where it came from ("input", the hint's origin, or the page's)."""
    hints = raw.hints or Hints()
    published = (
        _input_date(raw.published, "input")
        or article.published
        or _input_date(hints.published, hints.published_origin)
    )
    title = _first(
        (raw.title, "input"),
        (article.title, article.title_origin),
        (hints.title, hints.published_origin),
    )
    outlet = _first(
        (raw.outlet, "input"),
        (_page_outlet(article), article.outlet_origin),
        (hints.outlet, hints.published_origin),
        (article.outlet, article.outlet_origin),
    )
    return replace(
        article,
        title=title[0],
        title_origin=title[1],
        outlet=outlet[0],
        outlet_origin=outlet[1],
        url=raw.url or article.url,
        published=published,
    )


def _first(*values: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The first value given, with its origin; (None, None) when none is."""
    return next(((v, origin) for v, origin in values if v), (None, None))


def _page_outlet(article: Article) -> str | None:
    """The outlet the page names; not one made from its URL's domain alone, for which a
    hint (the feed's title) says more, and which is kept only when there is no hint."""
    return None if article.outlet_origin == "domain" else article.outlet


def _input_date(value: str | None, origin: str) -> PubDate | None:
    parsed = parse_given_date(value) if value else None
    return PubDate(parsed[0], parsed[1], origin) if parsed else None
