"""One exception hierarchy for storyline.

::

    StorylineError
    ├── ConfigError          bad settings file or value
    ├── InputError           an input that cannot be read or understood (per file, skippable)
    │   ├── UnreadableInput  binary, undecodable, empty, too large
    │   ├── MalformedInput   bad JSON line, missing required field, broken HTML or WARC
    │   └── FetchFailed      a URL that timed out, answered an error, is refused by robots.txt
    ├── ModelError           a packaged model is missing or fails its checksum
    ├── PipelineError        stages whose needs are not provided, in order
    ├── ClusterError         the Dask scheduler cannot be reached, or its workers cannot run
    ├── StoreError           the store cannot be opened, migrated or written
    ├── ServeError           the server cannot listen on the address asked for
    └── NotFound             a story, article or entity id that does not exist
        └── AmbiguousId      a beginning of an id that begins several

Third-party exceptions are caught at the boundary where they happen and re-raised as one of
these, chained (``raise ... from exc``), so the CLI and the API can turn any of them into one
line a person can act on.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class ConfigError(StorylineError):
    """A settings file or value is invalid."""


class InputError(StorylineError):
    """One input (file, JSONL line, page) cannot be used. The batch goes on without it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnreadableInput(InputError):
    """The input cannot be read as text: binary, undecodable, empty or too large."""


class MalformedInput(InputError):
    """The input is text but not in the expected shape (bad JSON, missing field, ...)."""


class FetchFailed(InputError):
    """A URL could not be fetched: a timeout, an HTTP error, robots.txt refuses it, or what
    came back is not what was asked for (a feed, an HTML page).

    ``transient`` is true when asking again later may work (a timeout, a 5xx, a 429).
    """

    def __init__(self, source: str, reason: str, transient: bool = False) -> None:
        super().__init__(source, reason)
        self.transient = transient


class ModelError(StorylineError):
    """A packaged model is missing, or its file does not match the expected sha256."""


class PipelineError(StorylineError):
    """The stages cannot run in this order: a stage needs what no earlier stage provides."""


class ClusterError(StorylineError):
    """The Dask scheduler of ``pipeline.dask`` cannot be reached, or its workers cannot run
    storyline's tasks."""


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class ServeError(StorylineError):
    """The server cannot listen on the address asked for: the port is taken, the host is not
    an address of this machine, or the port needs privileges."""


class NotFound(StorylineError):
    """No story, article, thread or entity has the given id."""


class AmbiguousId(NotFound):
    """Several ids of one kind begin with the beginning given (like a short git hash).

    ``table`` is the kind's table ("articles", "threads", "entities", "stories") and
    ``matches`` the first few of those ids, in order, so a caller can offer them.
    """

    def __init__(self, message: str, table: str, prefix: str, matches: tuple[str, ...]) -> None:
        super().__init__(message)
        self.table = table
        self.prefix = prefix
        self.matches = matches
