"""Hearing at once that another process moved the revision, instead of at the next poll.

The watcher's poll (``revision_poll_seconds``, a quarter of a second) bounds how stale a
process can be; a stream to an SDK wants the change within 100 ms wherever it was made. So each
process also listens for the moment another one commits, and then reads the revision at once:

- PostgreSQL: ``bump`` sends ``NOTIFY flagstaff_revision`` inside the changing transaction (it is
  delivered on commit, never for a rollback); one connection per process waits with ``LISTEN``.
- SQLite: every process is on this machine, and SQLite counts commits made through other
  connections (``PRAGMA data_version``, read from the shared WAL index, no file read): one
  connection per process reads that counter every 20 ms, which costs a few microseconds.

Either way the wake only makes the watcher look now; the poll stays, so a lost notification or
a listener that is reconnecting costs at most a poll interval.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from flagstaff.core.db import Database

log = logging.getLogger(__name__)

CHANNEL = "flagstaff_revision"
SQLITE_INTERVAL = 0.02
LISTEN_TIMEOUT = 0.25  # how long one wait for a notification lasts: bounds how long stop takes
RETRY_SECONDS = 1.0


def notify(session: Session) -> None:
    """Inside a changing transaction: tell the other processes when it commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class WakeListener:
    """One daemon thread that calls ``on_wake`` when another connection committed."""

    def __init__(self, database: Database, on_wake: Callable[[], object]) -> None:
        self._database = database
        self._on_wake = on_wake
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        dialect = self._database.engine.dialect.name
        target = {"postgresql": self._listen, "sqlite": self._watch_sqlite}.get(dialect)
        if target is None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=target, args=(self._stop,), name="revision-wake", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """The SQLite watcher is waited for (at most one interval); the PostgreSQL listener
        ends by itself within ``LISTEN_TIMEOUT`` and closes its own connection, which nothing
        else shares, so stopping does not wait for it. ``on_wake`` must only signal (the
        listener may call it once more after this)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and self._database.engine.dialect.name == "sqlite":
            thread.join(timeout=5)

    def _listen(self, stop: threading.Event) -> None:
        # Imported here: psycopg holds about 9 MB a process that runs on SQLite never needs.
        import psycopg

        url = self._database.engine.url.set(drivername="postgresql")
        failing = False
        while not stop.is_set():
            try:
                with psycopg.connect(
                    url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    if failing:
                        log.warning("listening for revision changes again")
                    failing = False
                    self._on_wake()  # whatever was missed while not listening
                    while not stop.is_set():
                        heard = list(connection.notifies(timeout=LISTEN_TIMEOUT, stop_after=1))
                        if heard:
                            self._on_wake()
            except psycopg.Error as error:
                if not failing:
                    log.warning(
                        "cannot listen for revision changes (%s); polling only until it comes back",
                        type(error).__name__,
                    )
                failing = True
                stop.wait(RETRY_SECONDS)

    def _watch_sqlite(self, stop: threading.Event) -> None:
        path = self._database.engine.url.database
        if not path or path == ":memory:":
            return
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error:
            log.warning("cannot watch %s for changes; polling only", path)
            return
        try:
            last = connection.execute("PRAGMA data_version").fetchone()[0]
            while not stop.wait(SQLITE_INTERVAL):
                try:
                    current = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    continue  # busy or locked for a moment: the next look will do
                if current != last:
                    last = current
                    self._on_wake()
        finally:
            connection.close()
