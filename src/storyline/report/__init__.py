"""REPORT: what a reader sees of a story, and its renderings.

- :mod:`~storyline.report.story`: :func:`build_report`, a story's whole report, from:
  :mod:`~storyline.report.sentences` (the story's sentences, embedded once),
  :mod:`~storyline.report.timeline`, :mod:`~storyline.report.cast` (cast and quote groups),
  :mod:`~storyline.report.summary`, and :mod:`~storyline.report.compare` (the outlets side by
  side, with :mod:`~storyline.report.sides`, :mod:`~storyline.report.figures` and
  :mod:`~storyline.report.conflicts`);
- :mod:`~storyline.report.articles`: a story's articles in order, a thread's stories;
- :mod:`~storyline.report.render`: plain text, Markdown, HTML and JSON rows;
- :mod:`~storyline.report.export`: ``storyline export``'s formats.
"""
