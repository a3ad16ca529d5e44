"""Running migrations at start, under a lock, so that several processes can start at once."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from flagstaff.core.db import Database
from flagstaff.core.errors import FlagstaffError

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
# Any fixed 32-bit number; every Flagstaff process uses the same one.
ADVISORY_LOCK_KEY = 0x466C6167  # "Flag"


if TYPE_CHECKING:
    from alembic.config import Config


class MigrationError(FlagstaffError):
    """A migration left the database in a state it must not be committed in."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def migration_lock(database: Database, lock_dir: Path) -> Iterator[None]:
    """PostgreSQL: an advisory lock. SQLite: a file lock beside the database file (in
    ``lock_dir`` for a database without a file)."""
    if database.is_sqlite:
        with _file_lock(_sqlite_lock_path(database, lock_dir)):
            yield
        return
    with database.engine.connect() as connection:
        connection.execute(text(f"SELECT pg_advisory_lock({_LOCK_KEYS})"), _LOCK_KEY)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text(f"SELECT pg_advisory_unlock({_LOCK_KEYS})"), _LOCK_KEY)
            connection.commit()


# Keyed by schema too: installations that share a database in separate schemas do not wait
# for each other.
_LOCK_KEYS = ":key, hashtext(coalesce(current_schema(), ''))"
_LOCK_KEY = {"key": ADVISORY_LOCK_KEY}


def _sqlite_lock_path(database: Database, lock_dir: Path) -> Path:
    name = database.engine.url.database
    if name and name != ":memory:" and not name.startswith("file:"):
        return Path(name).with_name(Path(name).name + ".migrate-lock")
    return lock_dir / ".migrate.lock"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def migration_connection(database: Database) -> Iterator[Connection]:
    """A connection in one transaction (on SQLite holding the write lock from the start),
    committed when the block ends without error.

    On SQLite, foreign keys are off for the duration: Alembic's batch mode copies a table and
    drops the original, and with foreign keys on, that DROP would run the ``ON DELETE CASCADE``
    of every referencing row. The pragma is a no-op inside a transaction, so it is set on the
    raw connection before the transaction begins; the keys are checked before commit.
    """
    with database.engine.connect() as connection:
        if not database.is_sqlite:
            with connection.begin():
                yield connection
            return
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.execution_options(write=True).begin():
                yield connection
                _check_foreign_keys(connection)
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        tables = sorted({str(row[0]) for row in violations})
        raise MigrationError(f"migration left rows with broken foreign keys in {tables}")


def upgrade(database: Database, revision: str = "heads") -> None:
    if revision == "heads" and current_revision(database) == head_revision():
        # Nothing to do, and nothing of Alembic loaded: it holds about 10 MB in a server
        # process that would never use it again (every start of an up-to-date database).
        return
    from alembic import command

    with migration_connection(database) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(database: Database, revision: str) -> None:
    from alembic import command

    with migration_connection(database) as connection:
        command.downgrade(alembic_config(connection), revision)


def head_revision() -> str:
    """The newest migration's id, read from the file names without loading Alembic: each id is
    its file's four-digit prefix and each file follows the one before (tests/test_migrations.py
    holds every migration to both)."""
    versions = (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    return max(path.name[:4] for path in versions)


def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for a database never migrated (or one Alembic
    could not describe with a single row, which ``upgrade`` then leaves to Alembic)."""
    with database.engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError:
            return None  # no such table yet
    return str(rows[0][0]) if len(rows) == 1 else None
