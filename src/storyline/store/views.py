"""What one page or answer shows, read by indexed queries: a page of the story list, one
story's articles and results, one article's, one entity's, the outlets; and the reports
kept per story.

A reader (``storyline serve``, ``show``) asks for what it shows and nothing else, so what a
request reads grows with its answer, not with the store. Each slice is a :class:`Corpus` over
the few articles it needs, so the report and render code that takes a corpus takes it as it
takes a whole one; it is read in one snapshot, so a writer running meanwhile is never half
seen. Stored reports are bytes with a digest of what they were built from; the reader
encodes, decodes and checks them (``pipeline.reports``), and a writer that replaces a story's
results drops its report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.records import (
    Corpus,
    Entity,
    Precision,
    PubDate,
    QuoteGroup,
    Ref,
    Story,
    Thread,
    ThreadLink,
)
from storyline.report.articles import UNKNOWN_OUTLET
from storyline.store.corpus import CorpusStore
from storyline.store.rows import story_from_row

__all__ = ["OutletTally", "StoryFilter", "ViewStore"]

#: An article's outlet, with none (NULL or empty) shown as every list shows it.
_OUTLET = f"coalesce(nullif(a.outlet, ''), '{UNKNOWN_OUTLET}')"
#: A story's first and last day as precisely as known (the first 4 or 7 characters of a year
#: or month), as ``Story.iso_range`` gives them.
_PRECISE = "CASE s.precision WHEN 'year' THEN 4 WHEN 'month' THEN 7 ELSE 10 END"


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What a story list keeps: stories with an article holding every word of ``words``
    (full-text search), ending on or after ``since`` and starting on or before ``until``
    (ISO dates, as precise as the caller likes), with an article of ``outlet``, with an
    article naming the entity ``entity``."""

    words: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class OutletTally:
    """An outlet with its numbers of articles and stories."""

    outlet: str
    articles: int
    stories: int


class ViewStore(CorpusStore):
    """Per-request reads for the views, and the reports kept per story."""

    # -- the story list ----------------------------------------------------------------------

    def newest_stories(
        self,
        chosen: StoryFilter,
        offset: int = 0,
        limit: int | None = None,
        members: bool = True,
    ) -> tuple[list[Story], int]:
        """A page of the stories ``chosen`` keeps (``limit`` of them from ``offset``; None: all
        the rest), by their last day, newest first (undated last, ties by id), with their
        articles; and how many it keeps in all."""
        where, params = self._story_conditions(chosen)
        with self._reading():
            if chosen.words is None and limit is not None:
                # Counted and cut by the database: the page alone comes back.
                total = int(
                    self._db.execute(f"SELECT count(*) FROM stories s{where}", params).fetchone()[0]
                )
                sql = (
                    f"SELECT s.id FROM stories s{where}"
                    " ORDER BY s.end IS NULL, s.end DESC, s.id LIMIT ? OFFSET ?"
                )
                ids = [row[0] for row in self._db.execute(sql, [*params, limit, offset])]
            else:
                # A search finds every match to count them: one query gives the count and the
                # page, rather than finding them twice ("police" in 100,000 articles: 3,300
                # stories, 40 ms each time).
                sql = f"SELECT s.id FROM stories s{where} ORDER BY s.end IS NULL, s.end DESC, s.id"
                every = [row[0] for row in self._db.execute(sql, params)]
                total = len(every)
                ids = every[offset:] if limit is None else every[offset : offset + limit]
            found = self.stories_with_ids(ids, members)
        return [found[i] for i in ids], total

    def _story_conditions(self, chosen: StoryFilter) -> tuple[str, list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        if chosen.words is not None and not chosen.words.split():
            conditions.append("1 = 0")  # no words: nothing holds them (as ``search`` finds)
        elif chosen.words is not None:
            matching, words = self._backend.matching(chosen.words)
            conditions.append(
                f"s.id IN (SELECT story FROM story_articles WHERE article IN ({matching}))"
            )
            params += words
        if chosen.since:
            # As Story.iso_range and a prefix comparison: "2006" ends on or after "2006-02".
            end = f"substr(s.end, 1, {_PRECISE})"
            conditions.append(
                f"s.end IS NOT NULL AND substr({end}, 1, length(?)) >= substr(?, 1, length({end}))"
            )
            params += [chosen.since, chosen.since]
        if chosen.until:
            start = f"substr(s.start, 1, {_PRECISE})"
            conditions.append(
                f"s.start IS NOT NULL"
                f" AND substr({start}, 1, length(?)) <= substr(?, 1, length({start}))"
            )
            params += [chosen.until, chosen.until]
        if chosen.outlet:
            # On the column itself, so the outlet index finds the articles (the expression
            # that shows none as "unknown" would read every article: 0.5 s at 100,000).
            if chosen.outlet == UNKNOWN_OUTLET:
                conditions.append(
                    "s.id IN (SELECT sa.story FROM articles a CROSS JOIN story_articles sa"
                    " WHERE sa.article = a.id AND (a.outlet IS NULL OR a.outlet = ''))"
                )
            else:
                conditions.append(
                    "s.id IN (SELECT sa.story FROM articles a CROSS JOIN story_articles sa"
                    " WHERE sa.article = a.id AND a.outlet = ?)"
                )
                params.append(chosen.outlet)
        if chosen.entity:
            conditions.append(
                "s.id IN (SELECT story FROM story_articles WHERE article IN"
                " (SELECT article FROM entity_mentions WHERE entity = ?))"
            )
            params.append(chosen.entity)
        # Each condition is a constant with ? placeholders: the values are all parameters.
        return (" WHERE " + " AND ".join(conditions) if conditions else ""), params

    def stories_with_ids(self, ids: Iterable[str], members: bool = True) -> dict[str, Story]:
        """The stories of ``ids`` (those stored), with their articles (none without
        ``members``), by id."""
        wanted = list(dict.fromkeys(ids))
        held: dict[str, list[str]] = {}
        sql = "SELECT story, article FROM story_articles WHERE story IN ({}) ORDER BY position"
        for story, article in self._rows_in(sql, wanted if members else []):
            held.setdefault(story, []).append(article)
        sql = "SELECT * FROM stories WHERE id IN ({})"
        return {
            row[0]: story_from_row(row, held.get(row[0], ())) for row in self._rows_in(sql, wanted)
        }

    def outlets_of_stories(self, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Story id → the outlets of its articles, by name."""
        found: dict[str, set[str]] = {}
        sql = (
            f"SELECT sa.story, {_OUTLET} FROM story_articles sa"
            " JOIN articles a ON a.id = sa.article WHERE sa.story IN ({})"
        )
        for story, outlet in self._rows_in(sql, ids):
            found.setdefault(story, set()).add(outlet)
        return {story: tuple(sorted(outlets)) for story, outlets in found.items()}

    def threads_of_stories(self, ids: Iterable[str], whole: bool = True) -> dict[str, Thread]:
        """Story id → the thread holding it, for those of ``ids`` in one; without ``whole``,
        each thread without its stories and links (a list names the thread only, and a thread
        of a year of news may hold hundreds of stories)."""
        sql = "SELECT story, thread FROM thread_stories WHERE story IN ({})"
        thread_of = dict(self._rows_in(sql, ids))
        threads = {t.id: t for t in self.threads_with_ids(thread_of.values(), whole)}
        return {story: threads[thread] for story, thread in thread_of.items()}

    def threads_with_ids(self, ids: Iterable[str], whole: bool = True) -> list[Thread]:
        """The threads of ``ids``, whole (without ``whole``: without stories and links), by
        id."""
        wanted = sorted(set(ids))
        members: dict[str, list[str]] = {}
        links: dict[str, list[Any]] = {}
        if whole:
            sql = "SELECT thread, story FROM thread_stories WHERE thread IN ({}) ORDER BY position"
            for thread, story in self._rows_in(sql, wanted):
                members.setdefault(thread, []).append(story)
            sql = (
                "SELECT thread, earlier, later, reason, cosine FROM thread_links"
                " WHERE thread IN ({}) ORDER BY thread, earlier, later"
            )
            for row in self._rows_in(sql, wanted):
                links.setdefault(row[0], []).append(row[1:])
        sql = "SELECT id, title, description FROM threads WHERE id IN ({})"
        found = [
            Thread(
                tid,
                tuple(members.get(tid, ())),
                title,
                desc,
                tuple(ThreadLink(*link) for link in links.get(tid, ())),
            )
            for tid, title, desc in self._rows_in(sql, wanted)
        ]
        return sorted(found, key=lambda t: t.id)

    # -- slices: one story, one article, one entity ------------------------------------------

    def story_slice(self, story_id: str) -> Corpus | None:
        """What one story's report and page read: its articles as readers see them, their
        copies, entities, quote groups (their renderings in these articles), and its thread
        with the thread's stories. None if there is no such story."""
        with self._reading():
            story = self.stories_with_ids([story_id]).get(story_id)
            if story is None:
                return None
            return self._slice(list(story.articles), [story_id], thread_stories=True)

    def article_slice(self, article_id: str) -> Corpus | None:
        """What one article's page reads: the article as readers see it, its story and thread,
        the entities it names and the quote groups it renders. None if it is not stored."""
        with self._reading():
            row = self._db.execute(
                "SELECT story FROM story_articles WHERE article = ?", (article_id,)
            ).fetchone()
            corpus = self._slice([article_id], [row[0]] if row else [], thread_stories=False)
        return corpus if corpus.documents else None

    def _slice(
        self, articles: Sequence[str], stories: Sequence[str], thread_stories: bool
    ) -> Corpus:
        """The documents of ``articles`` and what they show, with ``stories`` whole, their
        threads, and (``thread_stories``) the threads' other stories without their articles:
        what a story's thread shows of them is titles and dates, and a thread of a year of
        news may hold hundreds of stories."""
        documents = self.load_documents(articles)
        inferred = self._inferred_dates(documents)
        held = self.stories_with_ids(stories)
        threads = self.threads_of_stories(stories)
        others = (s for t in threads.values() for s in t.stories) if thread_stories else ()
        steps = self.stories_with_ids(others, members=False)
        sql = "SELECT article, duplicate_of FROM duplicates WHERE article IN ({})"
        corpus = Corpus(
            documents=documents,
            duplicate_of=dict(self._rows_in(sql, articles)),
            stories=sorted({**steps, **held}.values(), key=_story_order),
            threads=sorted({t.id: t for t in threads.values()}.values(), key=lambda t: t.id),
            entities=self.entities_in(articles),
            quote_groups=self.quote_groups_in(articles),
        )
        corpus.inferred_dates = inferred
        return corpus

    def entities_in(self, articles: Sequence[str]) -> list[Entity]:
        """The entities named in ``articles``, each with its name, type and aliases and its
        mentions in these articles only, by id."""
        sql = "SELECT entity, article, start, end FROM entity_mentions WHERE article IN ({})"
        return self._entities(self._refs_by(sql, articles))

    def _refs_by(self, sql: str, articles: Sequence[str]) -> dict[str, list[Ref]]:
        """Spans of ``articles`` by what holds them: ``sql`` selects (holder, article,
        start, end) for the articles of its ``{}``."""
        found: dict[str, list[Ref]] = {}
        for holder, article, start, end in self._rows_in(sql, articles):
            found.setdefault(holder, []).append(Ref(article, start, end))
        return found

    def _entities(self, mentions: dict[str, list[Ref]]) -> list[Entity]:
        ids = sorted(mentions)
        aliases: dict[str, list[str]] = {}
        sql = "SELECT entity, alias FROM entity_aliases WHERE entity IN ({}) ORDER BY position"
        for entity, alias in self._rows_in(sql, ids):
            aliases.setdefault(entity, []).append(alias)
        sql = "SELECT id, name, type FROM entities WHERE id IN ({})"
        found = [
            Entity(
                eid,
                name,
                etype,
                tuple(aliases.get(eid, ())),
                tuple(sorted(mentions[eid], key=_ref_order)),
            )
            for eid, name, etype in self._rows_in(sql, ids)
        ]
        return sorted(found, key=lambda e: e.id)

    def entities_of_types(self, types: Iterable[str]) -> list[Entity]:
        """Every entity of one of ``types``, with its name and aliases and no mentions, by
        id."""
        wanted = sorted(set(types))
        sql = "SELECT id FROM entities WHERE type IN ({})"
        return self._entities({row[0]: [] for row in self._rows_in(sql, wanted)})

    def first_mention_texts(
        self, entity_ids: Iterable[str], limit: int
    ) -> dict[str, tuple[str, ...]]:
        """Entity id → how its first ``limit`` mentions (by article id, then place) are
        written, across the whole store: ``entity.mentions[:limit]``'s texts, without
        reading those articles whole."""
        found: dict[str, list[str]] = {}
        sql = (
            "SELECT m.entity, substr(a.text, m.start + 1, m.end - m.start) FROM"
            " (SELECT entity, article, start, end, ROW_NUMBER() OVER"
            " (PARTITION BY entity ORDER BY article, start, end) AS n"
            " FROM entity_mentions WHERE entity IN ({})) m"
            f" JOIN articles a ON a.id = m.article WHERE m.n <= {int(limit)}"
            " ORDER BY m.entity, m.n"
        )
        for entity, text in self._rows_in(sql, entity_ids):
            found.setdefault(entity, []).append(text)
        return {entity: tuple(texts) for entity, texts in found.items()}

    def quote_groups_in(self, articles: Sequence[str]) -> list[QuoteGroup]:
        """The quote groups with a rendering in ``articles``, each with those renderings only,
        by id."""
        sql = "SELECT grp, article, start, end FROM quote_group_members WHERE article IN ({})"
        return self._quote_groups(self._refs_by(sql, articles))

    def _quote_groups(self, members: dict[str, list[Ref]]) -> list[QuoteGroup]:
        sql = "SELECT id, speaker_entity, speaker_name FROM quote_groups WHERE id IN ({})"
        found = [
            QuoteGroup(gid, entity, name, tuple(sorted(members[gid], key=_ref_order)))
            for gid, entity, name in self._rows_in(sql, members)
        ]
        return sorted(found, key=lambda g: g.id)

    def entity_with_id(self, entity_id: str, mentions: bool = True) -> Entity | None:
        """One entity, whole: every mention in every article (none without ``mentions``:
        an entity named in a year of news has tens of thousands)."""
        rows = (
            self._db.execute(
                "SELECT article, start, end FROM entity_mentions WHERE entity = ?"
                " ORDER BY article, start, end",
                (entity_id,),
            ).fetchall()
            if mentions
            else []
        )
        found = self._entities({entity_id: [Ref(*row) for row in rows]})
        return found[0] if found else None

    def stories_naming(self, entity_id: str, members: bool = True) -> list[Story]:
        """The stories with an article naming ``entity_id``, newest first (as listed), with
        their articles (none without ``members``)."""
        stories, _ = self.newest_stories(StoryFilter(entity=entity_id), members=members)
        return stories

    def quote_groups_of(self, speaker: str) -> list[QuoteGroup]:
        """The quote groups whose speaker is the entity ``speaker``, whole, by id."""
        members: dict[str, list[Ref]] = {}
        for group, article, start, end in self._db.execute(
            "SELECT m.grp, m.article, m.start, m.end FROM quote_group_members m"
            " JOIN quote_groups g ON g.id = m.grp WHERE g.speaker_entity = ?",
            (speaker,),
        ):
            members.setdefault(group, []).append(Ref(article, start, end))
        return self._quote_groups(members)

    def article_dates(self, ids: Iterable[str]) -> dict[str, PubDate | None]:
        """Article id → its publication date as readers see it (the one its story gave it
        when it states none), for each stored one of ``ids``."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, PubDate | None] = {}
        sql = (
            "SELECT id, published, published_precision, published_origin FROM articles"
            " WHERE id IN ({})"
        )
        for article, day, precision, origin in self._rows_in(sql, wanted):
            found[article] = (
                PubDate(dt.date.fromisoformat(day), Precision(precision), origin) if day else None
            )
        sql = (
            "SELECT article, published, precision, origin FROM inferred_dates WHERE article IN ({})"
        )
        for article, day, precision, origin in self._rows_in(sql, wanted):
            found[article] = PubDate(dt.date.fromisoformat(day), Precision(precision), origin, True)
        return found

    # -- counts ------------------------------------------------------------------------------

    def outlet_tallies(self) -> list[OutletTally]:
        """Every outlet, by name, with its numbers of articles and stories. Reads every
        article's outlet, from the outlet index (0.2 s for 100,000 articles)."""
        with self._reading():
            articles = dict(
                self._db.execute(f"SELECT {_OUTLET}, count(*) FROM articles a GROUP BY 1")
            )
            stories = dict(
                self._db.execute(
                    # CROSS JOIN: SQLite walks the (outlet, id) index and looks up each
                    # article's story, never reading article rows (0.18 s against 0.45 s
                    # for 100,000 articles); to PostgreSQL it is the same join.
                    "SELECT outlet, count(*) FROM (SELECT DISTINCT"
                    f" {_OUTLET} AS outlet, sa.story FROM articles a CROSS JOIN story_articles sa"
                    " WHERE sa.article = a.id) AS pairs GROUP BY outlet"
                )
            )
        return [
            OutletTally(name, int(articles[name]), int(stories.get(name, 0)))
            for name in sorted(articles)
        ]

    def original_ids(self) -> list[str]:
        """The ids of the stored articles that are no copy (what a sample of the store is
        drawn from), by id."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article FROM duplicates) ORDER BY id"
        )
        return [row[0] for row in rows]

    # -- reports -----------------------------------------------------------------------------

    def stored_report(self, story_id: str) -> tuple[str, bytes] | None:
        """The report kept for ``story_id``: the digest of what it was built from, and it."""
        row = self._db.execute(
            "SELECT digest, report FROM story_reports WHERE story = ?", (story_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def save_report(self, story_id: str, digest: str, report: bytes) -> None:
        """Keep a story's report (the last one saved wins). Not a change readers must see:
        the generation does not move."""
        self._write(
            lambda: self._db.execute(
                "INSERT OR REPLACE INTO story_reports (story, digest, report) VALUES (?, ?, ?)",
                (story_id, digest, report),
            ),
            "a story's report",
        )

    def report_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM story_reports").fetchone()[0])


def _story_order(story: Story) -> tuple[str, str]:
    return (story.start.isoformat() if story.start else "", story.id)


def _ref_order(ref: Ref) -> tuple[str, int, int]:
    return (ref.article, ref.start, ref.end)
