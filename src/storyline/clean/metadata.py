"""Metadata found in the text of a page dump: date, outlet, byline, dateline, wire agencies.

Hand-written patterns rather than dateparser: dateparser finds dates anywhere and trims its
matches badly, while these few shapes (labelled date lines, datelines, copyright lines,
sign-offs) are where news pages state their own metadata, and each match says where it came
from (``PubDate.origin``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.clean.outlets import canonical_outlet
from storyline.dates import MONTH_NUMBERS
from storyline.records import Precision, PubDate

_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s*,?\s+(?P<year>\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I
)
_ISO_DAY = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")

#: A line that labels the page's own date: "Last Modified: 09 Feb 2006 23:28 GMT".
DATE_LABEL = re.compile(
    r"^\s*(last\s+modified|last\s+updated|updated|published|posted|first\s+published|date)\b"
    r"\s*(on)?\s*:?",
    re.I,
)
COPYRIGHT = re.compile(
    r"^\s*(?:copyright|\(c\)|©)\s*(?:©\s*)?(?P<year>(?:19|20)\d{2})?(?:\s*[-–]\s*\d{4})?"
    r"\s*(?P<holder>[A-Z][\w.&'/-]*(?:\s+[A-Z][\w.&'/-]*){0,3})?",
    re.I,
)
#: "MOSCOW, March 3, 2006 (RFE/RL) --", "MOSCOW, Russia (Reuters) --", "(Reuters) —".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+){0,3})?"
    r"(?P<rest>,[^()\n]{0,40}?)?\s*(?:\((?P<credit>[^()\n]{2,40})\))?\s*(?:--|—|–|-|:)\s"
)
#: A sign-off line at the end of an article: "Aljazeera + Agencies", "- AFP", "(Reuters)".
SIGN_OFF = re.compile(
    r"^\s*[-–—(]?\s*(?P<credits>[A-Z][\w./-]*(?:\s*[+&/,]\s*[A-Z][\w./-]*|\s+[A-Z][\w./-]*){0,3})"
    r"\s*\)?\s*$"
)
BYLINE = re.compile(
    r"^\s*By\s+(?P<name>[A-Z][\w.'-]+(?:\s+(?:[A-Z][\w.'-]+|de|van|von|al|and))"
    r"{0,5})\s*(?:,.*)?$"
)
URL = re.compile(r"\b(?:https?://)?(?:www\.)(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.I)

#: Wire agencies by the spellings they are credited under, to their usual name.
AGENCIES = {
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "ria-novosti": "RIA-Novosti",
    "ria novosti": "RIA-Novosti",
    "itar-tass": "ITAR-TASS",
    "tass": "TASS",
    "interfax": "Interfax",
    "dpa": "dpa",
    "upi": "UPI",
    "xinhua": "Xinhua",
    "efe": "EFE",
    "ansa": "ANSA",
    "kyodo": "Kyodo",
    "bloomberg": "Bloomberg",
}
#: A sign-off's word for unnamed wires ("Aljazeera + Agencies"): it marks the line as a credit
#: but names no agency, so it is never listed as one.
UNNAMED_WIRES = frozenset({"agencies", "wires", "news agencies", "wire services"})


@dataclass(frozen=True, slots=True)
class TextMetadata:
    """What the text says about itself."""

    published: PubDate | None = None
    outlet: str | None = None
    #: Where the outlet was read: "text: sign-off", "text: copyright", "text: dateline" or
    #: "text: url".
    outlet_origin: str | None = None
    byline: str | None = None
    dateline: str | None = None
    agencies: tuple[str, ...] = ()


def find_day(text: str) -> dt.date | None:
    """The first full calendar date written in ``text`` (English month names or ISO)."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO_DAY):
        match = pattern.search(text)
        if match and (day := _to_date(match)) is not None:
            return day
    return None


def _to_date(match: re.Match[str]) -> dt.date | None:
    month = match["month"]
    number = int(month) if month.isdigit() else MONTH_NUMBERS[month.lower().rstrip(".")]
    try:
        return dt.date(int(match["year"]), number, int(match["day"]))
    except ValueError:
        return None


#: How many of the first body paragraphs may hold the dateline: a lede run into a photo
#: caption comes before it in some dumps (seed 001).
DATELINE_PARAGRAPHS = 2


def text_metadata(lines: Sequence[str], leads: Sequence[str]) -> TextMetadata:
    """Metadata from the stripped non-blank ``lines`` of a dump and its first body paragraphs."""
    candidates = (DATELINE.match(lead) for lead in leads[:DATELINE_PARAGRAPHS])
    dateline = next((m for m in candidates if m), None)
    credit = _credit(dateline)
    sign_offs = [c for line in lines[-8:] if (c := _sign_off_credits(line))]
    copyright_holder = next((h for line in lines if (h := _copyright_holder(line))), None)
    agencies = _agencies([credit] if credit else [], sign_offs)
    outlet = _outlet(sign_offs, copyright_holder, credit, lines)
    return TextMetadata(
        published=_published(lines, dateline),
        outlet=canonical_outlet(outlet[0]) if outlet else None,
        outlet_origin=outlet[1] if outlet else None,
        byline=next((m["name"] for line in lines[:30] if (m := BYLINE.match(line))), None),
        dateline=dateline["place"] if dateline and dateline["place"] else None,
        agencies=agencies,
    )


def _credit(dateline: re.Match[str] | None) -> str | None:
    return dateline["credit"].strip() if dateline and dateline["credit"] else None


def _published(lines: Sequence[str], dateline: re.Match[str] | None) -> PubDate | None:
    for line in lines:
        if DATE_LABEL.match(line) and (day := find_day(line)):
            return PubDate(day, Precision.DAY, "text: date line")
    if dateline and dateline["rest"] and (day := find_day(dateline["rest"])):
        return PubDate(day, Precision.DAY, "text: dateline")
    for line in lines:
        match = COPYRIGHT.match(line)
        if match and match["year"]:
            return PubDate(dt.date(int(match["year"]), 1, 1), Precision.YEAR, "text: copyright")
    return None


def _sign_off_credits(line: str) -> tuple[str, ...]:
    """The names credited by a short sign-off line, e.g. ("Aljazeera", "Agencies")."""
    if len(line) > 50 or (match := SIGN_OFF.match(line)) is None:
        return ()
    words = re.split(r"\s*[+&/,]\s*", match["credits"])
    has_agency = any(word.lower() in AGENCIES or word.lower() in UNNAMED_WIRES for word in words)
    return tuple(words) if has_agency else ()


def _copyright_holder(line: str) -> str | None:
    match = COPYRIGHT.match(line)
    if not match or not match["holder"]:
        return None
    holder = re.split(r"\.(?:\s|$)", match["holder"])[0]
    return None if holder.lower() in {"all", "the"} else holder


def _agencies(credits: list[str], sign_offs: list[tuple[str, ...]]) -> tuple[str, ...]:
    names = [*credits, *(name for group in sign_offs for name in group)]
    found = {AGENCIES[n.lower()] for n in names if n.lower() in AGENCIES}
    return tuple(sorted(found))


def _outlet(
    sign_offs: list[tuple[str, ...]],
    copyright_holder: str | None,
    credit: str | None,
    lines: Sequence[str],
) -> tuple[str, str] | None:
    """The outlet the text names, as written, and where it was read."""
    own = [name for group in sign_offs for name in group if name.lower() not in UNNAMED_WIRES]
    if own:
        return own[0], "text: sign-off"
    if copyright_holder:
        return copyright_holder, "text: copyright"
    if credit:
        return AGENCIES.get(credit.lower(), credit), "text: dateline"
    urls = [m["domain"].lower() for line in lines if (m := URL.search(line))]
    return (urls[0], "text: url") if urls else None
