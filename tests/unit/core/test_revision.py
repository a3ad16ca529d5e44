from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from flagstaff.core import revision
from flagstaff.core.db import Database
from flagstaff.core.revision import RevisionWatcher
from flagstaff.http.context import AppContext

POLL = 0.02


@pytest.fixture
def database(context: AppContext) -> Database:
    return context.database


@pytest.fixture
def watcher(database: Database) -> Iterator[RevisionWatcher]:
    watcher = RevisionWatcher(database, POLL)
    yield watcher
    watcher.stop()


class Heard:
    """A listener that remembers what it was told and lets a test wait for a value."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self._changed = threading.Condition()

    def __call__(self, value: int) -> None:
        with self._changed:
            self.values.append(value)
            self._changed.notify_all()

    def wait_for(self, value: int, timeout: float = 3.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: value in self.values, timeout)


class LogSeen(logging.Handler):
    """Keeps what a logger says, and signals when a message containing ``needle`` arrives."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        self.needle = needle
        self.event = threading.Event()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if self.needle in record.getMessage():
            self.event.set()


def _bump(database: Database) -> None:
    with database.transaction() as session:
        revision.bump(session)


def _current(database: Database) -> int:
    with database.session(write=False) as session:
        return revision.read(session)


def test_bump__committed__listeners_hear_the_new_value(
    database: Database, watcher: RevisionWatcher
) -> None:
    heard = Heard()
    watcher.subscribe(heard)
    before = watcher.check_now()

    _bump(database)
    after = watcher.check_now()

    assert after == before + 1
    assert heard.values == [before, after]


def test_bump__rolled_back__listeners_hear_nothing_new(
    database: Database, watcher: RevisionWatcher
) -> None:
    heard = Heard()
    watcher.subscribe(heard)
    before = watcher.check_now()

    def change_that_fails_after_its_bump() -> None:
        with database.transaction() as session:
            revision.bump(session)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change_that_fails_after_its_bump()
    watcher.check_now()

    assert heard.values == [before]


def test_watcher__running__hears_a_bump_made_elsewhere(
    database: Database, watcher: RevisionWatcher
) -> None:
    heard = Heard()
    watcher.subscribe(heard)
    watcher.start()
    before = watcher.current

    _bump(database)

    assert heard.wait_for(before + 1)


def test_watcher__one_listener_raises__the_others_still_hear(
    database: Database, watcher: RevisionWatcher, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_value: int) -> None:
        raise ValueError("listener bug")

    heard = Heard()
    watcher.subscribe(broken)
    watcher.subscribe(heard)

    value = watcher.check_now()

    assert heard.values == [value]
    assert "listener" in caplog.text


def test_watcher__database_error_in_a_poll__logged_once_and_polling_resumes(
    database: Database, watcher: RevisionWatcher
) -> None:
    heard = Heard()
    watcher.subscribe(heard)
    watcher.start()
    before = watcher.current
    log = LogSeen("revision poll failed")
    logging.getLogger("flagstaff.core.revision").addHandler(log)
    try:
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE revision RENAME TO revision_away"))
        try:
            assert log.event.wait(3), "the poll did not fail"
            threading.Event().wait(10 * POLL)  # several more failing polls
        finally:
            with database.engine.begin() as connection:
                connection.execute(text("ALTER TABLE revision_away RENAME TO revision"))

        _bump(database)

        assert heard.wait_for(before + 1)
    finally:
        logging.getLogger("flagstaff.core.revision").removeHandler(log)
    assert [m for m in log.messages if "revision poll failed" in m] == [log.messages[0]]
    assert any("recovered" in m for m in log.messages)


def test_watcher__stopped_and_started_again__polls_again(
    database: Database, watcher: RevisionWatcher
) -> None:
    heard = Heard()
    watcher.subscribe(heard)
    watcher.start()
    watcher.stop()
    watcher.start()
    before = watcher.current

    _bump(database)

    assert heard.wait_for(before + 1)
    assert before + 1 == _current(database)
