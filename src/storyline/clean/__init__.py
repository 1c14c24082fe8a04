"""CLEAN: from a raw document to an article: its body as spans of the text, and its metadata.

Two cleaners share one contract (a :class:`~storyline.records.RawDocument` in, an
:class:`~storyline.records.Article` out, every left-out part recorded with its reason):

- :mod:`storyline.clean.text` for text dumps (the visible text of a whole page, menus and
  footers included), which keeps ``Article.text`` exactly as given;
- :mod:`storyline.clean.html` for HTML, through trafilatura, whose extracted text becomes
  ``Article.text``.

Both end with the same post-cleaning of the body's lines (:mod:`storyline.clean.postclean`:
teaser links, related-story blocks, sign-up notices, closing credits), and what the input
itself states (title, date, outlet, url) wins over what was found in the text, and what is
known from outside the page (:class:`~storyline.records.Hints`) fills in what it lacks.

:func:`clean` (:mod:`storyline.clean.cleaner`) is the stage's entry; :mod:`storyline.clean.lines`
holds the lines both cleaners work on; :mod:`storyline.clean.metadata` and
:mod:`storyline.clean.language` what a page's text says of its date, outlet, byline and language;
:mod:`storyline.clean.inspection` what cleaning made of one article, part by part.
"""

from storyline.clean.cleaner import clean

__all__ = ["clean"]
