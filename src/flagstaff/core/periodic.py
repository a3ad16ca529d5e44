"""One daemon thread that runs a job every few seconds until stopped.

The revision poller and the seen-at and metrics flushers all work this way. Starting is
idempotent: a second start while the thread runs is a no-op, so an app whose lifespan is entered
twice (a test client inside another) never leaves a thread that nobody stops, still holding a
database connection when the pool is disposed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flagstaff.metrics.instruments import declare_job, job_failed, job_ran

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, interval: float, job: Callable[[], object]) -> None:
        self.name = name
        self.interval = interval
        self._job = job
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._nudged = threading.Event()
        self._thread: threading.Thread | None = None
        declare_job(name)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            # Fresh ones: a stopped worker can start again.
            self._stop, self._nudged = threading.Event(), threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(self._stop, self._nudged), name=self.name, daemon=True
            )
            self._thread.start()

    def nudge(self) -> None:
        """Run the job now rather than at the end of the interval (from any thread). The job
        still runs only on this worker's thread, which ``stop`` waits for."""
        self._nudged.set()

    def stop(self) -> None:
        """Stop and wait for a job in progress, so nothing uses the database after this."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._nudged.set()
        if thread is not None:
            thread.join(timeout=5)

    def _run(self, stop: threading.Event, nudged: threading.Event) -> None:
        while True:
            nudged.wait(self.interval)
            nudged.clear()
            if stop.is_set():
                return
            started = time.perf_counter()
            try:
                self._job()
            except Exception:
                # The job's owner handles what it expects; anything else is logged and the
                # thread goes on, because what it keeps up to date must not silently stop.
                log.exception("%s failed", self.name)
                job_failed(self.name)
            finally:
                job_ran(self.name, time.perf_counter() - started)
