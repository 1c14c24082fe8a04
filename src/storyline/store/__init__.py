"""STORE: SQLite by default, PostgreSQL by URL; one schema, migrations in code.

The store keeps what the stages give it, and gives it back as records; it computes nothing a
stage computes. Its modules, bottom to top:

- ``backend``: what names a store (a path or a ``postgresql://`` URL), the connection the
  store speaks to, and what a backend must say about its database.
- ``dialect``: the store's SQL, spelled as SQLite spells it, translated for PostgreSQL.
- ``schema``: the tables, the migrations that make them, and the one migration runner.
- ``rows``: records as table rows and back (articles, annotations, cross-article results).
- ``sqlite`` and ``postgres``: the two backends (PostgreSQL's imports its optional driver,
  and is imported only when a PostgreSQL store is opened).
- ``core``: the connection, transactions and the query helpers every part shares.
- ``articles``: articles and their annotations, written once; lookup and full-text search.
- ``corpus``: cross-article results, replaced whole and read whole.
- ``window``: what regrouping the neighbourhood of new articles reads and writes.
- ``views``: what one page or answer shows, by indexed queries (a page of the story list, a
  story's, an article's or an entity's slice), and the reports kept per story.
- ``remembered``: cached text vectors, HTTP validators of fetched URLs, the failure log.
- ``store``: :class:`Store`, made of those parts (a path opens SQLite, a URL a
  :class:`PostgresStore`), and :class:`StoreWatch`.
"""

from storyline.store.backend import DEFAULT_PATH, POSTGRES_SCHEMES, display_name, is_url
from storyline.store.schema import MIGRATIONS
from storyline.store.store import PostgresStore, Store, StoreWatch

__all__ = [
    "DEFAULT_PATH",
    "MIGRATIONS",
    "POSTGRES_SCHEMES",
    "PostgresStore",
    "Store",
    "StoreWatch",
    "display_name",
    "is_url",
]
