"""The store's schema: its tables, the migrations that make them, and the one runner of them.

The SQL is spelled as SQLite spells it; each backend (:class:`~storyline.store.backend.
Backend`) takes a migration's statements as its database does (PostgreSQL translates them, or
has its own for a migration), and says how migrators running at once keep out of each other's
way. Applied migrations are recorded in ``schema_migrations``; a store written by a newer
storyline is refused rather than damaged.
"""

from __future__ import annotations

from storyline.errors import StoreError
from storyline.store.backend import Backend, Database, transaction

_SCHEMA_V1 = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    published TEXT,
    published_precision TEXT,
    published_origin TEXT,
    published_inferred INTEGER NOT NULL DEFAULT 0,
    byline TEXT,
    dateline TEXT,
    agencies TEXT NOT NULL,
    url TEXT,
    body TEXT NOT NULL,
    highlights TEXT NOT NULL,
    dropped TEXT NOT NULL,
    sentences TEXT NOT NULL,
    embedding BLOB
);
CREATE TABLE mentions (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL,
    PRIMARY KEY (article, start, end, type)
);
CREATE TABLE quotes (
    article TEXT NOT NULL REFERENCES articles(id),
    content_start INTEGER NOT NULL, content_end INTEGER NOT NULL,
    cue_start INTEGER, cue_end INTEGER,
    speaker_start INTEGER, speaker_end INTEGER,
    speaker_name TEXT,
    direct INTEGER NOT NULL,
    PRIMARY KEY (article, content_start, content_end)
);
CREATE TABLE timex (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL, value TEXT,
    PRIMARY KEY (article, start, end)
);
CREATE TABLE duplicates (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    duplicate_of TEXT NOT NULL REFERENCES articles(id)
);
CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE entity_aliases (
    entity TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (entity, alias)
);
CREATE TABLE entity_mentions (
    entity TEXT NOT NULL REFERENCES entities(id),
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (entity, article, start, end)
);
CREATE INDEX entity_mentions_by_article ON entity_mentions(article);
CREATE TABLE stories (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
    start TEXT, end TEXT, precision TEXT NOT NULL
);
CREATE TABLE story_articles (
    story TEXT NOT NULL REFERENCES stories(id),
    article TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL, PRIMARY KEY (story, article)
);
CREATE TABLE threads (id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE thread_stories (
    thread TEXT NOT NULL REFERENCES threads(id),
    story TEXT NOT NULL REFERENCES stories(id),
    position INTEGER NOT NULL, PRIMARY KEY (thread, story)
);
CREATE TABLE thread_links (
    thread TEXT NOT NULL REFERENCES threads(id),
    earlier TEXT NOT NULL, later TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (thread, earlier, later)
);
CREATE TABLE quote_groups (
    id TEXT PRIMARY KEY, speaker_entity TEXT, speaker_name TEXT
);
CREATE TABLE quote_group_members (
    grp TEXT NOT NULL REFERENCES quote_groups(id),
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (grp, article, start, end)
);
CREATE TABLE failures (source TEXT PRIMARY KEY, reason TEXT NOT NULL);
"""

#: The clause each time expression dates (NULL for articles stored before it was found);
#: the dates stories give undated articles, and those articles' time expressions resolved
#: against them. The last two are cross-article results: the ``articles`` and ``timex`` rows
#: keep what each article states, so that grouping never rests on a date it inferred itself.
_SCHEMA_V2 = """
ALTER TABLE timex ADD COLUMN event_start INTEGER;
ALTER TABLE timex ADD COLUMN event_end INTEGER;
CREATE TABLE inferred_dates (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    published TEXT NOT NULL, precision TEXT NOT NULL, origin TEXT NOT NULL
);
CREATE TABLE inferred_timex (
    article TEXT NOT NULL REFERENCES inferred_dates(article),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL, value TEXT,
    event_start INTEGER, event_end INTEGER,
    PRIMARY KEY (article, start, end)
);
"""

#: Vectors of texts (report sentences, clauses, headlines) by model and text hash: a story is
#: embedded once, then read back (embed.CachedEmbedder). Not a corpus table: a vector stays
#: right whatever the grouping does, so regrouping keeps them.
_SCHEMA_V3 = """
CREATE TABLE text_vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""

#: Full-text search over titles and clean bodies (SQLite FTS5). Rows are added with their
#: articles; a store migrated from an older schema is filled in on opening.
_SCHEMA_V4 = """
CREATE VIRTUAL TABLE article_search USING fts5(
    article UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""

#: A counter of the writes readers see (articles added, cross-article results replaced), so a
#: reader knows when to read again: SQLite's data_version also moves with every other commit,
#: such as the vectors a report caches while it is built. And the digest of the stored
#: cross-article results, so that results equal to them are not written again.
_SCHEMA_V5 = """
CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER, text TEXT);
INSERT INTO store_state (key, value) VALUES ('generation', 0);
"""

#: What servers said identifies the version of a URL they sent (ETag, Last-Modified), sent back
#: on the next request so an unchanged feed costs a 304 (storyline.read.feeds). And articles by
#: source, so a crawl can tell the pages it stored before without fetching them again.
_SCHEMA_V6 = """
CREATE TABLE http_validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
CREATE INDEX articles_by_source ON articles(source);
"""

#: What regrouping only the neighbourhood of new articles needs (storyline.group.window): stored
#: entities by the keys of their names, to give an actor found again its stored id; each
#: story's profile, to thread new stories with every stored one without reading its articles;
#: and indexes from an article to its date, story, quote groups and copies.
_SCHEMA_V7 = """
CREATE TABLE entity_keys (
    key TEXT NOT NULL, entity TEXT NOT NULL REFERENCES entities(id), type TEXT NOT NULL,
    PRIMARY KEY (key, entity)
);
CREATE TABLE story_profiles (
    story TEXT PRIMARY KEY REFERENCES stories(id),
    centroid BLOB NOT NULL, cast_counts TEXT NOT NULL, names TEXT NOT NULL, dates TEXT NOT NULL
);
CREATE INDEX story_articles_by_article ON story_articles(article);
CREATE INDEX quote_group_members_by_article ON quote_group_members(article);
CREATE INDEX duplicates_by_original ON duplicates(duplicate_of);
CREATE INDEX articles_by_published ON articles(published);
CREATE INDEX thread_stories_by_story ON thread_stories(story);
ALTER TABLE thread_links ADD COLUMN cosine DOUBLE PRECISION NOT NULL DEFAULT 0
"""

#: The ingest log: articles stored whose cross-article results are not written yet. An
#: ``analyze`` killed between storing a batch and regrouping leaves them here, and the next run
#: regroups them (their texts are stored, so it would otherwise skip them as already done).
_SCHEMA_V8 = """
CREATE TABLE ungrouped (article TEXT PRIMARY KEY REFERENCES articles(id))
"""

#: The pieces of a quote broken by its cue (``"A," he said, "b"``), as JSON ``[[start, end],
#: ...]``; NULL for a quote in one piece (and for quotes stored before this migration).
_SCHEMA_V9 = """
ALTER TABLE quotes ADD COLUMN fragments TEXT
"""

#: Each article's language (ISO 639-1), decided when it is cleaned. Articles stored before
#: are left NULL rather than detected here: the clean body is not a column (it is the text
#: cut by the body spans, in JSON), they were annotated as English when stored, and
#: annotations are never rewritten, so NULL ("not known; annotated as English") is what
#: they are. Re-analysing them from their input in a new store gives them one.
_SCHEMA_V10 = """
ALTER TABLE articles ADD COLUMN language TEXT
"""

#: Whether a time expression dates what its sentence reports (its main clause), judged from
#: the parse at annotation; NULL for expressions stored before (and where no parse was).
_SCHEMA_V11 = """
ALTER TABLE timex ADD COLUMN reports INTEGER;
ALTER TABLE inferred_timex ADD COLUMN reports INTEGER
"""

#: Where each article's title, outlet and byline came from ("og", "json-ld", "h1", "table",
#: "text: sign-off", "input", ...), as ``published_origin`` says for its date; NULL for
#: articles stored before (their fields are what they were, their origins not known).
_SCHEMA_V12 = """
ALTER TABLE articles ADD COLUMN title_origin TEXT;
ALTER TABLE articles ADD COLUMN outlet_origin TEXT;
ALTER TABLE articles ADD COLUMN byline_origin TEXT
"""

#: Which model made each article's embedding (the embed stage names it). NULL for articles
#: stored before: all-MiniLM-L6-v2 made theirs (384 dimensions), which a later model's vectors
#: cannot be compared with, so the pipeline embeds them again from their stored text before
#: any grouping (storyline.pipeline.reembed). The index finds them without reading the rows.
_SCHEMA_V13 = """
ALTER TABLE articles ADD COLUMN embedding_model TEXT;
CREATE INDEX articles_by_embedding_model ON articles(embedding_model)
"""

#: Reports kept per story (``pipeline.reports``): the report's bytes and a digest of what it
#: was built from, so a reader tells a report still right from one to build again; writers
#: drop the reports of the stories they replace. And what the views' queries look up
#: (``store.views``): stories by last day (the list, newest first), articles by outlet, quote
#: groups by speaker, and the story of an article without reading the row (a search's hits
#: are turned into stories by it: 72 → 40 ms for 26,800 hits).
_SCHEMA_V14 = """
CREATE TABLE story_reports (story TEXT PRIMARY KEY, digest TEXT NOT NULL, report BLOB NOT NULL);
CREATE INDEX stories_by_end ON stories(end);
CREATE INDEX articles_by_outlet ON articles(outlet, id);
CREATE INDEX quote_groups_by_speaker ON quote_groups(speaker_entity);
DROP INDEX story_articles_by_article;
CREATE INDEX story_articles_by_article ON story_articles(article, story)
"""

#: Which article each row of the SQLite search index is: reading FTS5's own ``article`` column
#: looks each hit up in the index's content table, rows as long as the articles (100 ms for
#: the 26,800 hits of "police" in 100,000 articles, against 6 ms for the rows alone); this
#: table of short rows answers it. PostgreSQL's index is a table with the id in it: nothing.
_SCHEMA_V15 = """
CREATE TABLE search_rows (row INTEGER PRIMARY KEY, article TEXT NOT NULL);
INSERT INTO search_rows (row, article) SELECT rowid, article FROM article_search
"""

#: Migrations in order: (version, description, SQL). Applied ones are recorded in
#: ``schema_migrations``; a store written by a newer storyline is refused rather than damaged.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "initial schema", _SCHEMA_V1),
    (2, "dates inferred from stories", _SCHEMA_V2),
    (3, "cached vectors of report sentences", _SCHEMA_V3),
    (4, "full-text search", _SCHEMA_V4),
    (5, "a generation counter for readers", _SCHEMA_V5),
    (6, "HTTP validators of fetched URLs", _SCHEMA_V6),
    (7, "regrouping the neighbourhood of new articles", _SCHEMA_V7),
    (8, "articles stored but not yet regrouped", _SCHEMA_V8),
    (9, "fragments of quotes broken by their cue", _SCHEMA_V9),
    (10, "each article's language", _SCHEMA_V10),
    (11, "whether a date dates what its sentence reports", _SCHEMA_V11),
    (12, "where each article's title, outlet and byline came from", _SCHEMA_V12),
    (13, "which model made each article's embedding", _SCHEMA_V13),
    (14, "reports kept per story, and indexes for the views", _SCHEMA_V14),
    (15, "the article of each row of the search index", _SCHEMA_V15),
)

#: Tables derived from all articles, replaced as a whole by :meth:`Store.save_corpus`.
CORPUS_TABLES = (
    "story_profiles",
    "entity_keys",
    "inferred_timex",
    "inferred_dates",
    "quote_group_members",
    "quote_groups",
    "thread_links",
    "thread_stories",
    "threads",
    "story_articles",
    "stories",
    "entity_mentions",
    "entity_aliases",
    "entities",
    "duplicates",
)


def migrate(db: Database, name: str, backend: Backend) -> None:
    """Apply the migrations ``db`` lacks, each in one transaction (``name``: what messages
    show). The usual case, nothing to apply, takes no lock; otherwise the backend's migration
    lock is held, and each migration is applied only if no store opened at once applied it
    meanwhile."""
    if not pending_migrations(db, name, backend):
        return
    with backend.migration_lock(db):
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, description TEXT)"
        )
        pending = pending_migrations(db, name, backend)  # again: another may have migrated
        backend.prepare_migrations(db, pending)
        for version, description, sql in MIGRATIONS:
            if version not in pending:
                continue
            with transaction(db):
                if db.execute(  # applied meanwhile by a store opened at once
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                ).fetchone():
                    continue
                for statement in backend.statements(version, sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, description))


def pending_migrations(db: Database, name: str, backend: Backend) -> set[int]:
    """The versions of :data:`MIGRATIONS` not applied yet; refuses a newer storyline's store."""
    applied = (
        {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
        if backend.has_migrations(db)
        else set()
    )
    newest = MIGRATIONS[-1][0]
    if applied and max(applied) > newest:
        raise StoreError(
            f"{name}: written by a newer storyline (schema {max(applied)} > {newest}); "
            "upgrade storyline"
        )
    return {version for version, _, _ in MIGRATIONS} - applied


def split_statements(sql: str) -> list[str]:
    """A migration's statements: its SQL split at each ``;``."""
    return [statement for statement in sql.split(";") if statement.strip()]
