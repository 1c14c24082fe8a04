"""The version of storyline, below everything that names it (the feeds' User-Agent, the API,
the Dask workers' check), so that naming it imports nothing else."""

__version__ = "0.1.0"
