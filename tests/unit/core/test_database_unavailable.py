"""``is_unavailable``: which database errors mean "try again later" (a 503), on real databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from flagstaff.core.db import Database, describe_unavailable, is_unavailable
from tests.db import on_postgres

UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=5"


def _error_of(database: Database, statement: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised, database.engine.connect() as connection:
        connection.execute(text(statement))
    return raised.value


def unreachable_url(tmp_path: Path) -> str:
    if on_postgres():
        return UNREACHABLE_POSTGRES  # nothing listens on port 1
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'flagstaff.db'}"


def test_is_unavailable__database_unreachable__true(tmp_path: Path) -> None:
    database = Database(unreachable_url(tmp_path))
    try:
        error = _error_of(database, "SELECT 1")
    finally:
        database.dispose()

    assert is_unavailable(error)
    assert describe_unavailable(error).startswith("OperationalError: ")


def test_is_unavailable__missing_table__false(empty_database: Database) -> None:
    error = _error_of(empty_database, "SELECT * FROM no_such_table")

    assert not is_unavailable(error)


def test_is_unavailable__constraint_broken__false(empty_database: Database) -> None:
    with empty_database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t (id) VALUES (1)"))

    error = _error_of(empty_database, "INSERT INTO t (id) VALUES (1)")

    assert not is_unavailable(error)


def test_is_unavailable__not_a_database_error__false() -> None:
    assert not is_unavailable(ValueError("database is locked"))


@pytest.mark.skipif(on_postgres(), reason="SQLite's writer lock")
def test_is_unavailable__sqlite_writer_lock_held_past_the_busy_timeout__true(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (id INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(text("INSERT INTO t (id) VALUES (1)"))
    finally:
        engine.dispose()
        holder.close()

    assert is_unavailable(raised.value)
    assert describe_unavailable(raised.value) == "OperationalError: database is locked"
