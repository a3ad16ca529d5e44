"""Test databases: SQLite by default, PostgreSQL when FLAGSTAFF_TEST_DATABASE_URL says so.

Every test gets an empty, migrated database. SQLite: a copy of a template file migrated once.
PostgreSQL: one schema per xdist worker, migrated once and truncated before each test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from flagstaff import bootstrap, migrate
from flagstaff.db import Base, Database

POSTGRES_URL = os.environ.get("FLAGSTAFF_TEST_DATABASE_URL", "")


def on_postgres() -> bool:
    return POSTGRES_URL.startswith("postgres")


def worker_schema() -> str:
    # The pid keeps concurrent test runs (two developers, or CI beside a developer) apart.
    return f"fs_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def drop_schema(schema: str) -> None:
    engine = create_engine(postgres_url("public"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def postgres_url(schema: str) -> str:
    base = POSTGRES_URL
    for prefix in ("postgres://", "postgresql://"):
        if base.startswith(prefix):
            base = "postgresql+psycopg://" + base[len(prefix) :]
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def create_schema(schema: str) -> None:
    engine = create_engine(postgres_url("public"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


class TemplateDatabase:
    """Migrated once per test session; ``fresh()`` gives a clean copy for one test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        if on_postgres():
            self.schema = worker_schema()
            create_schema(self.schema)
            self.url = postgres_url(self.schema)
        else:
            self.template = workdir / "template.db"
            self.url = f"sqlite:///{self.template}"
        database = Database(self.url)
        migrate.upgrade(database)
        with database.transaction() as session:
            bootstrap.sync_predefined_roles(session)
        database.dispose()

    def close(self) -> None:
        if on_postgres():
            drop_schema(self.schema)

    def fresh(self, target_dir: Path) -> str:
        if not on_postgres():
            target = target_dir / "flagstaff.db"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        self._truncate()
        return self.url

    def _truncate(self) -> None:
        database = Database(self.url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            connection.execute(text("INSERT INTO revision (id, value) VALUES (1, 0)"))
        with database.transaction() as session:
            bootstrap.sync_predefined_roles(session)
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('roles', 'id'), "
                    "(SELECT max(id) FROM roles))"
                )
            )
        database.dispose()
