"""Which articles the annotation stages read: those in a language their models and rules
cover (``annotate.languages``).

spaCy's model, the quote rules and the time-expression rules are English: on a German or
Korean page they make junk ("Sie" and "Из" as names, quote marks around anything, numbers as
dates). An article in another language is left with no mentions, quotes or time expressions
(empty, not missing: later stages rely on the slots being filled), and its paragraphs as its
sentences; it is still embedded, stored, grouped, shown and searchable.
"""

from __future__ import annotations

from collections.abc import Collection

from storyline.records import Article, Document


def annotated(article: Article, languages: Collection[str]) -> bool:
    """Whether the English-only stages read ``article``: its language is one of
    ``languages``, or unknown (an article stored before languages were, annotated then)."""
    return article.language is None or article.language in languages


def leave_unannotated(document: Document) -> None:
    """Fill what the English-only stages provide with nothing found: no parse, the body's
    paragraphs as its sentences, no mentions, quotes or time expressions."""
    document.parse = None
    document.sentences = list(document.article.body)
    document.mentions = []
    document.quotes = []
    document.timex = []
