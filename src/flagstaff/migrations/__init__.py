"""Alembic migrations, one file per schema change, and the registry of every table
(``tables``) that Alembic and the migration test compare against."""
