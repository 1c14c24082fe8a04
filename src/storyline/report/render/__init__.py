"""RENDER: a story's report (and the corpus's) laid out for a reader or another program.

- :mod:`~storyline.report.render.text`: plain text for a terminal (``storyline show``, and
  ``storyline show --article``);
- :mod:`~storyline.report.render.markdown` and :mod:`~storyline.report.render.html`: the
  whole corpus as a report (``storyline export --format md|html``);
- :mod:`~storyline.report.render.rows`: the JSON rows of the export contract and of the
  HTTP API;
- :mod:`~storyline.report.render.lists`: what every view lists of a long list (the facts only
  some outlets report, the web page's quote groups), and "and N more" for the rest.
"""
