"""Running migrations at start, under a lock, so that several processes can start at once."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from flagstaff.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed 64-bit number; every Flagstaff process uses the same one.
ADVISORY_LOCK_KEY = 0x466C6167  # "Flag"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def migration_lock(database: Database, lock_dir: Path) -> Iterator[None]:
    """PostgreSQL: an advisory lock. SQLite: a file lock beside the database."""
    if database.is_sqlite:
        lock_dir.mkdir(parents=True, exist_ok=True)
        with (lock_dir / ".migrate.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with database.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()


def upgrade(database: Database, revision: str = "heads") -> None:
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
