"""GROUP (across articles, incrementally): copies, stories, threads, and the dates stories give
the articles that state none.

- :mod:`~storyline.group.dedup`: near-duplicates, copies of one text (``DedupStage``).
- :mod:`~storyline.group.stories`: stories, articles about one event (``StoryStage``), placed
  by :mod:`~storyline.group.story_index`, which re-clusters only a new article's
  neighbourhood.
- :mod:`~storyline.group.threads`: threads, a story and its later developments
  (``ThreadStage``).
- :mod:`~storyline.group.dating`: dates for undated articles from their stories
  (``DatingStage``, last: no grouping rests on an inferred date).
- :mod:`~storyline.group.lineage`: group ids that survive regrouping.
- :mod:`~storyline.group.window`: the neighbourhood of new articles in a large store, what
  adding them can change.
"""
