"""Articles: each stored once with its annotations, found by id, prefix or words.

Per-article results (the article, its body spans, sentences, mentions, quotes, time
expressions, embedding) are written once per article id and never rewritten: re-ingesting
the same input is a no-op.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from storyline.dates import counted
from storyline.errors import AmbiguousId, NotFound
from storyline.records import Article, Document, Mention, Precision, PubDate, Span
from storyline.store.core import BUMP_GENERATION, StoreCore
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    Float32Blob,
    article_from_row,
    article_row,
    embedding_of,
    quote_from_row,
    quote_row,
    timex_from_row,
    timex_row,
)

#: The kind of record each table's ids name, for messages.
_KINDS = {"articles": "article", "threads": "thread", "entities": "entity", "stories": "story"}


class ArticleStore(StoreCore):
    """Stored articles and their annotations."""

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored."""
        return {row[0] for row in self._rows_in("SELECT id FROM articles WHERE id IN ({})", ids)}

    def known_sources(self, sources: Iterable[str]) -> set[str]:
        """The subset of ``sources`` (paths, URLs) some stored article was read from."""
        sql = "SELECT source FROM articles WHERE source IN ({})"
        return {row[0] for row in self._rows_in(sql, sources)}

    def save_documents(self, documents: Sequence[Document]) -> None:
        """Store annotated documents in one transaction; an id already stored is left as it is."""
        self._write(lambda: self._insert_documents(documents), counted(len(documents), "article"))

    def _insert_documents(self, documents: Sequence[Document]) -> None:
        added = 0
        for document in self._backend.before_insert(self._db, documents):
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO articles VALUES (" + ",".join("?" * ARTICLE_COLUMNS) + ")",
                article_row(document),
            ).rowcount
            if inserted:
                self._insert_annotations(document)
                self._backend.index_text(self._db, document.article)
                self._db.execute("INSERT INTO ungrouped VALUES (?)", (document.article.id,))
                added += 1
        if added:
            self._db.execute(BUMP_GENERATION)

    def _insert_annotations(self, document: Document) -> None:
        aid = document.article.id
        self._db.executemany(
            "INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?)",
            [(aid, m.span.start, m.span.end, m.text, m.type) for m in document.mentions or []],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?)",
            [quote_row(aid, q) for q in document.quotes or []],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO timex VALUES (?,?,?,?,?,?,?,?,?)",
            [timex_row(aid, t) for t in document.timex or []],
        )

    # -- embeddings made by another model ----------------------------------------------------

    def count_embedded_otherwise(self, model: str) -> int:
        """How many stored articles have no embedding made by ``model`` (another model's, or
        one whose model is not known: stored before models were recorded)."""
        # Two counts the index answers, rather than a condition every row is read for.
        same = self._db.execute(
            "SELECT count(*) FROM articles WHERE embedding_model = ?", (model,)
        ).fetchone()[0]
        return self.article_count() - int(same)

    def embedded_otherwise(self, model: str, after: str, limit: int) -> list[Article]:
        """Up to ``limit`` of the articles :meth:`count_embedded_otherwise` counts, by id,
        from the first id past ``after`` (``""``: from the first): a large store is read a
        batch at a time."""
        rows = self._db.execute(
            "SELECT * FROM articles WHERE (embedding_model IS NULL OR embedding_model <> ?)"
            " AND id > ? ORDER BY id LIMIT ?",
            (model, after, limit),
        )
        return [article_from_row(row) for row in rows]

    def replace_embeddings(self, vectors: Mapping[str, np.ndarray], model: str) -> None:
        """Give the articles ``vectors`` names (by id) these embeddings, made by ``model``, in
        one transaction.

        The stories' profiles were made from the embeddings replaced, so they are marked as
        stale: the next regrouping is a whole one, which makes them again
        (:meth:`~storyline.store.window.WindowStore.profiled`).
        """
        if not vectors:
            return

        def replace() -> None:
            dimensions = {len(v) for v in vectors.values()}
            self._backend.resize_embeddings(self._db, dimensions.pop())
            self._db.executemany(
                "UPDATE articles SET embedding = ?, embedding_model = ? WHERE id = ?",
                [
                    (Float32Blob(np.asarray(v, np.float32).tobytes()), model, aid)
                    for aid, v in sorted(vectors.items())
                ],
            )
            self._set_state("profiled", None)
            self._set_state("corpus_digest", None)  # so the next results are written
            self._db.execute(BUMP_GENERATION)

        self._write(replace, f"the embeddings of {counted(len(vectors), 'article')}")

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Ids of the articles whose title or body hold every word of ``query``, best first
        (all of them, or the best ``limit``).

        The query is text, never the database's search syntax ("AND", "*", column filters
        and unbalanced quotes are words like any other).
        """
        return self._backend.search(self._db, query, limit)

    def story_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM stories").fetchone()[0])

    def article_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def load_documents(self, ids: Iterable[str] | None = None) -> list[Document]:
        """Stored documents (all, or those with ``ids``), ordered by id, annotations included."""
        where, params = self._id_filter("id", ids)
        rows = self._db.execute(f"SELECT * FROM articles{where} ORDER BY id", params).fetchall()
        where, params = self._id_filter("article", ids)
        mentions = self._grouped(
            f"SELECT * FROM mentions{where} ORDER BY article, start, end, type", params
        )
        quotes = self._grouped(
            f"SELECT * FROM quotes{where} ORDER BY article, content_start, content_end", params
        )
        timex = self._grouped(f"SELECT * FROM timex{where} ORDER BY article, start, end", params)
        return [
            Document(
                article=article_from_row(row),
                sentences=[Span(s, e) for s, e in json.loads(row[16])],
                mentions=[Mention(Span(r[1], r[2]), r[3], r[4]) for r in mentions.get(row[0], [])],
                quotes=[quote_from_row(r) for r in quotes.get(row[0], [])],
                timex=[timex_from_row(r) for r in timex.get(row[0], [])],
                embedding=embedding_of(row[17]),
                embedding_model=row[22],
            )
            for row in rows
        ]

    def published_between(self, since: str | None = None, until: str | None = None) -> list[str]:
        """Ids of the articles published from ``since`` to ``until`` (ISO days, inclusive;
        open ends when None), and of those stating no date (their story may date them)."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE published IS NULL"
            " OR (published >= ? AND published <= ?) ORDER BY id",
            (since or "0000-00-00", until or "9999-99-99"),
        )
        return [row[0] for row in rows]

    def documents_as_read(self, ids: Iterable[str]) -> list[Document]:
        """Stored documents, each undated one with the date its story gave it (marked
        inferred) and its time expressions resolved against that date, as readers see them."""
        with self._reading():
            documents = self.load_documents(ids)
            self._inferred_dates(documents)
        return documents

    def articles_of_thread(self, thread_id: str) -> list[str]:
        """Ids of the articles of the thread's stories."""
        rows = self._db.execute(
            "SELECT DISTINCT a.article FROM thread_stories t"
            " JOIN story_articles a ON a.story = t.story WHERE t.thread = ? ORDER BY a.article",
            (thread_id,),
        )
        return [row[0] for row in rows]

    def mentions_of(self, entity_id: str) -> dict[str, list[Span]]:
        """Article id → the spans where the entity is mentioned, in text order."""
        rows = self._db.execute(
            "SELECT article, start, end FROM entity_mentions WHERE entity = ?"
            " ORDER BY article, start, end",
            (entity_id,),
        )
        found: dict[str, list[Span]] = {}
        for article, start, end in rows:
            found.setdefault(article, []).append(Span(start, end))
        return found

    def story_sizes(self, ids: Iterable[str]) -> dict[str, int]:
        """Article id → how many articles its story holds (articles in no story: absent)."""
        sql = (
            "SELECT a.article, count(*) FROM story_articles a"
            " JOIN story_articles b ON b.story = a.story"
            " WHERE a.article IN ({}) GROUP BY a.article"
        )
        return {article: int(size) for article, size in self._rows_in(sql, ids)}

    def label_of(self, table: str, found: str, default: str | None = None) -> str:
        """A story's, thread's or article's title or an entity's name ("stories", "threads",
        "articles", "entities"), by its id; ``default`` (the id itself when None) when there
        is none."""
        column = {"entities": "name"}.get(table, "title")
        row = self._db.execute(f"SELECT {column} FROM {table} WHERE id = ?", (found,)).fetchone()
        if row is None or row[0] is None:
            return found if default is None else default
        return str(row[0])

    def find_id(self, table: str, prefix: str) -> str:
        """The one id of ``table`` ("articles", "threads", "entities", "stories") that begins
        with ``prefix`` (like a short git hash).

        Raises :class:`NotFound`, naming the kind, when no id begins with it, and
        :class:`AmbiguousId` (a ``NotFound``, with the first few) when several do.
        """
        kind = _KINDS[table]
        if not prefix:
            raise NotFound(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} id cannot be empty")
        # A few more matches than shown are fetched only to tell "several" from "many".
        shown = 5
        # The range walks the id index from the prefix (ids sort by bytes on both backends,
        # and U+10FFFF sorts after any character): a lookup costs the same in any store.
        matches = [
            row[0]
            for row in self._db.execute(
                f"SELECT id FROM {table} WHERE id >= ?1 AND id < ?3"
                " AND substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2",
                (prefix, shown + 1, prefix + "\U0010ffff"),
            )
        ]
        if not matches:
            raise NotFound(f"no {kind} id begins with {prefix!r} in {self.path}")
        if len(matches) > 1:
            listed = ", ".join(matches[:shown]) + (", ..." if len(matches) > shown else "")
            raise AmbiguousId(
                f"{prefix!r} begins several {kind} ids in {self.path} ({listed}); "
                "give more of the id",
                table,
                prefix,
                tuple(matches[:shown]),
            )
        return matches[0]

    def article(self, article_id: str) -> Document:
        """One stored article, as readers see it (with the date its story gave it, if any)."""
        found = self.documents_as_read([article_id])
        if not found:
            raise NotFound(f"no article with id {article_id!r} in {self.path}")
        return found[0]

    def find_article(self, prefix: str) -> Document:
        """The one stored article whose id begins with ``prefix`` (like a short git hash).

        Raises :class:`NotFound` when no id, or more than one id, begins with ``prefix``.
        """
        return self.article(self.find_id("articles", prefix))

    def _inferred_dates(self, documents: Sequence[Document]) -> dict[str, PubDate]:
        """Give each of ``documents`` its story's date, if it has one; returns those dates."""
        by_id = {d.article.id: d for d in documents}
        where, params = self._id_filter("article", by_id)
        timex = self._grouped(
            f"SELECT * FROM inferred_timex{where} ORDER BY article, start, end", params
        )
        found: dict[str, PubDate] = {}
        for article_id, day, precision, origin in self._db.execute(
            f"SELECT * FROM inferred_dates{where} ORDER BY article", params
        ):
            published = PubDate(dt.date.fromisoformat(day), Precision(precision), origin, True)
            document = by_id[article_id]
            document.article = dataclasses.replace(document.article, published=published)
            document.timex = [timex_from_row(r) for r in timex.get(article_id, [])]
            found[article_id] = published
        return found
