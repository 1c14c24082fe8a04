"""What an HTML page says about itself: its headline, its outlet and its byline, each with where
it came from (``Found.origin``, which ``storyline show --article`` prints).

A page states these several times over, in markup meant for machines (JSON-LD, Open Graph and
Twitter cards, ``<meta>``), in its ``<title>`` (usually with the site's name), and to the
reader (its ``<h1>``, its masthead, its copyright line); its URL names the site too. Each field
is taken from the signals that agree:

- headline: the ``<h1>`` that one of the page's titles also gives, once the site's name is
  taken off them (what the reader sees, in the page's own spelling); else the first of those
  titles (Open Graph, JSON-LD, Twitter, ``<title>``);
- outlet: the packaged table's name for the domain (:mod:`storyline.clean.outlets`); else the
  name the page gives itself that best spells its domain, in its best-written form ("The
  Hill" over "TheHill", "Live Science" over "livescience.com"); else the first name given;
  else the domain itself;
- byline: names only, from JSON-LD's people, the ``author`` meta tag, or trafilatura's byline,
  without titles, roles, dates, agencies or outlets.

bench_metadata (newsday dev, 120 pages), against trafilatura's title, site name and author
before: headline 0.675 → 0.975, outlet 0.733 → 0.967. Each part left out in turn: without the
<h1> (the first title, its site's name taken off) headline 0.858; without taking the site's
name off the titles 0.925; without the table of outlets, outlet 0.917.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.clean.lines import normalise
from storyline.clean.metadata import AGENCIES, COPYRIGHT
from storyline.clean.outlets import (
    host_of,
    known_outlets,
    names_site,
    squash,
    without_domain_suffix,
)
from storyline.dates import MONTH_NUMBERS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["Found", "PageMetadata", "page_metadata"]

#: What separates a title's parts: "Headline | Section | Site", "Site: Headline".
TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+")
#: JSON-LD types of an article's own item (schema.org's Article and its subtypes).
ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Report|Review|LiveBlogPosting)$")
#: Platforms a page may name as its publisher, which are not outlets.
PLATFORMS = frozenset({"blogger", "wordpress", "blogspot", "medium", "tumblr", "substack"})
#: What a site's name carries that a reader does not say: its legal form, a logo's label.
LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:GmbH|Inc\.?|Ltd\.?|LLC|AG|S\.?A\.?|PLC|Co\.)|\s+logo)+$|^logo\s+", re.I
)
#: An <h1> of one word this long is a headline written without spaces, not a section's name.
MIN_UNSPACED_CHARS = 10
#: A word a site adds to its name for the medium: "Slate Magazine" is slate.com's "Slate".
MEDIUM_WORD = re.compile(r"\s*(?:online|magazine|digital|website)$", re.I)
#: A title part of at most this many capitalised words between the headline and the site's
#: name is a section ("| Opinion |", "| Afghanistan News |"); bench_metadata headline:
#: 0 → 0.967, 1 to 3 → 0.975, 4 → 0.967 (a headline's own last part taken off).
MAX_SECTION_WORDS = 2
#: How alike an <h1> and a title must be to be one headline written twice (difflib's ratio):
#: a word added or dropped, quotes typed differently; bench_metadata headline: 0.7 to 0.9 →
#: 0.975, 0.95 → 0.967.
MIN_HEADING_LIKENESS = 0.85
#: Words that make a byline part a role, a desk or a service rather than a person's name.
ROLE_WORDS = frozenset(
    {"writer", "reporter", "reporters", "editor", "editors", "correspondent", "correspondents",
     "staff", "contributor", "contributors", "columnist", "desk", "bureau", "team", "service",
     "services", "news", "media", "wire", "wires", "agency", "agencies", "published", "updated",
     "reports", "editorial", "sport", "sports", "weekly", "admin", "administrator", "online",
     "digital", "newsroom", "opinion"}
)  # fmt: skip
#: Lower-case words a person's name may hold.
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "di", "da", "das", "dos", "du", "la", "le", "van", "von", "al",
     "el", "bin", "ibn"}
)  # fmt: skip
WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    """A value a page states, and where: "h1", "json-ld", "og", "twitter", "title", "meta",
    "byline", "masthead", "copyright", "table" or "domain"."""

    value: str
    origin: str


@dataclass(frozen=True, slots=True)
class PageMetadata:
    headline: Found | None
    outlet: Found | None
    byline: Found | None


@dataclass(slots=True)
class _Signals:
    """Everything the page's markup states about itself, in the page's order."""

    titles: list[Found] = field(default_factory=list)  # whole titles, the site's name in
    site_names: list[Found] = field(default_factory=list)  # most trusted first
    site_names_late: list[Found] = field(default_factory=list)  # JSON-LD WebSite items
    people: list[str] = field(default_factory=list)  # JSON-LD authors of type Person
    meta_authors: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    mastheads: list[str] = field(default_factory=list)
    copyright_holders: list[str] = field(default_factory=list)


def page_metadata(page: HtmlElement, url: str | None, byline: str | None) -> PageMetadata:
    """The headline, outlet and byline ``page`` states; ``byline``: trafilatura's."""
    signals = _signals(page)
    host = host_of(url)
    site_keys = _site_keys(signals, host)
    titles = [Found(t, found.origin) for found in signals.titles
              if (t := _strip_site(found.value, site_keys, signals, host))]  # fmt: skip
    return PageMetadata(
        headline=_headline(signals.headings, titles, site_keys),
        outlet=_outlet(signals, host, site_keys),
        byline=_byline(signals, byline, host),
    )


# --------------------------------------------------------------------------- signals


def _signals(page: HtmlElement) -> _Signals:
    signals = _Signals()
    meta = _meta_tags(page)
    for key, origin in (("og:title", "og"), ("twitter:title", "twitter")):
        signals.titles += [Found(v, origin) for v in meta.get(key, [])[:1]]
    for key, origin in (
        ("og:site_name", "og"),
        ("application-name", "meta"),
        ("apple-mobile-web-app-title", "meta"),
    ):
        signals.site_names += [Found(v, origin) for v in meta.get(key, [])[:1]]
    signals.meta_authors = [
        v for key in ("author", "article:author") for v in meta.get(key, []) if "/" not in v
    ]
    for item in _json_ld_items(page):
        types = item.get("@type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        types = [t for t in types if isinstance(t, str)]
        name = _text(item.get("name"))
        if any(ARTICLE_TYPE.search(t) for t in types):
            headline = _text(item.get("headline"))
            if headline:
                signals.titles.insert(_after_og(signals.titles), Found(headline, "json-ld"))
            publisher = _name_of(item.get("publisher"))
            if publisher:
                signals.site_names.append(Found(publisher, "json-ld"))
            signals.people += _people(item.get("author"))
        elif name and any(t in ("WebSite", "NewsMediaOrganization") for t in types):
            signals.site_names_late.append(Found(name, "json-ld"))
    title = page.find(".//title")
    if title is not None and (text := _clean(title.text_content())):
        signals.titles.append(Found(text, "title"))
    signals.headings = [text for h1 in page.iter("h1") if (text := _clean(h1.text_content()))]
    signals.mastheads = [
        text
        for value in page.xpath(
            "//header//img/@alt | //*[contains(@class, 'logo')]//img/@alt"
            " | //a[@rel='home']/@title | //a[@rel='home']//text()"
        )
        if (text := _clean(str(value)))
    ][:10]
    signals.copyright_holders = _copyright_holders(page)
    return signals


def _meta_tags(page: HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in page.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        value = _clean(tag.get("content") or "")
        if key and value:
            found.setdefault(key, []).append(value)
    return found


def _after_og(titles: list[Found]) -> int:
    """Where a JSON-LD headline goes among the titles: after Open Graph's, before the rest."""
    return sum(1 for t in titles if t.origin == "og")


def _json_ld_items(page: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in page.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other signals remain
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                yield item


def _text(value: Any) -> str | None:
    return _clean(value) if isinstance(value, str) else None


def _clean(text: str) -> str:
    """Entities decoded (JSON-LD often carries them: ``&#8217;``), whitespace collapsed."""
    return " ".join(html.unescape(unicodedata.normalize("NFKC", text)).split())


def _name_of(value: Any) -> str | None:
    if isinstance(value, list):
        return next((name for v in value if (name := _name_of(v))), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _people(value: Any) -> list[str]:
    """The names of the authors of type Person (or of no type; an organisation is no byline)."""
    if isinstance(value, list):
        return [name for v in value for name in _people(v)]
    if isinstance(value, dict):
        kind = value.get("@type")
        kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
        if kinds and not any(str(k).lower() == "person" for k in kinds):
            return []
        name = _text(value.get("name"))
        return [name] if name else []
    return [name] if (name := _text(value)) else []


def _copyright_holders(page: HtmlElement) -> list[str]:
    """The holders named by the page's copyright lines (its footer's, else any)."""
    holders = []
    for text in page.xpath("//footer//text() | //*[contains(@class, 'copyright')]//text()"):
        line = _clean(str(text))
        match = COPYRIGHT.match(line) if len(line) < 200 else None
        if match and match["holder"] and match["holder"].lower() not in {"all", "the"}:
            holders.append(re.split(r"\.(?:\s|$)", match["holder"])[0])
    return holders[:5]


# --------------------------------------------------------------------------- headline


def _site_keys(signals: _Signals, host: str | None) -> set[str]:
    """The squashed spellings of the site's name that its title may carry."""
    names = [*signals.site_names, *signals.site_names_late]
    keys = {squash(n.value) for n in names}
    keys |= {squash(part) for n in names for part in TITLE_SEPARATOR.split(n.value)}
    known = known_outlets().for_host(host)
    if known:
        keys.add(squash(known))
    return {key for key in keys if key}


def _is_site(part: str, site_keys: set[str], host: str | None) -> bool:
    if squash(part) in site_keys:
        return True
    if host is None:
        return False
    closeness = names_site(part, host)
    return closeness == 2 or (closeness == 1 and len(part.split()) >= 2)


def _strip_site(title: str, site_keys: set[str], signals: _Signals, host: str | None) -> str:
    """``title`` without the site's name (and the sections between it and the headline)."""
    for name in (n.value for n in [*signals.site_names, *signals.site_names_late]):
        # a whole site name before a colon: "LinkNaija | Nigeria's news platform: Headline"
        if len(name) < len(title) and title.startswith(name):
            rest = title[len(name) :]
            if re.match(r"\s*[:|\-–—·•»]\s", rest):
                title = rest.lstrip(" :|-–—·•»")
    pieces = TITLE_SEPARATOR.split(title)
    if len(pieces) == 1:
        return title
    separators = TITLE_SEPARATOR.findall(title)
    start, end = 0, len(pieces)
    while end - start > 1 and _is_site(pieces[end - 1], site_keys, host):
        end -= 1
    if end < len(pieces):  # sections between the headline and the site's name
        while end - start > 1 and _is_section(pieces[end - 1]):
            end -= 1
    while end - start > 1 and _is_site(pieces[start], site_keys, host):
        start += 1
    kept = pieces[start]
    for index in range(start + 1, end):
        kept += separators[index - 1] + pieces[index]
    return kept


def _is_section(part: str) -> bool:
    words = part.split()
    return len(words) <= MAX_SECTION_WORDS and all(w[:1].isupper() for w in words)


def _headline(headings: list[str], titles: list[Found], site_keys: set[str]) -> Found | None:
    """The <h1> one of the titles also gives; else the first title."""
    # one word is a section's or a logo's, unless written without spaces (Japanese, Chinese)
    shown = [
        h
        for h in headings
        if squash(h) not in site_keys and (len(h.split()) >= 2 or len(h) >= MIN_UNSPACED_CHARS)
    ]
    for heading in shown:
        if any(_same_headline(heading, title.value) for title in titles):
            return Found(heading, "h1")
    return titles[0] if titles else None


def _same_headline(heading: str, title: str) -> bool:
    a, b = normalise(heading), normalise(title)
    if not a or not b:
        return False
    if a == b or (a in b and len(a) >= len(b) / 2):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= MIN_HEADING_LIKENESS


# --------------------------------------------------------------------------- outlet


def _outlet(signals: _Signals, host: str | None, site_keys: set[str]) -> Found | None:
    known = known_outlets()
    if (name := known.for_host(host)) is not None:
        return Found(name, "table")
    title_parts = [
        Found(part, "title")
        for title in signals.titles
        for part in TITLE_SEPARATOR.split(title.value)[1:]
        if _is_site(part, site_keys, host)
    ]
    candidates = [
        Found(name, found.origin)
        for found in [*signals.site_names, *title_parts, *signals.site_names_late]
        if (name := _site_name(found.value, host))
    ]
    if not candidates and host:  # what the reader sees, only where the markup names nothing
        for origin, names in (
            ("masthead", signals.mastheads),
            ("copyright", signals.copyright_holders),
        ):
            candidates += [
                Found(name, origin)
                for value in names
                if (name := _site_name(value, host)) and names_site(name, host)
            ]
    if not candidates:
        return Found(_domain_name(host), "domain") if host else None
    chosen = candidates[0]
    if host is not None:
        best = max(names_site(c.value, host) for c in candidates)
        if best > 0:
            chosen = next(c for c in candidates if names_site(c.value, host) == best)
            chosen = Found(_best_spelling(chosen.value, candidates, host), chosen.origin)
            bare = MEDIUM_WORD.sub("", chosen.value)
            if best == 1 and bare and names_site(bare, host) == 2:  # "BarronsOnline"
                chosen = Found(bare, chosen.origin)
    return Found(known.for_name(chosen.value) or chosen.value, chosen.origin)


def _site_name(value: str, host: str | None) -> str | None:
    """A site name as a reader would say it, or None for one that is no name."""
    value = value.strip().lstrip("@")
    if re.match(r"(?:https?://|www\.)", value, re.I):
        value = host_of(value) or ""
    parts = TITLE_SEPARATOR.split(value)
    if len(parts) > 1:  # "Autoracing | F1 | Indy", "Remember 80/90 - Memorabilia anni 80/90"
        scored = [(names_site(p, host) if host else 0, -i, p) for i, p in enumerate(parts)]
        value = max(scored)[2]
    value = LEGAL_FORM.sub("", value).strip()
    if not squash(value) or squash(value) in PLATFORMS or COPYRIGHT.match(value):
        return None
    if squash(value).isdigit() or len(value) > 60:
        return None
    return value


def _best_spelling(name: str, candidates: list[Found], host: str) -> str:
    """The best-written of the candidates spelling the same name as ``name``."""
    bare = without_domain_suffix
    key = squash(bare(name)).removeprefix("the")
    same = [c.value for c in candidates if squash(bare(c.value)).removeprefix("the") == key]
    proper = [v for v in same if v == bare(v) and v != v.lower()]
    if proper:  # "Live Science" over "livescience.com", "The Hill" over "TheHill"
        return max(proper, key=lambda v: (v.count(" "), v != v.upper()))
    dotted = [v for v in same if v != bare(v)]
    if dotted:  # "cleveland.com" over "cleveland"; "Snopes" for "Snopes.com"
        value = dotted[0]
        short = bare(value)
        return short if short != short.lower() and len(short) >= 4 else value
    return name


def _domain_name(host: str) -> str:
    """A site that names itself nowhere: its host as a name, "Example.org" (a domain's words
    run together, and guessing where they part would put words in the site's mouth)."""
    return host.capitalize()


# --------------------------------------------------------------------------- byline


def _byline(signals: _Signals, found: str | None, host: str | None) -> Found | None:
    for origin, raw in (
        ("json-ld", signals.people),
        ("meta", signals.meta_authors),
        ("byline", [found] if found else []),
    ):
        names = list(dict.fromkeys(n for value in raw for n in byline_names(value, host)))
        if names:
            return Found("; ".join(names), origin)
    return None


def byline_names(value: str, host: str | None = None) -> list[str]:
    """The people a byline names: "By TOM KRISHER, AP Auto Writer" → ["Tom Krisher"]."""
    parts = re.split(r"\s*(?:[;,|&/+]|\band\b|(?<![A-Z])\.\s)\s*", value)
    names = [name for part in parts if (name := _person(part, host))]
    if any(" " in name for name in names):  # "Victor Tangermann, Futurism": an affiliation
        names = [name for name in names if " " in name]
    return names


def _person(part: str, host: str | None) -> str | None:
    words = re.sub(r"^\s*(?:by|par|por)(?:\s+|$)", "", part.strip(), flags=re.I).split()
    kept: list[str] = []
    for word in words:
        bare = word.strip(".'’").lower()
        if not word[:1].isupper() and bare not in NAME_PARTICLES:
            break  # "Phil Helsel is a reporter"
        if bare in ROLE_WORDS or bare in WEEKDAYS or any(ch.isdigit() for ch in word):
            break  # "Tom Gillespie News reporter", "Jeff Foust Monday"
        kept.append(word)
    if len(kept) < len(words) and len(kept) < 2:
        return None  # prose, or a role alone
    while kept and _is_outlet(" ".join(kept[-2:]), host) and len(kept) > 2:
        kept = kept[:-2]  # "Eric Tucker Associated Press"
    if not any(word[:1].isupper() for word in kept):
        return None
    if kept[0].lower() == "the" or len(kept) > 5 or _is_outlet(kept[0], host):
        return None  # "AP Auto Writer"
    name = " ".join(kept)
    if _is_outlet(name, host) or "admin" in name.lower():
        return None
    if len(kept) == 1 and (name.isupper() or name.lower() in MONTH_NUMBERS):
        return None  # a handle ("KWCHCIK") or a date's month ("Jeff Foust Monday; November")
    return name.title() if name.isupper() else name


def _is_outlet(name: str, host: str | None) -> bool:
    if name.lower() in AGENCIES or known_outlets().for_name(name):
        return True
    return bool(host and names_site(name, host))
