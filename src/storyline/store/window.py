"""Regrouping the neighbourhood of new articles (:mod:`storyline.group.window`): the queries
that find it and read it, and the write that replaces its results.

A large store is regrouped around new articles instead of whole: the results of that
neighbourhood are replaced, in one transaction, and the rest stay as they are
(:meth:`WindowStore.save_window`). The store gives what the neighbourhood is found and
threaded by (dates, embeddings, stored entities by name key, story centroids and profiles);
the grouping and ranking are the stages'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from storyline.records import Corpus, Precision, PubDate, QuoteGroup, Story, StoryProfile, Thread
from storyline.store.core import BUMP_GENERATION
from storyline.store.corpus import CorpusStore
from storyline.store.rows import corpus_rows, profile_from_row
from storyline.store.schema import CORPUS_TABLES

#: The stories holding an article of the temporary table ``marked`` (``StoreCore._marked``).
_STORIES_OF_MARKED = "(SELECT story FROM story_articles WHERE article IN (SELECT id FROM marked))"


class _StaleWindow(Exception):
    """Another writer changed the store after a window was read (rolls the write back)."""


class WindowStore(CorpusStore):
    """What regrouping only the neighbourhood of new articles reads and writes."""

    def profiled(self) -> bool:
        """Whether the store holds what regrouping a neighbourhood needs (story profiles and
        entity keys): written by every full regrouping since schema 7."""
        return self._state("profiled") == "yes"

    def dated_between(self, first: dt.date, last: dt.date) -> list[tuple[str, PubDate]]:
        """Articles whose stated publication date (day, month or year precise) is stored as
        a day from ``first`` to ``last``, with that date."""
        rows = self._db.execute(
            "SELECT id, published, published_precision, published_origin FROM articles"
            " WHERE published BETWEEN ? AND ? ORDER BY id",
            (first.isoformat(), last.isoformat()),
        )
        return [(r[0], PubDate(dt.date.fromisoformat(r[1]), Precision(r[2]), r[3])) for r in rows]

    def latest_date(self) -> dt.date | None:
        """The latest stated publication date of a stored article."""
        row = self._db.execute("SELECT max(published) FROM articles").fetchone()
        return None if row[0] is None else dt.date.fromisoformat(row[0])

    def embeddings(self, loose_only: bool = False) -> tuple[list[str], np.ndarray]:
        """Every article's id and embedding (rows of a matrix), or only those of the articles
        dated no more precisely than a year, or not at all (``loose_only``)."""
        where = " AND (published IS NULL OR published_precision = 'year')" if loose_only else ""
        rows = self._db.execute(
            f"SELECT id, embedding FROM articles WHERE embedding IS NOT NULL{where} ORDER BY id"
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def ungrouped(self) -> list[tuple[str, PubDate | None, np.ndarray | None]]:
        """The articles stored but not regrouped yet (an ``analyze`` stopped between the
        two): id, stated date and embedding of each, by id."""
        rows = self._db.execute(
            "SELECT a.id, a.published, a.published_precision, a.published_origin, a.embedding"
            " FROM articles a JOIN ungrouped u ON u.article = a.id ORDER BY a.id"
        ).fetchall()
        return [
            (
                r[0],
                PubDate(dt.date.fromisoformat(r[1]), Precision(r[2]), r[3]) if r[1] else None,
                None if r[4] is None else np.frombuffer(r[4], dtype=np.float32).copy(),
            )
            for r in rows
        ]

    def grouped_with(self, ids: Iterable[str]) -> set[str]:
        """The articles that share a story or a text with one of ``ids``."""
        with self._marked(ids):
            found = self._db.execute(
                f"""
                SELECT article FROM story_articles WHERE story IN {_STORIES_OF_MARKED}
                UNION SELECT article FROM duplicates WHERE duplicate_of IN (SELECT id FROM marked)
                UNION SELECT duplicate_of FROM duplicates WHERE article IN (SELECT id FROM marked)
                """
            ).fetchall()
        return {row[0] for row in found}

    def load_window(self, ids: Iterable[str]) -> Corpus:
        """The documents of ``ids`` (as they state themselves) and the stored results a
        regrouping of them builds on: their stories, copies and threads.
        ``ids`` must be closed under :meth:`grouped_with`."""
        documents = self.load_documents(ids)
        inside = {d.article.id for d in documents}
        with self._marked(inside):
            duplicates = dict(
                self._db.execute(
                    "SELECT article, duplicate_of FROM duplicates"
                    " WHERE article IN (SELECT id FROM marked)"
                )
            )
            stories = self._load_stories(f"IN {_STORIES_OF_MARKED}")
        return Corpus(
            documents=documents,
            duplicate_of=duplicates,
            stories=stories,
            threads=self.threads_touching(inside, ()),
        )

    def stories_holding(self, article_ids: Iterable[str]) -> list[Story]:
        """The stories that hold one of ``article_ids``."""
        with self._marked(article_ids):
            return self._load_stories(f"IN {_STORIES_OF_MARKED}")

    def articles_of(self, story_ids: Iterable[str]) -> set[str]:
        """The articles of the stories ``story_ids``."""
        sql = "SELECT article FROM story_articles WHERE story IN ({})"
        return {row[0] for row in self._rows_in(sql, story_ids)}

    def quote_groups_touching(self, ids: Iterable[str]) -> list[QuoteGroup]:
        """Every stored quote group with a quote in one of the articles ``ids``, whole."""
        with self._marked(ids):
            return self._load_quote_groups(
                "IN (SELECT grp FROM quote_group_members WHERE article IN (SELECT id FROM marked))"
            )

    def entities_with_keys(self, keys: set[str]) -> dict[str, list[tuple[str, str]]]:
        """Stored entities by name key: key → (entity id, type), for each of ``keys``."""
        found: dict[str, list[tuple[str, str]]] = {}
        sql = "SELECT key, entity, type FROM entity_keys WHERE key IN ({}) ORDER BY key, entity"
        for key, entity_id, label in self._rows_in(sql, keys):
            found.setdefault(key, []).append((entity_id, label))
        return found

    def story_centroids(self, outside: Iterable[str]) -> tuple[list[str], np.ndarray]:
        """The ids and profile centroids (rows of a matrix) of the stored stories holding none
        of the articles ``outside``, by id: what the stories of a neighbourhood are threaded
        against (the ranking is the thread stage's)."""
        with self._marked(outside):
            rows = self._db.execute(
                "SELECT story, centroid FROM story_profiles"
                f" WHERE story NOT IN {_STORIES_OF_MARKED} ORDER BY story"
            ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float64)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype=np.float64) for r in rows])

    def story_profiles(self, ids: Iterable[str]) -> dict[str, StoryProfile]:
        """The stored profiles of the stories ``ids``, by story id (their stories without
        articles, as :meth:`stories_by_id` gives them)."""
        wanted = sorted(set(ids))
        stories = self.stories_by_id(wanted, ())
        sql = "SELECT * FROM story_profiles WHERE story IN ({})"
        return {r[0]: profile_from_row(stories[r[0]], r) for r in self._rows_in(sql, wanted)}

    def threads_touching(self, articles: Iterable[str], stories: Iterable[str]) -> list[Thread]:
        """The stored threads holding a story with one of ``articles``, or one of ``stories``."""
        with self._marked(set(stories) | self._stories_with(articles)):
            return self._load_threads(
                "IN (SELECT thread FROM thread_stories WHERE story IN (SELECT id FROM marked))"
            )

    def _stories_with(self, articles: Iterable[str]) -> set[str]:
        """The ids of the stories holding one of ``articles``."""
        with self._marked(articles):
            found = self._db.execute(f"SELECT story FROM {_STORIES_OF_MARKED} AS found")
            return {row[0] for row in found}

    def stories_by_id(self, ids: Iterable[str], outside: Iterable[str]) -> dict[str, Story]:
        """The stored stories of ``ids`` holding none of the articles ``outside``, without
        their articles (``Story.articles`` is empty: threading needs only dates and titles)."""
        with self._marked(set(ids) - self._stories_with(outside)):
            chosen = self._load_stories("IN (SELECT id FROM marked)", members=False)
            return {s.id: s for s in chosen}

    def save_window(
        self,
        corpus: Corpus,
        window: Iterable[str],
        generation: int | None = None,
    ) -> bool:
        """Replace the stored cross-article results of the articles of ``window`` with
        ``corpus``'s (regrouped from them), and the threads they join or leave with
        ``corpus.threads``; in one transaction. Entities keep the mentions they have outside
        the window; one left with none is deleted.

        With ``generation`` (:meth:`generation` when the window was read), nothing is written
        if another writer changed the store since (returns False): the regrouping was of a
        store that is no longer there, and must be done again.
        """
        rows = corpus_rows(corpus)
        ids = set(window)
        try:
            self._write(
                lambda: self._replace_window(rows, ids, generation), "cross-article results"
            )
        except _StaleWindow:
            return False
        return True

    def _replace_window(
        self, rows: dict[str, list[tuple[Any, ...]]], window: set[str], generation: int | None
    ) -> None:
        self._lock_corpus()
        if generation is not None and self.generation() != generation:
            raise _StaleWindow
        db = self._db
        # The threads rebuilt are those holding a story of the window or a story the rebuilt
        # threads hold: those go, the others stay as they are.
        rebuilt = {row[1] for row in rows["thread_stories"]}
        old_threads = [t.id for t in self.threads_touching(window, rebuilt)]
        with self._marked(old_threads):
            for table, column in (
                ("thread_links", "thread"),
                ("thread_stories", "thread"),
                ("threads", "id"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM marked)")
        with self._marked(window):
            in_window = "IN (SELECT id FROM marked)"
            touched = [
                r[0]
                for r in db.execute(
                    f"SELECT DISTINCT entity FROM entity_mentions WHERE article {in_window}"
                )
            ]
            for statement in (
                "CREATE TEMP TABLE old_stories AS SELECT DISTINCT story FROM story_articles"
                f" WHERE article {in_window}",
                "CREATE TEMP TABLE old_groups AS SELECT DISTINCT grp FROM quote_group_members"
                f" WHERE article {in_window}",
                f"DELETE FROM entity_mentions WHERE article {in_window}",
                "DELETE FROM story_profiles WHERE story IN (SELECT story FROM old_stories)",
                # Only the reports of the stories regrouped: the others stay right.
                "DELETE FROM story_reports WHERE story IN (SELECT story FROM old_stories)",
                "DELETE FROM story_articles WHERE story IN (SELECT story FROM old_stories)",
                "DELETE FROM stories WHERE id IN (SELECT story FROM old_stories)",
                "DELETE FROM quote_group_members WHERE grp IN (SELECT grp FROM old_groups)",
                "DELETE FROM quote_groups WHERE id IN (SELECT grp FROM old_groups)",
                f"DELETE FROM duplicates WHERE article {in_window}",
                f"DELETE FROM inferred_timex WHERE article {in_window}",
                f"DELETE FROM inferred_dates WHERE article {in_window}",
                f"DELETE FROM ungrouped WHERE article {in_window}",
                "DROP TABLE old_stories",
                "DROP TABLE old_groups",
            ):
                db.execute(statement)
        self._renew_entities(rows["entities"])
        for table in reversed(CORPUS_TABLES):  # referenced tables first
            if rows[table]:
                marks = ",".join("?" * len(rows[table][0]))
                # An entity also named outside the window keeps its name and type (what the
                # window holds of it is part of what named it) and gains new spellings.
                verb = "INSERT OR IGNORE" if table.startswith("entit") else "INSERT"
                db.executemany(f"{verb} INTO {table} VALUES ({marks})", rows[table])
        self._delete_unmentioned(touched)
        self._set_state("corpus_digest", None)
        db.execute(BUMP_GENERATION)

    def _renew_entities(self, entity_rows: Sequence[tuple[Any, ...]]) -> None:
        """Stored entities no longer named outside the window were found whole again: they
        take the new name, type and spellings."""
        with self._marked(row[0] for row in entity_rows):
            whole = [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM marked WHERE NOT EXISTS"
                    " (SELECT 1 FROM entity_mentions WHERE entity = marked.id)"
                )
            ]
        found = {row[0]: row for row in entity_rows}
        for entity_id in whole:
            self._db.execute("DELETE FROM entity_keys WHERE entity = ?", (entity_id,))
            self._db.execute("DELETE FROM entity_aliases WHERE entity = ?", (entity_id,))
            _, name, label = found[entity_id]
            self._db.execute(
                "UPDATE entities SET name = ?, type = ? WHERE id = ?", (name, label, entity_id)
            )

    def _delete_unmentioned(self, entity_ids: Sequence[str]) -> None:
        with self._marked(entity_ids):
            orphans = (
                "(SELECT id FROM marked WHERE NOT EXISTS"
                " (SELECT 1 FROM entity_mentions WHERE entity = marked.id))"
            )
            for table, column in (
                ("entity_keys", "entity"),
                ("entity_aliases", "entity"),
                ("entities", "id"),
            ):
                self._db.execute(f"DELETE FROM {table} WHERE {column} IN {orphans}")
