"""storyline: news articles from many outlets turned into stories.

The library is the product; the CLI, the HTTP API and the web UI are shells over it::

    import storyline
    result = storyline.analyze(["examples/russia-hamas"], db="storyline.db")
    corpus = storyline.load("storyline.db")
    dates = storyline.timeline("storyline.db", query="Hamas", dates=10)

Nothing heavy happens at import: models load on first use.
"""

from __future__ import annotations

from storyline.errors import (
    ConfigError,
    FetchFailed,
    InputError,
    MalformedInput,
    ModelError,
    NotFound,
    PipelineError,
    StoreError,
    StorylineError,
    UnreadableInput,
)
from storyline.pipeline.analyze import AnalyzeResult, analyze, load
from storyline.pipeline.timeline import timeline
from storyline.records import (
    Article,
    Corpus,
    Document,
    Entity,
    Hints,
    Mention,
    PassedOver,
    PubDate,
    Quote,
    QuoteGroup,
    RawDocument,
    ReadFailure,
    Ref,
    Span,
    Story,
    Thread,
    ThreadLink,
    TimeRef,
)
from storyline.settings import Settings, load_settings
from storyline.store.store import Store
from storyline.version import __version__

__all__ = [
    "AnalyzeResult",
    "Article",
    "ConfigError",
    "Corpus",
    "Document",
    "Entity",
    "FetchFailed",
    "Hints",
    "InputError",
    "MalformedInput",
    "Mention",
    "ModelError",
    "NotFound",
    "PassedOver",
    "PipelineError",
    "PubDate",
    "Quote",
    "QuoteGroup",
    "RawDocument",
    "ReadFailure",
    "Ref",
    "Settings",
    "Span",
    "Store",
    "StoreError",
    "Story",
    "StorylineError",
    "Thread",
    "ThreadLink",
    "TimeRef",
    "UnreadableInput",
    "__version__",
    "analyze",
    "load",
    "load_settings",
    "timeline",
]
