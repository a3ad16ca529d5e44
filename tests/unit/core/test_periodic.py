"""The background worker behind the revision poller and the seen-at and metrics flushers."""

from __future__ import annotations

import threading
import time

from flagstaff.core.periodic import Periodic


def threads_named(name: str) -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == name]


def test_start_twice__one_thread_and_one_stop_ends_it() -> None:
    worker = Periodic("periodic-twice", 0.01, lambda: None)

    worker.start()
    worker.start()  # a second lifespan over the same app
    assert len(threads_named("periodic-twice")) == 1

    worker.stop()
    assert threads_named("periodic-twice") == []
    assert not worker.running


def test_stop__waits_for_the_job_in_progress() -> None:
    started, finished = threading.Event(), threading.Event()

    def slow_job() -> None:
        started.set()
        time.sleep(0.2)
        finished.set()

    worker = Periodic("periodic-slow", 0.01, slow_job)
    worker.start()
    assert started.wait(2)

    worker.stop()

    assert finished.is_set()  # nothing still holds the database once stop returns


def test_a_failing_job__logged_and_the_thread_goes_on() -> None:
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first run fails")

    worker = Periodic("periodic-flaky", 0.01, flaky)
    worker.start()
    deadline = time.monotonic() + 2
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.stop()

    assert len(calls) >= 3


def test_stopped_worker__starts_again() -> None:
    ran = threading.Event()
    worker = Periodic("periodic-again", 0.01, ran.set)
    worker.start()
    worker.stop()
    ran.clear()

    worker.start()

    assert ran.wait(2)
    worker.stop()
