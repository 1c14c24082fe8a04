"""STORE: SQLite by default, PostgreSQL by URL; one schema, migrations in code."""
