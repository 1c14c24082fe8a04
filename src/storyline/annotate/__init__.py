"""ANNOTATE (per article, in parallel): sentences, entity mentions, quotes, time expressions,
embeddings. Each stage adds its slots to a batch of documents, independently of the others.

- :mod:`~storyline.annotate.models`: the packaged models, loaded lazily and once, each checked
  by sha256 before use.
- :mod:`~storyline.annotate.nlp`: sentences and entity mentions (spaCy), pronouns and
  descriptions among them (``NlpStage``).
- :mod:`~storyline.annotate.quotes`: direct quotations and reported speech, with their cue and
  speaker (``QuoteStage``).
- :mod:`~storyline.annotate.timex`: time expressions with their TimeML values (``TimexStage``).
- :mod:`~storyline.annotate.embed`: article embeddings behind one small interface
  (``EmbedStage``).
- :mod:`~storyline.annotate.labels`: the labels an article puts on the actors it names ("the
  militant group"), read by the outlet comparison.

The stages run in the order :func:`storyline.pipeline.annotate.article_stages` gives.
"""
