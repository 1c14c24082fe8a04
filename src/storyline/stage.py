"""The stage contract: every stage says what it needs and what it provides.

Names are the annotation slots of :class:`~storyline.records.Document` (``article``,
``parse``, ``sentences``, ``mentions``, ``quotes``, ``timex``, ``embedding``) and of
:class:`~storyline.records.Corpus` (``duplicate_of``, ``entities``, ``stories``, ``threads``,
``quote_groups``, ``inferred_dates``, ``story_profiles``, ``entity_keys``). Before anything
runs, :func:`check_chain` walks the stages in order, as spaCy analyses a pipeline, and
refuses an order in which a stage needs what no earlier stage provides, or a name that is no
slot of either record. After a stage runs, :func:`check_provided` makes sure it filled what it
promised, in the record it was given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import ClassVar, Protocol, runtime_checkable

from storyline.errors import PipelineError
from storyline.records import Corpus, Document

#: What the cleaner hands to the first annotation stage.
INITIAL = frozenset({"article"})
#: The names a stage may need or provide: the slots of the records stages fill.
SLOTS = {
    record: frozenset(f.name for f in fields(record) if not f.name.startswith("_"))
    for record in (Document, Corpus)
}


@runtime_checkable
class Stage(Protocol):
    name: ClassVar[str]
    needs: ClassVar[frozenset[str]]
    provides: ClassVar[frozenset[str]]


class ArticleStage(Stage, Protocol):
    """Adds annotations to a batch of documents, each independently of the others.

    A ``language_bound`` stage's model or rules read only the languages ``annotate.languages``
    names: an article in another language skips it, with what it provides left empty
    (:mod:`storyline.annotate.languages`, applied by :mod:`storyline.pipeline.annotate`).
    """

    language_bound: ClassVar[bool]

    def __call__(self, documents: list[Document]) -> list[Document]: ...


class CorpusStage(Stage, Protocol):
    """Works across articles: grouping and resolution."""

    def __call__(self, corpus: Corpus) -> Corpus: ...


def check_chain(stages: Sequence[Stage], available: Iterable[str] = INITIAL) -> frozenset[str]:
    """Raise :class:`PipelineError` if a stage needs what no earlier stage provides.

    Returns everything provided at the end of the chain.
    """
    have = set(available)
    providers = {name: stage.name for stage in stages for name in stage.provides}
    known = SLOTS[Document] | SLOTS[Corpus]
    for stage in stages:
        unknown = sorted((stage.needs | stage.provides) - known)
        if unknown:
            raise PipelineError(
                f"stage '{stage.name}' names {', '.join(map(repr, unknown))}, which "
                f"{'is' if len(unknown) == 1 else 'are'} no slot of a Document or a Corpus "
                f"(slots: {', '.join(sorted(known))})"
            )
        missing = sorted(stage.needs - have)
        if missing:
            hints = [
                f"'{need}' (provided by stage '{providers[need]}', which must come first)"
                if need in providers
                else f"'{need}' (no stage provides it)"
                for need in missing
            ]
            raise PipelineError(
                f"stage '{stage.name}' needs {', '.join(hints)}; "
                f"available at that point: {', '.join(sorted(have))}"
            )
        have |= stage.provides
    return frozenset(have)


def check_provided(stage: Stage, holders: Sequence[Document | Corpus]) -> None:
    """Raise :class:`PipelineError` if ``stage`` left a slot it promised empty, or promised
    one the records it was given do not have (an article stage's documents, a corpus stage's
    corpus)."""
    for holder in holders:
        slots = SLOTS[type(holder)]
        for name in sorted(stage.provides):
            if name not in slots:
                raise PipelineError(
                    f"stage '{stage.name}' promised '{name}', which is no slot of a "
                    f"{type(holder).__name__} (its slots: {', '.join(sorted(slots))})"
                )
            if getattr(holder, name) is None:
                raise PipelineError(f"stage '{stage.name}' promised '{name}' but left it empty")
