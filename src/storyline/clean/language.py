"""How much a line reads like running prose: stopword density and CJK-aware word counts.

Function words are the strongest language-independent cue that a line is prose rather than a
menu, a list of links or a headline teaser (Pomikál's jusText; Kohlschütter et al.'s
boilerplate features). jusText ships stoplists for 100 languages; the page's language is the
one whose stoplist covers most of its words. Chinese, Japanese and Korean are written without
spaces (Korean with spaces but few stoplist hits), so their words are counted by characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cache

LATIN_WORD = re.compile(r"[^\W\d_]+")
#: Han, Hiragana, Katakana and Hangul: scripts where a character carries about half a word.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: Words read to pick the page's language; more change nothing but cost time.
LANGUAGE_SAMPLE_WORDS = 200
#: Lines at least this long vote for the language (shorter ones are mostly menus and names).
PROSE_SAMPLE_CHARS = 80


@cache
def _stoplists() -> tuple[tuple[frozenset[str], float], ...]:
    """jusText's stoplists, each with the log of its size (see :func:`page_stoplist`)."""
    import justext  # lazily: with lxml behind it

    lists = (stoplist(name) for name in sorted(justext.get_stoplists()))
    return tuple((words, math.log(max(len(words), 3))) for words in lists)


@cache
def stoplist(language: str) -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist(language))


def page_stoplist(lines: Iterable[str]) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most words of the page's prose.

    Only long lines vote (menus are full of names), and a language's hits are divided by the
    log of its stoplist's size: some lists hold thousands of words (Finnish, Uzbek) and would
    win every English page on raw counts.
    """
    words: list[str] = []
    for line in lines:
        if len(line) >= PROSE_SAMPLE_CHARS:
            words += LATIN_WORD.findall(line.lower())
            if len(words) >= LANGUAGE_SAMPLE_WORDS:
                break
    distinct = set(words)
    best, best_score = frozenset[str](), 0.0
    for words_of_language, log_size in _stoplists():
        # Distinct words, counted in C: repeats add little to which language it is.
        score = len(words_of_language.intersection(distinct)) / log_size
        if score > best_score:
            best, best_score = words_of_language, score
    return best


#: jusText's stoplist for each ISO 639-1 code storyline's language detection gives. Written
#: out because the libraries that name languages (langcodes) need a data package storyline
#: does not otherwise carry; a code not here falls back to the page's best stoplist.
STOPLIST_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ka": "Georgian", "kk": "Kazakh",
    "ko": "Korean", "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ms": "Malay", "nb": "Norwegian_Bokmal", "nl": "Dutch", "nn": "Norwegian_Nynorsk",
    "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}  # fmt: skip


def language_stoplist(language: str | None, lines: Iterable[str]) -> frozenset[str]:
    """The stoplist of an article's known language, else the page's best (:func:`page_stoplist`).

    Grouping reads the stopwords of every article it places; looking the language up costs
    nothing where guessing it from the page scans a hundred lists.
    """
    name = STOPLIST_NAMES.get(language or "")
    return stoplist(name) if name else page_stoplist(lines)


def word_count(line: str) -> int:
    """Words of a line; a CJK character counts as half a word (two make a typical word)."""
    cjk = len(CJK.findall(line))
    return len(LATIN_WORD.findall(line)) + (cjk + 1) // 2


def weighted_length(line: str) -> int:
    """Characters of a line, a CJK character counting as two Latin ones (it carries more)."""
    return len(line) + len(CJK.findall(line))


def stopword_density(line: str, stopwords: frozenset[str]) -> float:
    """Share of a line's words that are stopwords; CJK lines count as prose-dense."""
    words = LATIN_WORD.findall(line.lower())
    if CJK.search(line):
        return 1.0  # no stoplist covers CJK; length and punctuation decide for them
    if not words:
        return 0.0
    return sum(word in stopwords for word in words) / len(words)


#: Characters of text (title and clean body) under which a declared language, if any, is
#: trusted over detection: on a few words a detector guesses. Above it, the text decides:
#: templates declare the site's language, not the article's (a German page of newsday dev
#: declares ``en``). Set by judgement: every newsday dev page is longer (120 of 120 right).
MIN_DETECTION_CHARS = 200
#: Characters of the text read to detect its language: more change nothing but cost time.
DETECTION_SAMPLE_CHARS = 5_000
#: Languages so close in writing that a detector mistakes one for the other, while a page
#: that declares one of them is rarely wrong: the declared one is taken (newsday dev: an
#: Indonesian page declaring ``id-ID`` was detected as Malay).
CLOSE_LANGUAGES = (
    frozenset({"id", "ms"}),
    frozenset({"no", "nb", "nn", "da"}),
    frozenset({"hr", "sr", "bs"}),
)


def article_language(text: str, declared: str | None = None) -> str | None:
    """The ISO 639-1 code of ``text``'s language (an article's title and clean body).

    ``declared`` (the language a page or a server declares) is taken only when the text is
    too short to detect reliably, or when it is a close neighbour of the detected one
    (:data:`CLOSE_LANGUAGES`); None when neither tells.
    """
    sample = text.strip()[:DETECTION_SAMPLE_CHARS]
    declared = primary_subtag(declared)
    if declared and len(sample) < MIN_DETECTION_CHARS:
        return declared
    if not sample:
        return None
    # py3langid (langid.py's maintained fork): its model is packaged with it (nothing to
    # download, nothing to check before use), it runs in about a millisecond per article on
    # plain numpy, and it covers 97 languages with ISO 639-1 codes. jusText's stoplists above
    # only say which words are function words; they mistake one Romance or Slavic language
    # for its neighbour and know nothing of CJK.
    import py3langid  # lazily: it loads its model on import

    code = str(py3langid.classify(sample)[0])
    if declared and any({code, declared} <= close for close in CLOSE_LANGUAGES):
        return declared
    return code


def primary_subtag(code: str | None) -> str | None:
    """The language of a language tag, lower case ("en-GB" → "en", "pt_BR" → "pt"); of a
    header's list ("de, en"), the first."""
    if not code:
        return None
    primary = re.split(r"[-_,;\s]", code.strip(), maxsplit=1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
