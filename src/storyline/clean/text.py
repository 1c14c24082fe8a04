"""Text dumps: the visible text of a whole page, menus and footers included.

The line-level cleaner keeps ``Article.text`` exactly as given and records every part it
leaves out of the body with the reason. It works in numbered steps:

1. split the text into lines (each a span of the original);
2. classify each line as a body candidate or page furniture, from its layout and wording,
   then by its neighbours: lists of teasers (excerpts cut off with an ellipsis, headlines
   with comment counts), the teaser above a "Read more" link, and readers' comments (signed
   and timed) from the first of them to the end of the page;
3. cut everything after a teaser marker ("Also see story:", "Featured on ...", "About the
   author") or a copyright line that follows the start of the article: appended stories and
   footers;
4. keep the densest run of body text (a maximum-sum run over the lines, as Finn et al.'s
   Body Text Extraction does over tags), so menus and footers around it fall away; short
   lines between its paragraphs are the article's too (subheadings, list items, table rows),
   except a headline link broken over two lines;
5. drop lines repeated from the article (a lead repeated as a standfirst, pull quotes and the
   lines that sign them);
6. the post-cleaning the HTML cleaner shares (:mod:`storyline.clean.postclean`): teaser
   links, related-story blocks, sign-up notices and the credits that close an article;
7. trim share buttons glued to the end of a paragraph;
8. find the title, the highlights, and the metadata the text states about itself.

Each rule was judged on both halves of bench_extraction's dev pages (``--split``), and the
tuned constants by tuning them on one half and scoring the other (``--cross-check``): the
rules are for kinds of page furniture, not for pages.

Page language matters for one cue: function words (:mod:`storyline.clean.language`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from storyline.clean.language import (
    CJK,
    LATIN_WORD,
    page_stoplist,
    stopword_density,
    weighted_length,
    word_count,
)
from storyline.clean.lines import Line, normalise, split_lines
from storyline.clean.metadata import (
    BYLINE,
    COPYRIGHT,
    DATE_LABEL,
    TextMetadata,
    text_metadata,
)
from storyline.clean.postclean import furniture_reasons
from storyline.errors import MalformedInput
from storyline.records import Article, Dropped, RawDocument, Span
from storyline.settings import CleanSettings

BODY = "body"
APPENDED = "appended after teaser marker"
COMMENTS = "readers' comments"
#: Labels that hold the rest of the page once they start: dropped as one span.
TAIL = frozenset({APPENDED, COMMENTS})
OUTSIDE = "outside the main text"
SHORT = "short line"
NAMES = "list of names or links"
TEASER = "teaser excerpt"
WRAPPED_LINK = "link to another story"

#: Whole lines that are page furniture wherever they stand.
FURNITURE = re.compile(
    r"^[\W_]*(skip to (main )?content|accessibility links|breaking news|e-?mail( to a friend)?|"
    r"save|print|share( this( article| story| page)?)?|tweet|facebook|twitter|linkedin|"
    r"whatsapp|reddit|pinterest|comments?|(decrease|enlarge|increase) font.*|text size|"
    r"next article.*|previous article.*|advertisement|menu|search|home|close|back to top|"
    r"(sign|log) (in|up|out)|register|subscribe.*|follow us.*|story highlights|highlights|"
    r"key points|image credit.*|photo credit.*|topics in this article|"
    # Advertising labels and the controls of a photo gallery: "1 / 23", "Back to Gallery".
    r"advert|continue reading( below)?|back to gallery|view (all|gallery)( \(\d+\))?|"
    r"\d+ ?(/|of) ?\d+|(previous|next) (post|story|page|slide)|"
    r"(click to |submit to )?(share|print|email|e-mail)( this)?( on \w+)?.*\(opens in new window\)|"
    r"submit to \w+.*\(opens in new window\)|"
    # The same buttons and menu items in French, German, Spanish, Portuguese, Italian, Dutch
    # and Russian: share, print, home, search, log in, subscribe, advertising, comments, menu.
    r"partager|imprimer|accueil|recherche|connexion|s'abonner|publicit[ée]|commentaires|"
    r"teilen|drucken|startseite|suche|anmelden|abonnieren|werbung|kommentare|men[üu]|"
    r"compartir|imprimir|inicio|buscar|iniciar sesi[óo]n|suscr[ií]bete|publicidad|comentarios|"
    r"compartilhar|in[íi]cio|pesquisar|entrar|assine|publicidade|coment[áa]rios|"
    r"condividi|stampa|cerca|accedi|iscriviti|pubblicit[àa]|commenti|"
    r"delen|afdrukken|zoeken|inloggen|abonneren|advertentie|reacties|"
    r"поделиться|печать|главная|поиск|войти|подписаться|реклама|комментарии|меню"
    r")[\W_]*$",
    re.I,
)
#: Words that address the reader: notices, subscription and cookie banners.
NOTICE = re.compile(
    r"\b(click here|subscribe|newsletter|sign up|cookies?|privacy policy|terms of (use|service)|"
    r"all rights reserved|please note|our content|contact us|javascript|your browser)\b",
    re.I,
)
#: Photo captions: "(left)", "(epa)", "Putin, right, endorsed ...", "Photo: ...".
#: (Two patterns: an anchored one is tried at the start only, which keeps long lines cheap.)
CAPTION_MARK = re.compile(  # (an agency's initials in one case: "(ePA)" is an abbreviation)
    r"\((?:(?i:left|right|center|centre|pictured|file photo|getty images|file)|epa|EPA)\)"
)
CAPTION_START = re.compile(
    r"[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)*, (?:left|right|center|centre|pictured),|"
    r"(?i:photo|image|picture|above|below|caption)\s*:|"
    r"(?i:(?:image|media|photo|video) (?:caption|copyright|credit))\b"
)
#: A caption that ends with its credit: "... heads the line (Image: GETTY )", "... in Nogales,
#: Ariz. (AP)", "(AP Photo/Alan Diaz, File)", "(NASA/JPL-Caltech/ASU)", "... a rabbit Credit: EPA",
#: "... on July 25, 2019. J. Scott Applewhite / AP file".
CAPTION_END = re.compile(
    r"\((?i:image|photo|picture|credit|foto|bild)s?(?i: credit)?\s*:[^()]*\)$|"
    r"\((?:AP|AFP|Reuters|REUTERS|EPA|Getty|Shutterstock)\b[^()]*\)$|"
    r"\([^()]*[A-Za-z] ?/ ?[A-Z][^()]*\)$|\b(?i:credit):\s[^.]{1,60}$|"
    r"[.)]\s+[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,3}\s?/\s?[A-Z][\w.&' -]{1,30}$"
)
#: A photo credit on a line of its own: "Sanjeev Verma/Hindustan Times/Getty Images",
#: "Michael Conroy, AP", "Christopher Tays Submitted photo", "Jason Cipriani/ZDNet".
CREDIT_LINE = re.compile(
    r"(?:^|[\s/|,(-])(?:getty(?: images)?|ap(?: photo)?(?: file)?|reuters|afp|epa|shutterstock|"
    r"istock(?:photo)?|alamy|associated press|pa (?:wire|images)|handout|"
    r"(?:submitted|file|stock|handout) (?:photo|image)|courtesy(?: of)? [\w .&'-]{2,40})\W*$|"
    r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3} ?/ ?[A-Z][\w.&' -]{1,30}$",
    re.I,
)
#: Characters at the end of a line where a credit or a teaser's ending is looked for (the
#: patterns are anchored at the end; searching a whole paragraph for them costs time).
ENDING_CHARS = 120
#: Longest line that can be a credit alone (set by judgement; bench_extraction --cross-check:
#: the same on both halves of dev from 80 to 160).
CREDIT_MAX_CHARS = 80
#: Short lines after which a page appends other stories or its footer: cut all that follows.
#: ("Related" and "Read more" are left out: pages put those blocks inside the article too,
#: and the main-run step drops their short headline links; bench_extraction text mode.)
#: A heading "About ..." after the article opens the author's box or the site's footer
#: ("About the author", "Sobre Carlos Nadalim", "Über Moritz Bachmann", "About GiveWell");
#: "Tags:" and "Topics" head the list of the page's tags.
TEASER_MARKER = re.compile(
    r"^[\W_]*(also see( story)?|featured( on .{1,40})?|recommended( for you)?|"
    r"most (read|popular|viewed|shared|commented|emailed)|topics in this article|"
    r"you (may|might) also like|trending( now)?|what to read next|"
    r"(about|sobre|über|à propos|a proposito|tentang|об авторе)\b[^.!?]{0,40}|"
    r"tags?|tagged( with)?|filed under|(related )?topics|themen|schlagwörter|etiquetas|теги)"
    r"[\W_]*$",
    re.I,
)
#: Longest teaser or comments marker; a longer line is a sentence that mentions one.
MARKER_MAX_CHARS = 60
#: Lines that open a comment section: what follows is readers', not the article's.
COMMENTS_MARKER = re.compile(
    r"^[\W_]*(\d+\s+(responses?|comments?|replies)\b.*|leave a (reply|comment)|"
    r"comments are closed|(add|post|write) a comment|join the (conversation|discussion)|"
    r"show comments|view comments|reader comments)[\W_]*$",
    re.I,
)
#: A reader's comment as blogs head it: "Milan on September 12, 2018 at 4:47 pm said:", or
#: "joetoronto says:" over a line with the time it was posted.
COMMENT_SIGNATURE = re.compile(r"^\S.{0,80}?\s(?:says|said|wrote)\s*:$", re.I)
#: A time of day in a comment's signature or the line under it ("4:47 pm", "16.05").
CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
#: A line stating when the page was posted: a year and a time of day in a few words
#: ("Associated Press November 19, 2019, 9:02 AM", "Monday, 18.11.2019 | 16:05").
TIME_STAMP_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
TIME_STAMP_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
#: Most words of a time stamp line: a place, an agency and a label may come with the date
#: ("New Delhi, News Nation Bureau | Updated : 19 November 2019, 09:01 AM"). Set by judgement.
TIME_STAMP_WORDS = 15
#: Where a byline's name ends and what the page adds to it begins: "By Amy Kuperinsky | NJ
#: Advance Media for NJ.com".
BYLINE_END = re.compile(r"\s+[|·•]\s+")
#: Longest comment signature and time stamp line.
COMMENT_HEADER_CHARS = 100
#: Fewest comment headers that make the lines from the first of them a comment section: one
#: alone may be a quote introduced in the article ("The minister wrote:").
MIN_COMMENTS = 2
#: How the lines of a list of other stories end: cut off mid-sentence with an ellipsis (the
#: excerpt a teaser shows), or with a count of comments or posts ("Myles Garrett should expect
#: a significant suspension (148)", "World (3031)").
TEASER_END = re.compile(r"[\w,;:'\"”’)]\s?(?:\.{3}|…)$|\S\s\(\d[\d,.]*\)$")
#: Lines apart within which two such endings make a list of teasers; one alone may be the
#: article's own "Here is what he had to say…".
TEASER_REACH = 3
#: A link standing alone under a teaser of another story: its excerpt above, and its headline.
READ_MORE = re.compile(
    r"^[\W_]*(read more|continue reading|read the full (story|article)|mehr lesen|weiterlesen|"
    r"leia mais|continue lendo|leer más|seguir leyendo|lire la suite|continua a leggere|"
    r"leggi tutto|(baca )?selengkapnya|читать далее|подробнее|続きを読む|더보기|자세히 보기)"
    r"[\W_]*$",
    re.I,
)
#: Longest headline of a teaser above its excerpt.
TEASER_HEADLINE_CHARS = 150
#: Words that make a line starting with © a copyright notice rather than a photo credit.
COPYRIGHT_WORDS = re.compile(r"\b(?:19|20)\d{2}\b|rights|reserved|copyright|\bltd\b|\binc\b", re.I)
#: "Photo: ...", "© Lucy Nicholson Detainees at ..." (a credit and its caption), "Image copyright".
PHOTO_CREDIT = re.compile(r"^(©|\(c\)|image copyright|photo(graph)? by|getty images)\s", re.I)
#: Notices are short; a long line that mentions cookies or a browser is prose about them.
NOTICE_MAX_CHARS = 200
#: ... unless the notice words stand in its first few words ("This website uses cookies ...").
NOTICE_OPENING_CHARS = 40
#: A row of a table of figures: a label and at least three numbers ("3 Kevin Harvick 5033 4 6").
TABLE_ROW = re.compile(r"^\S.*?(?:\s[-+]?\d[\d.,:%]*){3,}\s*$")
#: CJK characters that make a short line a sentence rather than a menu item.
SHORT_CJK_CHARS = 12
HIGHLIGHTS_HEADING = re.compile(r"^[\W_]*(story )?highlights|key points[\W_]*$", re.I)
BULLET = re.compile(r"^[•·▪►*–-]\s*")
SENTENCE_END = re.compile(r"[.!?\"'”’)…:。！？」』]$")
TRAILING_SHARE = re.compile(
    r"(?:\s*\b(?:e-?mail to a friend|share this( article| story)?|print this( article)?))+\s*$",
    re.I,
)
#: Shortest line whose second showing is a repeat (a lead repeated as a standfirst); shorter
#: ones recur as list items ("Get it on Amazon"). The weight of a prose line
#: (``min_body_line_chars``); bench_extraction --cross-check: 40 to 60 give the same.
MIN_REPEAT_CHARS = 40
#: A lower-case word outside a quote tells its speaker ("he said"); one inside a name does not
#: ("Khalid Mish'al", "Bashar al-Assad").
ATTRIBUTION_WORD = re.compile(r"(?<![\w'’-])[a-z]{2,}\b")
#: Longest line that signs a pull quote: a name, a title.
PULL_QUOTE_SIGNATURE_CHARS = 60
QUOTED = re.compile(r"[\"“](?P<quote>[^\"“”]{20,})[\"”]")
#: Share of a headline's words the body repeats; headlines paraphrase ("Retains Hard Line"),
#: menu lines share nothing. Set on the seed articles.
TITLE_MIN_OVERLAP = 1 / 3


def clean_text(raw: RawDocument, settings: CleanSettings) -> Article:
    text = raw.text or ""
    lines = _split_glued_captions(split_lines(text))
    labels = _labelled(lines, settings)
    if BODY not in labels and any(len(line.text) > RUN_ON_CHARS for line in lines):
        # A dump that lost its line breaks (a news API's one-line text): notice or caption
        # words anywhere in a line of a thousand characters label all of it. Its sentences
        # are judged as the lines they were. SemEval-2022 Task 8 dev: 17 of 1,081 texts had
        # no body; 7 of them, one-line articles, now keep their prose sentences; the other
        # 10 are cookie banners, taglines and paywall notices, and are still skipped.
        lines = _split_run_on(lines)
        labels = _labelled(lines, settings)
    if BODY not in labels:
        raise MalformedInput(
            raw.source,
            "no article body found: every line looks like page "
            "furniture (menus, links, captions, notices)",
        )
    body_lines = [line for line, label in zip(lines, labels, strict=True) if label == BODY]
    body, trimmed = _trim_share_buttons(text, body_lines)  # step 7
    highlights = _highlights(lines)
    dropped = _dropped(lines, labels, highlights) + trimmed
    return _text_article(raw, text, lines, labels, body, highlights, dropped)


#: A line longer than this (characters) may be several that lost their breaks.
RUN_ON_CHARS = 600
#: Where a sentence of a run-on line ends: a stop, then space and a capital (any script that
#: has one) or a character of a script that has none.
_RUN_ON_BREAK = re.compile(r"(?<=[.!?。！？])[\"'”’)]*\s+(?=[\"“‘(]?[^\W\d_a-z])")


def _split_run_on(lines: list[Line]) -> list[Line]:
    """Lines longer than :data:`RUN_ON_CHARS` cut into their sentences."""
    result = []
    for line in lines:
        if len(line.text) <= RUN_ON_CHARS:
            result.append(line)
            continue
        begin = 0
        for cut in [*(m.end() for m in _RUN_ON_BREAK.finditer(line.text)), len(line.text)]:
            piece = line.text[begin:cut].strip()
            if piece:
                start = (
                    line.span.start
                    + begin
                    + (len(line.text[begin:cut]) - len(line.text[begin:cut].lstrip()))
                )
                result.append(Line(Span(start, start + len(piece)), piece))
            begin = cut
    return result


def _labelled(lines: list[Line], settings: CleanSettings) -> list[str]:
    """Each line's label: ``BODY`` for the article's, else why it is page furniture."""
    stopwords = page_stoplist(line.text for line in lines)
    labels = [line_label(line.text, settings, stopwords) for line in lines]  # step 2
    labels = _mark_teaser_lists(lines, labels)
    labels = _mark_read_more(lines, labels)
    labels = _mark_comments(lines, labels)
    scores = [
        _line_score(line.text, label, settings, stopwords)
        for line, label in zip(lines, labels, strict=True)
    ]
    run = _max_sum_run(scores)
    labels = _cut_appended(lines, labels, run[0])  # step 3
    labels = _keep_main_run(lines, labels, run)  # step 4
    labels = _drop_repeats(lines, labels)  # step 5
    labels = _post_clean(lines, labels)  # step 6
    if BODY not in labels:
        labels = _fallback(lines, labels)
    return labels


_TERMINAL = re.compile(r"[.!?][\"'”’)]*(?:\s|$)")
#: How much prose must follow a caption's credit on the same line for it to be the article's
#: text run into the caption (a dump that lost the line break), not more caption.
GLUED_PROSE_CHARS = 150


def _split_glued_captions(lines: list[Line]) -> list[Line]:
    """ "... attend a news conference in Moscow today (epa) Russian officials and leaders of
    Hamas held talks ...": the caption ends at its credit and the lede goes on after it.

    A line is cut after its last caption mark when a long stretch of prose, opening with a
    capital, follows it; the caption part is then labelled as captions are.
    """
    result = []
    for line in lines:
        marks = list(CAPTION_MARK.finditer(line.text))
        rest = line.text[marks[-1].end() :].lstrip() if marks else ""
        if len(rest) < GLUED_PROSE_CHARS or not rest[0].isupper() or not _TERMINAL.search(rest):
            result.append(line)
            continue
        cut = line.span.start + len(line.text) - len(rest)
        caption = line.text[: marks[-1].end()]
        result.append(Line(Span(line.span.start, line.span.start + len(caption)), caption))
        result.append(Line(Span(cut, line.span.end), rest))
    return result


def _mark_teaser_lists(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """Lines that end as teasers do (:data:`TEASER_END`) near another that does."""
    cut = [
        i
        for i, line in enumerate(lines)
        if line.text.endswith(("...", "…", ")")) and TEASER_END.search(line.text[-ENDING_CHARS:])
    ]
    result = list(labels)
    for before, after in itertools.pairwise(cut):
        if after - before <= TEASER_REACH:
            result[before] = result[after] = TEASER
    return result


def _mark_read_more(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """A "Read more" link, the excerpt above it, and the headline above that when there is
    one (a short line that does not end a sentence): a teaser of another story."""
    result = list(labels)
    for index, line in enumerate(lines):
        if index == 0 or not READ_MORE.match(line.text):
            continue
        result[index] = result[index - 1] = TEASER
        headline = lines[index - 2].text if index >= 2 else ""
        if headline and len(headline) <= TEASER_HEADLINE_CHARS and not _TERMINAL.search(headline):
            result[index - 2] = TEASER
    return result


def line_label(line: str, settings: CleanSettings, stopwords: frozenset[str] = frozenset()) -> str:
    """``BODY`` for a line that reads like article prose, else why it is page furniture.

    ``stopwords`` are the page language's (see :func:`page_stoplist`); without them the
    function-word test is skipped.
    """
    # In order, and lazily: most lines of a page are short and stop at the cheap tests.
    if FURNITURE.match(line):
        return "navigation"
    if _is_copyright(line):
        return "copyright"
    if (len(line) < 80 and DATE_LABEL.match(line)) or _is_time_stamp(line):
        return "date line"
    if line.startswith("By") and BYLINE.match(BYLINE_END.split(line, maxsplit=1)[0]):
        return "byline"
    if CAPTION_START.match(line) or PHOTO_CREDIT.match(line) or CAPTION_MARK.search(line):
        return "caption"
    if CAPTION_END.search(line[-ENDING_CHARS:]) or _is_credit(line):
        return "caption"
    if _is_notice(line):
        return "notice"
    if not _reads_like_prose(line, settings):
        return SHORT
    if stopwords and stopword_density(line, stopwords) < settings.min_stopword_density:
        return NAMES
    return BODY


def _is_time_stamp(line: str) -> bool:
    """A few words with a year and a time of day: when the page or a comment was posted."""
    return (
        len(line) <= COMMENT_HEADER_CHARS
        and bool(TIME_STAMP_CLOCK.search(line) and TIME_STAMP_YEAR.search(line))
        and len(line.split()) <= TIME_STAMP_WORDS
    )


def _is_notice(line: str) -> bool:
    """A notice to the reader: a short line with notice words, or a long one that opens with
    them or holds several ("... please note that ... our content ...")."""
    first = NOTICE.search(line)
    if first is None:
        return False
    if len(line) < NOTICE_MAX_CHARS or first.start() < NOTICE_OPENING_CHARS:
        return True
    return len({m.group().lower() for m in NOTICE.finditer(line)}) >= 2


def _is_credit(line: str) -> bool:
    """A photo credit standing alone: short, no sentence, ending with who took the picture."""
    return (
        len(line) <= CREDIT_MAX_CHARS
        and not SENTENCE_END.search(line)
        and bool(CREDIT_LINE.search(line))
    )


def _is_copyright(line: str) -> bool:
    """A copyright notice, not a photo credit ("© John Brecher Needle poking skin ...")."""
    return bool(COPYRIGHT.match(line)) and bool(COPYRIGHT_WORDS.search(line[:60]))


def _reads_like_prose(line: str, settings: CleanSettings) -> bool:
    if 2 * len(line) < settings.min_body_line_chars:
        return False  # too short even if every character were CJK (which counts double)
    words = word_count(line)
    length = weighted_length(line)
    if length < settings.min_body_line_chars or words < 5:
        return False
    # Dumps cut long paragraphs mid-word; a long line is prose even without a final stop.
    return bool(SENTENCE_END.search(line)) or length >= 3 * settings.min_body_line_chars


def _line_score(line: str, label: str, settings: CleanSettings, stopwords: frozenset[str]) -> int:
    """What a line adds to a run of body text: prose its length, furniture minus its cost.

    Short lines that read as content (a subheading, a list item, a table row) cost little, so
    a recipe's or a results table's short lines do not split the article into pieces; menus
    and buttons cost at least the chrome penalty each.
    """
    if label == BODY:
        return weighted_length(line)
    if label == SHORT and _short_content(line, stopwords):
        return -settings.short_content_cost
    return -max(len(line), settings.chrome_line_penalty)


def _short_content(line: str, stopwords: frozenset[str]) -> bool:
    """A short line that reads as part of a text: a sentence, a list item, a table row."""
    if TABLE_ROW.match(line):
        return True
    if CJK.search(line):
        return len(CJK.findall(line)) >= SHORT_CJK_CHARS
    # A sentence, not a headline link: it ends like one and has function words.
    words = LATIN_WORD.findall(line.lower())
    if len(words) < 3 or not SENTENCE_END.search(line):
        return False
    return any(word in stopwords for word in words)


def _cut_appended(lines: Sequence[Line], labels: list[str], first: int) -> list[str]:
    """Everything after a teaser marker or copyright line that follows the body start.

    The start (``first``) is that of the main run: menus above the article hold "Related"
    and "More" links too, and cutting there would lose the article.
    """
    if BODY not in labels[first:]:
        return labels
    for index in range(first + 1, len(lines)):
        line = lines[index].text
        marker = len(line) <= MARKER_MAX_CHARS and (
            TEASER_MARKER.match(line) or COMMENTS_MARKER.match(line)
        )
        if marker or labels[index] == "copyright":
            tail = [APPENDED] * (len(lines) - index - 1)
            return [*labels[: index + 1], *tail]
    return labels


def _mark_comments(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """Everything from the first of the readers' comments on (:func:`_comment_headers`), before
    the main run is chosen: a long thread outweighs a short article."""
    headers = _comment_headers(lines)
    if not headers:
        return labels
    start = min(headers)
    return [*labels[:start], *[COMMENTS] * (len(lines) - start)]


def _comment_headers(lines: Sequence[Line]) -> set[int]:
    """The lines that head readers' comments, when there are at least :data:`MIN_COMMENTS`:
    a signature that states its time, or one over a time stamp line."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        text = line.text
        if len(text) > COMMENT_HEADER_CHARS or not COMMENT_SIGNATURE.match(text):
            continue
        after = lines[index + 1].text if index + 1 < len(lines) else ""
        if CLOCK_TIME.search(text) or (
            len(after) <= COMMENT_HEADER_CHARS and CLOCK_TIME.search(after)
        ):
            found.add(index)
    return found if len(found) >= MIN_COMMENTS else set()


def _keep_main_run(lines: Sequence[Line], labels: list[str], run: tuple[int, int]) -> list[str]:
    """Keep the body lines of ``run``, the run of lines with the most body text net of furniture.

    Short lines between two body lines of the run are body too (subheadings, list items, table
    rows, the credit lines of quoted posts), and so are lines with few function words (rows of
    figures, references), except a headline link broken over two lines; at the run's edges
    such lines are more often bylines, teasers and menus.
    """
    start, end = run
    inside = [i for i in range(start, end) if labels[i] == BODY]
    first, last = (inside[0], inside[-1]) if inside else (start, start)
    wrapped = _wrapped_links(lines, labels)
    result = []
    for index, label in enumerate(labels):
        if label == BODY and not start <= index < end:
            label = OUTSIDE
        elif label in (SHORT, NAMES) and first < index < last:
            label = WRAPPED_LINK if index in wrapped else BODY
        result.append(label)
    return result


def _wrapped_links(lines: Sequence[Line], labels: Sequence[str]) -> set[int]:
    """Two short lines alone between paragraphs, the second going on in lower case from the
    first and neither ending a sentence: a link to another story, its headline broken over two
    lines ("Mashaal: Qatar is not mediating / between Hamas and the US")."""
    found: set[int] = set()
    for index in range(2, len(lines) - 1):
        first, second = lines[index - 1].text, lines[index].text
        if (
            labels[index - 2] == labels[index + 1] == BODY
            and labels[index] == labels[index - 1] == SHORT
            and second[0].islower()
            and not SENTENCE_END.search(first)
            and not SENTENCE_END.search(second)
        ):
            found.update((index - 1, index))
    return found


def _max_sum_run(scores: Sequence[int]) -> tuple[int, int]:
    """``[start, end)`` of the contiguous run with the largest sum (Kadane's algorithm)."""
    best, best_run = 0, (0, 0)
    total, start = 0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = 0, index
        total += score
        if total > best:
            best, best_run = total, (start, index + 1)
    return best_run


def _drop_repeats(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """Drop body lines repeated from other body lines: repeated leads, and pull quotes with the
    short lines that sign them ("Vladimir Putin," / "Russian President")."""
    body = [i for i, label in enumerate(labels) if label == BODY]
    keys = {index: normalise(lines[index].text) for index in body}
    seen: set[str] = set()
    result = list(labels)
    signing = False
    for index in body:
        text, key = lines[index].text, keys[index]
        if key in seen and weighted_length(text) >= MIN_REPEAT_CHARS:
            result[index] = "repeated"
        elif _is_pull_quote(text, (keys[i] for i in body if i != index)):
            result[index], signing = "pull quote", True
        elif signing and len(text) <= PULL_QUOTE_SIGNATURE_CHARS and not _TERMINAL.search(text):
            result[index] = "pull quote"
        else:
            signing = False
        seen.add(key)
    return result


def _is_pull_quote(line: str, others: Iterable[str]) -> bool:
    """A quote that stands alone (no attribution in lowercase words) and recurs in the body
    (``others``: the other body lines, normalised)."""
    match = QUOTED.search(line)
    if match is None:
        return False
    rest = line[: match.start()] + line[match.end() :]
    if ATTRIBUTION_WORD.search(rest):
        return False
    quote = normalise(match["quote"])
    return bool(quote) and any(quote in other for other in others)


def _post_clean(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """Drop the body lines the shared post-cleaning calls furniture, unless it calls all so.

    bench_extraction text mode: 0.9144 without it, 0.9160 with it.
    """
    body = [index for index, label in enumerate(labels) if label == BODY]
    reasons = furniture_reasons([lines[index].text for index in body])
    if all(reasons):
        return labels
    result = list(labels)
    for index, reason in zip(body, reasons, strict=True):
        result[index] = reason or BODY
    return result


def _fallback(lines: Sequence[Line], labels: list[str]) -> list[str]:
    """For short texts with no long line: keep lines that end like sentences."""
    return [
        BODY if label == SHORT and SENTENCE_END.search(line.text) else label
        for line, label in zip(lines, labels, strict=True)
    ]


def _trim_share_buttons(
    text: str, body_lines: Sequence[Line]
) -> tuple[tuple[Span, ...], tuple[Dropped, ...]]:
    spans, dropped = [], []
    for line in body_lines:
        match = TRAILING_SHARE.search(line.text)
        if match and match.start() > 0:
            cut = line.span.start + match.start()
            spans.append(Span(line.span.start, cut))
            dropped.append(Dropped(Span(cut, line.span.end), "share buttons"))
        else:
            spans.append(line.span)
    return tuple(spans), tuple(dropped)


def _highlights(lines: Sequence[Line]) -> tuple[Span, ...]:
    """Bullet lines under a "Story Highlights" heading, without their bullets."""
    for index, line in enumerate(lines):
        if HIGHLIGHTS_HEADING.match(line.text):
            return tuple(_bullet_spans(lines[index + 1 :]))
    return ()


def _bullet_spans(lines: Sequence[Line]) -> list[Span]:
    spans = []
    for line in lines:
        bullet = BULLET.match(line.text)
        if bullet is None:
            break
        content = line.text[bullet.end() :]
        if content and not FURNITURE.match(content):
            spans.append(Span(line.span.start + bullet.end(), line.span.end))
    return spans


def _dropped(
    lines: Sequence[Line], labels: Sequence[str], highlights: tuple[Span, ...]
) -> tuple[Dropped, ...]:
    """Every line left out of the body, with its reason; the appended tail as one span.

    Highlight lines are kept apart in ``Article.highlights``, not dropped.
    """
    highlight_ends = {span.end for span in highlights}
    dropped = []
    for line, label in zip(lines, labels, strict=True):
        if label in TAIL:
            dropped.append(Dropped(Span(line.span.start, lines[-1].span.end), label))
            break
        if label != BODY and line.span.end not in highlight_ends:
            dropped.append(Dropped(line.span, label))
    return tuple(dropped)


def find_title(lines: Sequence[Line], labels: Sequence[str]) -> str | None:
    """The headline: a short line before the body whose words the body repeats most."""
    first_body = labels.index(BODY)
    body_words = set(
        normalise(" ".join(lines[i].text for i, lb in enumerate(labels) if lb == BODY)).split()
    )
    best: tuple[float, str] | None = None
    for line, label in zip(lines[:first_body], labels[:first_body], strict=True):
        candidate = re.split(r"\s+[|–—]\s+|\s+-\s+", line.text)[0].strip()
        words = normalise(candidate).split()
        if label != SHORT or not 2 <= len(words) <= 25 or candidate.endswith("."):
            continue
        if BULLET.match(candidate):
            continue
        overlap = sum(word in body_words for word in words) / len(words)
        if overlap >= TITLE_MIN_OVERLAP and (best is None or overlap > best[0]):
            best = (overlap, candidate)
    return best[1] if best else None


def _text_article(
    raw: RawDocument,
    text: str,
    lines: Sequence[Line],
    labels: Sequence[str],
    body: tuple[Span, ...],
    highlights: tuple[Span, ...],
    dropped: tuple[Dropped, ...],
) -> Article:
    # The appended tail belongs to other stories: its sign-offs and dates are not this one's.
    own_lines = [line.text for line, label in zip(lines, labels, strict=True) if label not in TAIL]
    found: TextMetadata = text_metadata(own_lines, [span.of(text) for span in body[:2]])
    title = find_title(lines, labels)
    relabelled = _mark_title(text, dropped, title, before=body[0].start)
    return Article(
        id=raw.article_id,
        source=raw.source,
        text=text,
        body=body,
        title=title,
        title_origin="text" if title else None,
        outlet=found.outlet,
        outlet_origin=found.outlet_origin,
        published=found.published,
        byline=found.byline,
        byline_origin="text: byline line" if found.byline else None,
        dateline=found.dateline,
        agencies=found.agencies,
        highlights=highlights,
        dropped=tuple(sorted(relabelled, key=lambda d: d.span)),
    )


def _mark_title(
    text: str, dropped: tuple[Dropped, ...], title: str | None, before: int
) -> tuple[Dropped, ...]:
    """Give the headline line its own reason among the dropped lines above the body."""
    if title is None:
        return dropped
    return tuple(
        Dropped(d.span, "title")
        if d.reason == SHORT and d.span.start < before and d.span.of(text).startswith(title)
        else d
        for d in dropped
    )


__all__ = ["clean_text", "find_title", "line_label"]
