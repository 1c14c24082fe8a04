"""PIPELINE: the orchestrator that runs the stages in order, here or on workers, once or
watching feeds.

- :mod:`~storyline.pipeline.analyze`: ``analyze`` (read, clean, annotate, store, then group and
  resolve what the new articles change), ``regroup``, ``load``; the order of the corpus stages.
- :mod:`~storyline.pipeline.annotate`: the per-article stages in order, and one batch through
  them with the per-article failure boundary.
- :mod:`~storyline.pipeline.workers`: batches annotated here, by worker processes, or on a Dask
  cluster.
- :mod:`~storyline.pipeline.watch`: rounds of news feeds analysed into a store.
- :mod:`~storyline.pipeline.reports`: a story's report as ``show`` and the server read it,
  from its slice of the store, kept there until the story changes.
"""

from storyline.pipeline.analyze import AnalyzeResult, analyze, load, regroup_store

__all__ = ["AnalyzeResult", "analyze", "load", "regroup_store"]
