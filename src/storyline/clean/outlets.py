"""Outlets: the one name each is shown under, and how a name is told to be a site's own.

A small packaged table (``data/outlets.toml``) gives well-known outlets their usual name by
domain or by any spelling they sign with. Every other site is named from what its pages say
(:mod:`storyline.clean.page`); the helpers here decide whether such a name is the site's own,
by comparing it with the site's domain: "The Hill" and "TheHill" are thehill.com's, "The New
York Times" is nytimes.com's (words whole or by their initial), "Deccan Herald" is
deccanherald.com's but "DH News Service" is not.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

__all__ = [
    "KnownOutlets",
    "canonical_outlet",
    "domain_label",
    "host_of",
    "known_outlets",
    "names_site",
    "squash",
    "without_domain_suffix",
]

#: Second-level labels under which sites register (example.co.uk, example.com.br).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})
#: Words a site's name may add to or leave out of its domain: "The Hill" is thehill.com's
#: and hill.com's, "The GiveWell Blog" blog.givewell.org's.
_LEADING_ARTICLE = re.compile(r"^the", re.I)


#: A domain's ending written after a site's name: "Snopes.com", "Express.co.uk".
_DOMAIN_SUFFIX = re.compile(r"(?:\.[a-z]{2,6}){1,2}$", re.I)


def without_domain_suffix(name: str) -> str:
    """``Snopes.com`` → ``Snopes``; a name without one is returned as it is."""
    return _DOMAIN_SUFFIX.sub("", name)


def squash(name: str) -> str:
    """Letters and digits only, lower-cased: what two spellings of one name share."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in folded if char.isalnum())


def host_of(url: str | None) -> str | None:
    """The URL's host name without ``www.``, lower-cased; None for a URL without one."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


def domain_label(host: str) -> str:
    """The label a site registered: ``nytimes`` for www.nytimes.com, ``bbc`` for bbc.co.uk,
    ``givewell`` for blog.givewell.org."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def names_site(name: str, host: str) -> int:
    """How closely ``name`` is the site at ``host``: 2 when it spells the registered label
    (a leading "The" and the top-level domain aside: "TheHill", "Snopes.com", "USA TODAY"),
    1 when one begins the other or the label is made of the name's words taken whole or by
    their initial ("Vortex Cannon Entertainment" for vortexcannon.org, "The New York Times"
    for nytimes.com), 0 otherwise."""
    label = squash(domain_label(host))
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name.strip(), flags=re.I)
    spelled = squash(name)
    if not label or not spelled:
        return 0
    if squash(host) == spelled:
        return 2
    spelled = squash(without_domain_suffix(name)) or spelled
    forms = {spelled, _LEADING_ARTICLE.sub("", spelled)}
    if label in forms:
        return 2
    if any(len(form) >= 4 and (form.startswith(label) or label.startswith(form)) for form in forms):
        return 1
    words = [squash(word) for word in re.split(r"[\s\-]+", name) if squash(word)]
    if words and words[0] == "the":
        words = words[1:]
    return 1 if len(words) >= 2 and _spelled_by(label, words) else 0


def _spelled_by(label: str, words: list[str]) -> bool:
    """Whether ``label`` is ``words`` in order, each whole or by its initial."""
    if not words:
        return not label
    word, rest = words[0], words[1:]
    return any(
        label.startswith(part) and _spelled_by(label[len(part) :], rest)
        for part in dict.fromkeys((word, word[0]))
    )


@dataclass(frozen=True, slots=True)
class KnownOutlets:
    """The packaged table: usual names by domain and by squashed spelling."""

    by_domain: dict[str, str]
    by_spelling: dict[str, str]

    def for_host(self, host: str | None) -> str | None:
        """The outlet publishing at ``host`` or any domain above it (hosted.ap.org: AP's)."""
        if not host:
            return None
        labels = host.split(".")
        for start in range(len(labels) - 1):
            name = self.by_domain.get(".".join(labels[start:]))
            if name:
                return name
        return None

    def for_name(self, name: str) -> str | None:
        return self.by_spelling.get(squash(name))


@functools.cache
def known_outlets() -> KnownOutlets:
    text = resources.files("storyline").joinpath("data/outlets.toml").read_text("utf-8")
    by_domain: dict[str, str] = {}
    by_spelling: dict[str, str] = {}
    for outlet in tomllib.loads(text)["outlet"]:
        name = outlet["name"]
        for domain in outlet.get("domains", []):
            by_domain[domain] = name
            by_spelling.setdefault(squash(domain), name)  # "aljazeera.net" as a sign-off
        for spelling in [name, *outlet.get("spellings", [])]:
            by_spelling[squash(spelling)] = name
    return KnownOutlets(by_domain, by_spelling)


def canonical_outlet(name: str) -> str:
    """The usual name of an outlet written as a sign-off, a site name or a domain:
    "Aljazeera + Agencies" and aljazeera.net are both Al Jazeera; a name not in the table is
    kept as written."""
    known = known_outlets()
    host = host_of(name) if re.fullmatch(r"(?:https?://)?[\w.-]+\.[a-z]{2,}/?", name) else None
    return known.for_host(host) or known.for_name(name) or name
