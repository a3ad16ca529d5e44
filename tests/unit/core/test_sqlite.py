"""SQLite as Flagstaff configures it: WAL, foreign keys, a busy timeout, and write transactions
that take the write lock when they begin."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from flagstaff.core.db import SQLITE_BUSY_TIMEOUT_MS, Database
from tests.db import on_postgres

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite behaviour")

METADATA = MetaData()
COUNTER = Table("counter", METADATA, Column("id", Integer, primary_key=True), Column("n", Integer))
PARENT = Table("parent", METADATA, Column("id", Integer, primary_key=True))
CHILD = Table(
    "child",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("parent_id", ForeignKey("parent.id", ondelete="CASCADE"), nullable=False),
)


@pytest.fixture
def database(empty_database: Database) -> Database:
    METADATA.create_all(empty_database.engine)
    with empty_database.transaction() as session:
        session.execute(insert(COUNTER).values(id=1, n=0))
    return empty_database


def _pragma(session: Session, name: str) -> object:
    return session.execute(text(f"PRAGMA {name}")).scalar_one()


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_sqlite_session__any_kind__wal_foreign_keys_and_busy_timeout(
    database: Database, write: bool
) -> None:
    with database.session(write=write) as session:
        assert _pragma(session, "journal_mode") == "wal"
        assert _pragma(session, "foreign_keys") == 1
        assert _pragma(session, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS


def test_sqlite__row_pointing_nowhere__refused_by_foreign_key(database: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), database.transaction() as session:
        session.execute(insert(CHILD).values(id=1, parent_id=42))


def _read(session: Session) -> int:
    return session.execute(select(COUNTER.c.n).where(COUNTER.c.id == 1)).scalar_one()


def _write(session: Session, value: int) -> None:
    session.execute(update(COUNTER).where(COUNTER.c.id == 1).values(n=value))


def _run_together(*targets: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "a transaction hung"
    return errors


def _race(database: Database, *, write: bool) -> tuple[list[BaseException], dict[str, float]]:
    """Two read-then-write transactions; the second begins while the first holds its read."""
    first_has_read = threading.Event()
    second_began = threading.Event()
    seen: dict[str, float] = {}

    def first() -> None:
        with database.session(write=write) as session, session.begin():
            value = _read(session)
            first_has_read.set()
            second_began.wait(5)
            time.sleep(0.3)  # the second is now waiting for the write lock, or has read
            _write(session, value + 1)

    def second() -> None:
        first_has_read.wait(5)
        started = time.monotonic()
        with database.session(write=write) as session, session.begin():
            # The transaction itself begins with the first statement, just below.
            second_began.set()
            seen["value"] = _read(session)
            seen["waited"] = time.monotonic() - started
            _write(session, int(seen["value"]) + 1)

    return _run_together(first, second), seen


def test_write_sessions__concurrent_read_then_write__second_waits_and_both_succeed(
    database: Database,
) -> None:
    errors, seen = _race(database, write=True)

    assert errors == []
    assert seen["value"] == 1  # it read after the first committed: it waited
    assert seen["waited"] >= 0.2
    with database.session(write=False) as session:
        assert _read(session) == 2


def test_deferred_sessions__concurrent_read_then_write__database_is_locked(
    database: Database,
) -> None:
    """Why write sessions begin IMMEDIATE: plain BEGIN loses this race however long it waits."""
    errors, _ = _race(database, write=False)

    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError)
    assert "database is locked" in str(errors[0])


def test_read_session__while_a_write_transaction_is_open__reads_without_waiting(
    database: Database,
) -> None:
    with database.session(write=True) as writer, writer.begin():
        _write(writer, 5)
        started = time.monotonic()
        with database.session(write=False) as reader:
            assert _read(reader) == 0
        assert time.monotonic() - started < 1
