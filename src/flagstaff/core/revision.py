"""The revision: one counter that every change bumps and every process polls.

Each process caches what it can rebuild from the database (resolved credentials, Client API
payloads). A change writes its event and bumps the counter in the same transaction; a background
thread in each process polls the counter and drops the caches when it moves, so a revocation made
through one process is honoured by all of them within a poll interval; ``core.wake`` makes them
look at once when another process commits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import BigInteger, Integer, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from flagstaff.core import wake
from flagstaff.core.db import Base, Database
from flagstaff.core.periodic import Periodic
from flagstaff.metrics.instruments import REVISION, REVISION_LAG, job_failed

log = logging.getLogger(__name__)

SESSION_BUMPED = "flagstaff.revision_bumped"


class Revision(Base):
    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


def bump(session: Session) -> None:
    """Move the revision inside the caller's transaction.

    The row lock this takes orders concurrent writers, so revisions become visible in commit
    order (unlike ``max(events.id)``, which a slower transaction can fill in later).
    """
    session.execute(update(Revision).where(Revision.id == 1).values(value=Revision.value + 1))
    # Other processes look at once when this commits (core.wake); PostgreSQL delivers a
    # notification sent twice in one transaction once.
    wake.notify(session)
    session.info[SESSION_BUMPED] = True


def read(session: Session) -> int:
    return session.execute(select(Revision.value).where(Revision.id == 1)).scalar_one()


Listener = Callable[[int], None]


class RevisionWatcher:
    """Polls the revision and tells listeners when it moves."""

    def __init__(self, database: Database, interval: float) -> None:
        self._database = database
        self._interval = interval
        self._listeners: list[Listener] = []
        # Held across read-and-notify: reads then happen one after another, so a slow read can
        # never put an older value back after a newer one has been announced.
        self._lock = threading.RLock()  # re-entrant: a listener may itself ask for a check
        self._poller = Periodic("revision-watcher", interval, self.check_now)
        # Another process committed: the poller looks now (on its own thread, which stop()
        # waits for, so no database work outlives the watcher).
        self._wake = wake.WakeListener(database, self._poller.nudge)
        self._failing = False
        self._read_at: float | None = None  # monotonic time of the last successful read
        self.current = -1

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def check_now(self) -> int:
        """Read the revision once; listeners run if it moved. Safe from any thread.

        A database error is logged and the last known value returned: callers (a request that
        just committed, the poller) must not fail because the revision could not be read now;
        the next poll catches up.
        """
        with self._lock:
            try:
                with self._database.session(write=False) as session:
                    value = read(session)
            except SQLAlchemyError:
                self._log_failure()
                job_failed(self._poller.name)
                if self._read_at is not None:
                    REVISION_LAG.set(time.monotonic() - self._read_at)
                return self.current
            self._log_recovery()
            self._read_at = time.monotonic()
            REVISION_LAG.set(0)
            if value != self.current:
                self.current = value
                self._notify(value)
                REVISION.set(value)
            return value

    def _notify(self, value: int) -> None:
        for listener in list(self._listeners):
            try:
                listener(value)
            except Exception:
                # One broken listener must not keep the others (cache invalidation) from running.
                log.exception("revision listener %r failed", listener)

    def _log_failure(self) -> None:
        if not self._failing:
            log.exception("revision poll failed; retrying every %.2fs", self._interval)
        self._failing = True

    def _log_recovery(self) -> None:
        if self._failing:
            log.warning("revision poll recovered")
        self._failing = False

    def start(self) -> None:
        self.check_now()
        self._poller.start()
        self._wake.start()

    def stop(self) -> None:
        self._wake.stop()
        self._poller.stop()
