"""Cross-article results: duplicates, entities, stories, threads, quote groups, inferred dates.

They are derived from all articles and replaced as a whole, in one transaction, each time
they are recomputed (:meth:`CorpusStore.save_corpus`); because every stage is deterministic,
recomputing them over the same articles writes the same rows. Several writers may run at
once: results over fewer articles than are stored are stale and never replace newer ones.
"""

from __future__ import annotations

from typing import Any

from storyline.records import Corpus, Entity, QuoteGroup, Ref, Story, Thread, ThreadLink
from storyline.store.articles import ArticleStore
from storyline.store.core import BUMP_GENERATION
from storyline.store.rows import corpus_rows, story_from_row
from storyline.store.rows import digest as rows_digest
from storyline.store.schema import CORPUS_TABLES


class CorpusStore(ArticleStore):
    """The stored cross-article results, written whole and read whole."""

    def save_corpus(self, corpus: Corpus) -> None:
        """Replace every cross-article result with ``corpus``'s, in one transaction.

        Results equal to the stored ones are not written again (a second run over the same
        articles is a no-op, and readers have nothing to read again).
        """
        rows = corpus_rows(corpus)
        digest = rows_digest(rows)
        if digest == self._state("corpus_digest") and not self._any_ungrouped():
            return
        covered = len({d.article.id for d in corpus.documents})
        self._write(lambda: self._replace_corpus(rows, digest, covered), "cross-article results")

    def _replace_corpus(
        self, rows: dict[str, list[tuple[Any, ...]]], digest: str, covered: int
    ) -> None:
        # Writers run side by side (several `analyze` at once): results derived from fewer
        # articles than are stored now are stale, and the writer that stored the rest will
        # write results over all of them (it read the articles after storing its own), so
        # stale ones must not overwrite those; equal ones are not written twice.
        self._lock_corpus()
        if self.article_count() > covered:
            return
        # Results over every stored article: none is left to regroup.
        self._db.execute("DELETE FROM ungrouped")
        if self._state("corpus_digest") == digest:
            return
        for table in CORPUS_TABLES:
            self._db.execute(f"DELETE FROM {table}")
        for table in reversed(CORPUS_TABLES):  # referenced tables first
            if rows[table]:
                marks = ",".join("?" * len(rows[table][0]))
                or_ignore = " OR IGNORE" if table == "entity_mentions" else ""
                self._db.executemany(
                    f"INSERT{or_ignore} INTO {table} VALUES ({marks})", rows[table]
                )
        self._set_state("corpus_digest", digest)
        self._set_state("profiled", "yes")
        self._drop_reports_of_gone_stories()
        self._db.execute(BUMP_GENERATION)

    def _drop_reports_of_gone_stories(self) -> None:
        """Reports of stories no longer stored go; one whose story was rebuilt otherwise is
        told by its digest when next read."""
        self._db.execute("DELETE FROM story_reports WHERE story NOT IN (SELECT id FROM stories)")

    def load_corpus(self, inferred: bool = True) -> Corpus:
        """Every stored document and every cross-article result.

        With ``inferred``, articles their story dated carry that date (marked inferred) and
        their time expressions resolved against it, as readers see them; without, each article
        is as it states itself, as grouping must see it. Read in one snapshot, so a writer
        running meanwhile is never half seen.
        """
        with self._reading():
            return self._load_corpus(inferred)

    def _load_corpus(self, inferred: bool) -> Corpus:
        duplicates = dict(self._db.execute("SELECT article, duplicate_of FROM duplicates"))
        corpus = Corpus(
            documents=self.load_documents(),
            duplicate_of=duplicates,
            stories=self._load_stories(),
            threads=self._load_threads(),
            entities=self._load_entities(),
            quote_groups=self._load_quote_groups(),
        )
        if inferred:
            corpus.inferred_dates = self._inferred_dates(corpus.documents)
        return corpus

    def _load_stories(self, chosen: str = "", members: bool = True) -> list[Story]:
        """Every story, or those ``chosen`` keeps: a condition on a story's id, written
        ``IN (query)`` or ``NOT IN (query)``. Without ``members``, stories come without their
        articles (what threading needs: a thread spanning years holds many)."""
        articles = (
            self._grouped(
                "SELECT story, article FROM story_articles"
                f" {'WHERE story ' + chosen if chosen else ''} ORDER BY story, position"
            )
            if members
            else {}
        )
        held = {sid: tuple(r[1] for r in rows) for sid, rows in articles.items()}
        where = f"WHERE id {chosen}" if chosen else ""
        stories = self._db.execute(f"SELECT * FROM stories {where} ORDER BY start, id")
        return [story_from_row(row, held.get(row[0], ())) for row in stories]

    def _load_threads(self, chosen: str = "") -> list[Thread]:
        """Every thread, or those ``chosen`` keeps (as in :meth:`_load_stories`)."""
        where = f"WHERE thread {chosen}" if chosen else ""
        members = self._grouped(
            f"SELECT thread, story FROM thread_stories {where} ORDER BY thread, position"
        )
        links = self._grouped(f"SELECT * FROM thread_links {where} ORDER BY thread, earlier, later")
        where = f"WHERE id {chosen}" if chosen else ""
        return [
            Thread(
                tid,
                tuple(r[1] for r in members.get(tid, [])),
                title,
                desc,
                tuple(ThreadLink(r[1], r[2], r[3], r[4]) for r in links.get(tid, [])),
            )
            for tid, title, desc in self._db.execute(f"SELECT * FROM threads {where} ORDER BY id")
        ]

    def _load_entities(self) -> list[Entity]:
        aliases = self._grouped(
            "SELECT entity, alias FROM entity_aliases ORDER BY entity, position"
        )
        mentions = self._grouped(
            "SELECT * FROM entity_mentions ORDER BY entity, article, start, end"
        )
        return [
            Entity(
                eid,
                name,
                etype,
                tuple(r[1] for r in aliases.get(eid, [])),
                tuple(Ref(r[1], r[2], r[3]) for r in mentions.get(eid, [])),
            )
            for eid, name, etype in self._db.execute("SELECT * FROM entities ORDER BY id")
        ]

    def _load_quote_groups(self, chosen: str = "") -> list[QuoteGroup]:
        """Every quote group, or those ``chosen`` keeps (as in :meth:`_load_stories`)."""
        members = self._grouped(
            f"SELECT * FROM quote_group_members {'WHERE grp ' + chosen if chosen else ''}"
            " ORDER BY grp, article, start"
        )
        where = f"WHERE id {chosen}" if chosen else ""
        return [
            QuoteGroup(
                gid, entity, name, tuple(Ref(r[1], r[2], r[3]) for r in members.get(gid, []))
            )
            for gid, entity, name in self._db.execute(
                f"SELECT * FROM quote_groups {where} ORDER BY id"
            )
        ]

    def _any_ungrouped(self) -> bool:
        return self._db.execute("SELECT 1 FROM ungrouped LIMIT 1").fetchone() is not None
