"""Post-cleaning of an extracted body: the teasers and notices a main-text extractor leaves.

trafilatura keeps what sits inside the article's own container: "Related:" and "Read more:"
links to other stories, "Don't miss" blocks and lists of their headlines, and the newsletter,
follow-us, credit and contact lines that close many articles; its users report these teasers
as its most common fault. :func:`furniture_reasons` gives each line of an extracted text the
reason it is not article text, or ``None``; the caller keeps the other lines and records the
dropped ones with their reasons.

Lines are taken as extractors render them: one paragraph, heading or list item a line, list
items starting with "- ". Where the page is known, the texts of its links tell a list of other
stories' headlines (each line all one link) from a list the article makes.

bench_extraction html mode: the HTML cleaner 0.9811 without this post-cleaning, 0.9885 with it
(0.9866 without the link texts).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from storyline.clean.lines import normalise

RELATED_LINK = "related-story link"
RELATED_BLOCK = "related-stories block"
HEADLINE_LIST = "list of other stories' headlines"
NOTICE = "newsletter, sharing or comments notice"
CREDIT = "credit line"
CONTACT = "contact line"
TAGS = "tags line"
SHORTCODE = "unrendered shortcode"
AFTER_NOTICES = "after the closing notices"

#: Words that introduce other stories: "Related:", "Read more:", "Don't miss", "Most read".
_TEASER_WORDS = (
    r"related(?: (?:posts?|stories|story|articles?|content|coverage|reading|links?|news))?|"
    r"read (?:more|also|next)|also read|see (?:more|also)|more(?: (?:stories|news|coverage))?|"
    r"also|recommended(?: (?:reading|for you|stories))?|further reading|don'?t miss|"
    r"(?:watch|listen)(?: more)?|you (?:may|might) (?:also )?like|"
    r"most (?:read|popular|viewed|shared|commented)(?: (?:in|on) [\w' -]{1,30})?|"
    r"trending(?: now| news| stories)?|what to read next|top stories|latest (?:news|stories)|"
    r"editor'?s picks|popular (?:posts|stories)|more (?:on|from|about|in) [\w' -]{1,40}|"
    r"more great [\w' -]{1,30} stories"
)
#: "Related: Some other story", "[SEE MORE: Some other story]", "Also on rt.com Some story",
#: "On HoustonChronicle.com: Some story".
TEASER_LINK = re.compile(
    rf"^[\[(]?\s*(?:(?:{_TEASER_WORDS})\s*[:|»›>]|(?:also )?on [\w-]+(?:\.[\w-]+)+\b)\s*\S",
    re.I,
)
#: A heading that introduces a block of other stories: "DON'T MISS", "You may also like...".
TEASER_HEADING = re.compile(rf"^[\W_]*(?:{_TEASER_WORDS})[\W_]*$", re.I)

#: Sign-up notices, wherever they stand: no article paragraph reads like these.
SIGN_UP = re.compile(
    r"\b(?:sign(?:ing)? up|subscribe|register)\b.{0,100}\bnewsletters?\b|"
    r"\bnewsletters?\b.{0,100}\b(?:sign(?:ing)? up|subscribe)\b|"
    r"\b(?:delivered|straight|right|directly) (?:to|in|into) your inbox\b",
    re.I,
)
#: A content-management shortcode the page left unrendered: "[button link=...]Send[/button]".
SHORTCODE_LINE = re.compile(r"^\[(?P<tag>\w+)\b[^\]]*\].*\[/(?P=tag)\]$")

# What closes an article; looked for only after its last paragraph, as article text can
# mention newsletters, sources and addresses too.
CLOSING_NOTICE = re.compile(
    r"\bfollow\b.{0,60}\bon (?:twitter|facebook|instagram|linkedin|youtube)\b", re.I
)
#: A short line naming a newsletter ("Pick Six Newsletter") is its sign-up box.
NEWSLETTER = re.compile(r"\bnewsletters?\b", re.I)
#: Prompts that stand on a line of their own: "Like this story? Share it!", "3 comments".
PROMPT = re.compile(
    r"^\W*(?:like this (?:story|article)|share (?:this|it)\b|tell us what you think|"
    r"leave a (?:comment|reply)|\d*\s*comments?\W*$)",
    re.I,
)
CLOSING_CREDIT = re.compile(
    r"^\W*(?:additional )?(?:reporting|writing|editing) by\b|\bediting by\b|"
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b|"
    r"^\W*with [\w ]{1,30} wires?\W*$|^\W*originally (?:published|appeared) (?:on|in|at)\b|"
    r"^\W*source\s*:|^\W*(?:photo|image|video)s?(?: credits?)?\s*:|©|^\W*copyright\b|"
    r"\ball rights reserved\b",
    re.I,
)
CLOSING_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|^\W*[\w ]{1,20}:\s*(?:https?://|www\.)\S+\W*$|"
    r"\bhave a (?:news )?tip\b|\b(?:can|may) be reached at\b|"
    r"^\W*(?:reach|contact|email) (?:the|him|her|them|us)\b",
    re.I,
)
CLOSING_TAGS = re.compile(
    r"^\W*(?:filed under|tags?|tagged(?: with)?|categor(?:y|ies)|topics)\s*:", re.I
)

BULLET = re.compile(r"^[-•·▪►*–]\s+")
#: How a list item ends when it is a sentence, not a headline (headlines may ask questions).
SENTENCE_END = re.compile(r"[.:;]$")
#: A link whose text is an address, not a headline.
ADDRESS = re.compile(r"@|://|^www\.", re.I)

#: Longest teaser headline; a longer line after a teaser heading is article text again.
MAX_HEADLINE_CHARS = 150
#: Longest teaser heading ("You may also like...") and stand-alone prompt ("Tell us what you
#: think..."); a paragraph that invites comments stays.
MAX_PROMPT_CHARS = 60
#: Longest notice, credit or contact line; a longer line is a paragraph that mentions one.
MAX_NOTICE_CHARS = 300
#: A line this long (and no notice) is article prose: the closing notices come after the last
#: one. bench_extraction html mode: 120, 150, 200 or 300 → 0.9885.
MIN_PROSE_CHARS = 200
#: Most lines after the first closing notice that go with it although they match no notice
#: ("Get the day's big stories..."); with more of them the notice does not close the article,
#: and only the lines that match go. bench_extraction html mode: 0 → 0.9883, 2 → 0.9886,
#: 4 → 0.9885, 6 or 10 → 0.9880.
MAX_LINES_AFTER_NOTICE = 4
#: Words of a headline in a list of other stories.
MIN_HEADLINE_WORDS, MAX_HEADLINE_WORDS = 3, 20
#: Fewest linked bullet headlines in a row that make a list of other stories.
MIN_HEADLINE_LIST = 3
#: Fewest words of a line that is all one link, to count as a link to another story
#: (bench_extraction html mode: 2, 3 or 4 → 0.9885).
MIN_LINK_WORDS = 3
#: A line that is all one link and this long is a teaser on its own; shorter ones need a
#: neighbour that is all one link too. bench_extraction html mode: 5, 8 or 12 → 0.9885, never
#: alone → 0.9882.
MIN_TEASER_LINK_WORDS = 8


def furniture_reasons(
    lines: Sequence[str], link_texts: Collection[str] = frozenset()
) -> list[str | None]:
    """For each line, why it is page furniture rather than article text, or ``None``.

    ``link_texts`` are the normalised texts (:func:`~storyline.clean.lines.normalise`) of the
    page's links, when the page is known.
    """
    reasons: list[str | None] = [None] * len(lines)
    _mark_teasers(lines, reasons)
    _mark_link_runs(lines, link_texts, reasons)
    for index, line in enumerate(lines):
        if reasons[index] is None:
            reasons[index] = _stray_notice(line)
    _mark_closing_block(lines, link_texts, reasons)
    return reasons


def _mark_teasers(lines: Sequence[str], reasons: list[str | None]) -> None:
    """Teaser links, and teaser headings with the headlines that follow them."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if len(line) <= MAX_HEADLINE_CHARS + MAX_PROMPT_CHARS and TEASER_LINK.match(line):
            reasons[index] = RELATED_LINK
        elif len(line) <= MAX_PROMPT_CHARS and TEASER_HEADING.match(line):
            reasons[index] = RELATED_BLOCK
            while index + 1 < len(lines) and _is_headline(lines[index + 1]):
                index += 1
                reasons[index] = RELATED_BLOCK
        index += 1


def _is_headline(line: str) -> bool:
    """Short and not ending like a sentence: a headline, a list item or a heading."""
    return len(line) <= MAX_HEADLINE_CHARS and not line.rstrip().endswith(".")


def _mark_link_runs(
    lines: Sequence[str], link_texts: Collection[str], reasons: list[str | None]
) -> None:
    """Lines that are all one link: two or more in a row, or one long one, are teasers."""
    words = [_link_words(line, link_texts) for line in lines]
    for index, count in enumerate(words):
        if not count or reasons[index]:
            continue
        in_run = (index > 0 and words[index - 1]) or (index + 1 < len(lines) and words[index + 1])
        if in_run:
            reasons[index] = HEADLINE_LIST
        elif count >= MIN_TEASER_LINK_WORDS:
            reasons[index] = RELATED_LINK


def _link_words(line: str, link_texts: Collection[str]) -> int:
    """How many words a line has that is all one link to another page; else 0."""
    if not link_texts or ADDRESS.search(line):
        return 0
    text = normalise(BULLET.sub("", line))
    count = len(text.split())
    return count if count >= MIN_LINK_WORDS and text in link_texts else 0


def _stray_notice(line: str) -> str | None:
    """Notices that are furniture wherever they stand."""
    if len(line) <= MAX_NOTICE_CHARS and SIGN_UP.search(line):
        return NOTICE
    if SHORTCODE_LINE.match(line):
        return SHORTCODE
    return None


def _mark_closing_block(
    lines: Sequence[str], link_texts: Collection[str], reasons: list[str | None]
) -> None:
    """After the article's last long paragraph: the closing notices, and what follows them.

    Short lines before the first notice stay (sign-offs, short last paragraphs, the credits of
    quoted posts); after it, up to :data:`MAX_LINES_AFTER_NOTICE` unmatched lines go with it.
    """
    tail = _tail_start(lines, reasons)
    in_lists = _headline_list_lines(lines, link_texts)
    closing = {
        index: reason
        for index in range(tail, len(lines))
        if (reason := _notice(lines[index]) or (HEADLINE_LIST if index in in_lists else None))
    }
    if not closing:
        return
    unmatched = [i for i in range(min(closing), len(lines)) if i not in closing and not reasons[i]]
    for index, reason in closing.items():
        reasons[index] = reasons[index] or reason
    if len(unmatched) <= MAX_LINES_AFTER_NOTICE:
        for index in unmatched:
            reasons[index] = AFTER_NOTICES


def _tail_start(lines: Sequence[str], reasons: Sequence[str | None]) -> int:
    """The index after the last line that reads as article prose."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if reasons[index] is None and len(line) >= MIN_PROSE_CHARS and not _notice(line):
            return index + 1
    return 0


def _notice(line: str) -> str | None:
    """Why a line closing an article is a notice, credit, contact or tags line; else None."""
    if len(line) > MAX_NOTICE_CHARS:
        return None
    checks = (
        (CLOSING_NOTICE.search(line) or SIGN_UP.search(line), NOTICE),
        (len(line) <= MAX_HEADLINE_CHARS and NEWSLETTER.search(line), NOTICE),
        (len(line) <= MAX_PROMPT_CHARS and PROMPT.match(line), NOTICE),
        (CLOSING_CREDIT.search(line), CREDIT),
        (CLOSING_CONTACT.search(line), CONTACT),
        (CLOSING_TAGS.match(line), TAGS),
    )
    return next((reason for hit, reason in checks if hit), None)


def _headline_list_lines(lines: Sequence[str], link_texts: Collection[str]) -> set[int]:
    """The lines in runs of at least :data:`MIN_HEADLINE_LIST` linked bullet headlines."""
    found: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if BULLET.match(line) and _is_linked_headline(line, link_texts):
            run.append(index)
            continue
        if len(run) >= MIN_HEADLINE_LIST:
            found.update(run)
        run = []
    return found


def _is_linked_headline(line: str, link_texts: Collection[str]) -> bool:
    """A few words, not ending like a sentence, the last of them a link.

    Lists of other stories link the whole line or its end ("Paid ads are not the problem.
    <a>Our perceptions are</a>").
    """
    words = normalise(line).split()
    if not MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS:
        return False
    if SENTENCE_END.search(line.rstrip()):
        return False
    return any(" ".join(words[start:]) in link_texts for start in range(len(words) - 1))


__all__ = ["furniture_reasons"]
