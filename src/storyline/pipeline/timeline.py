"""``storyline timeline``: the timeline of a store, a search, a thread or an entity, read
from the store and built by :func:`storyline.report.topic_timeline.build_topic_timeline`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from storyline.errors import InputError
from storyline.settings import Settings, load_settings
from storyline.store.store import DEFAULT_PATH, Store

if TYPE_CHECKING:
    from storyline.report.topic_timeline import TopicTimeline

__all__ = ["timeline"]


def timeline(
    db: str | Path | Store = DEFAULT_PATH,
    *,
    query: str | None = None,
    thread: str | None = None,
    entity: str | None = None,
    since: str | None = None,
    until: str | None = None,
    dates: int | None = None,
    sentences: int | None = None,
    settings: Settings | None = None,
) -> TopicTimeline:
    """The ``dates`` dates that matter most (chosen from the material when None) from
    ``since`` to ``until`` (ISO days, inclusive), each with up to ``sentences`` sentences
    citing their sources, over the whole store or one of: the articles holding every word of
    ``query``, those of thread ``thread``, or those naming entity ``entity`` (ids or unique
    beginnings of ids)."""
    if sum(x is not None for x in (query, thread, entity)) > 1:
        raise InputError("timeline", "give one of a query, a thread or an entity, not several")
    for name, value in (("since", since), ("until", until)):
        if value is not None and not _is_day(value):
            raise InputError(name, f"{value!r} is not a date written YYYY-MM-DD")
    for name, number in (("dates", dates), ("sentences", sentences)):
        if number is not None and number < 1:
            raise InputError(name, f"must be at least 1, not {number}")
    settings = settings or load_settings()
    if isinstance(db, Store):
        return _timeline(db, query, thread, entity, since, until, dates, sentences, settings)
    with Store(db) as store:
        return _timeline(store, query, thread, entity, since, until, dates, sentences, settings)


def _timeline(
    store: Store,
    query: str | None,
    thread: str | None,
    entity: str | None,
    since: str | None,
    until: str | None,
    dates: int | None,
    sentences: int | None,
    settings: Settings,
) -> TopicTimeline:
    in_range = set(store.published_between(since, until))
    about = None
    if query is not None:
        chosen, scope = [i for i in store.search(query) if i in in_range], f'the search "{query}"'
    elif thread is not None:
        found = store.find_id("threads", thread)
        chosen = [i for i in store.articles_of_thread(found) if i in in_range]
        scope = f'the thread "{store.label_of("threads", found)}"'
    elif entity is not None:
        found = store.find_id("entities", entity)
        about = store.mentions_of(found)
        chosen = [i for i in about if i in in_range]
        scope = f"the articles naming {store.label_of('entities', found)}"
    else:
        chosen, scope = sorted(in_range), "the whole store"
    from storyline.report.topic_timeline import build_topic_timeline  # only when asked for

    documents = store.documents_as_read(chosen)
    return build_topic_timeline(
        documents,
        settings.timeline,
        since,
        until,
        dates,
        sentences,
        scope=scope,
        story_sizes=store.story_sizes(chosen),
        about=about,
    )


def _is_day(value: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
