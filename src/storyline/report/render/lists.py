"""How a view shortens a long list: the first items, and how many it leaves out ("and 12
more"), said the same way in the terminal, the Markdown and HTML reports and the web page.
The JSON rows give every item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from storyline.report.compare import Fact, reported_by_some
from storyline.report.story import StoryReport

__all__ = ["FACTS_SHOWN", "QUOTE_GROUPS_SHOWN", "Shortened", "shortened", "shown_facts"]

T = TypeVar("T")

#: How many facts only some outlets report a view lists: a screenful beside the rest of the
#: comparison (the stories export and the API give them all).
FACTS_SHOWN = 15
#: How many quote groups the web page lays side by side (the other views list them all).
QUOTE_GROUPS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Shortened(Generic[T]):
    """The first items of a list (``shown``) and how many the list holds (``total``)."""

    shown: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many items are left out."""
        return self.total - len(self.shown)

    def more_note(self) -> str:
        """The note that says how many items are left out ("and 12 more"), or nothing."""
        return f"and {self.more} more" if self.more else ""


def shortened(items: Iterable[T], limit: int) -> Shortened[T]:
    every = tuple(items)
    return Shortened(every[:limit], len(every))


def shown_facts(report: StoryReport) -> Shortened[Fact]:
    """What every view lists under "Reported by some outlets only"."""
    return shortened(reported_by_some(report.coverage), FACTS_SHOWN)
