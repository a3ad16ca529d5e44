"""``metrics.tally``: updates made on the bound loop's thread wait for ``flush`` and then read as
prometheus_client's own ``inc``/``observe`` would have made them; any other thread's go through at
once."""

from __future__ import annotations

import asyncio
import threading

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from flagstaff.metrics import tally

pytestmark = pytest.mark.engine_independent

BUCKETS = (0.001, 0.01, 0.1)
VALUES = (0.0005, 0.001, 0.002, 0.01, 0.05, 0.1, 0.5, 7.0, 0.0)


def _pair() -> tuple[CollectorRegistry, Counter, Histogram]:
    registry = CollectorRegistry()
    counter = Counter("t_requests", "t", ("route",), registry=registry)
    histogram = Histogram("t_seconds", "t", ("route",), buckets=BUCKETS, registry=registry)
    return registry, counter, histogram


def test_on_the_loop__deferred_until_flush__then_as_observe_makes_them() -> None:
    tallied, counter, histogram = _pair()
    direct, direct_counter, direct_histogram = _pair()
    for value in VALUES:
        direct_counter.labels("/a").inc()
        direct_histogram.labels("/a").observe(value)
    direct_counter.labels("/b").inc(250)

    async def on_the_loop() -> tuple[bytes, bytes]:
        tally.bind_to_running_loop()
        try:
            for value in VALUES:
                tally.inc(counter.labels("/a"))
                tally.observe(histogram.labels("/a"), value)
            tally.inc(counter.labels("/b"), 250)
            before = generate_latest(tallied)
            tally.flush()
            return before, generate_latest(tallied)
        finally:
            tally.unbind()

    before, after = asyncio.run(on_the_loop())

    assert b't_requests_total{route="/a"} 0.0' in before
    assert b't_seconds_count{route="/a"} 0.0' in before
    assert after == generate_latest(direct)


def test_on_the_loop__timer__flushes_within_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally, "FLUSH_SECONDS", 0.01)
    registry, counter, _ = _pair()

    async def on_the_loop() -> float | None:
        tally.bind_to_running_loop()
        try:
            tally.inc(counter.labels("/a"), 3)
            await asyncio.sleep(0.2)
            return registry.get_sample_value("t_requests_total", {"route": "/a"})
        finally:
            tally.unbind()

    assert asyncio.run(on_the_loop()) == 3


def test_other_thread__applied_at_once() -> None:
    registry, counter, histogram = _pair()

    async def on_the_loop() -> list[float | None]:
        tally.bind_to_running_loop()
        try:

            def elsewhere() -> None:
                tally.inc(counter.labels("/a"))
                tally.observe(histogram.labels("/a"), 0.05)

            worker = threading.Thread(target=elsewhere)
            worker.start()
            worker.join()
            return [
                registry.get_sample_value("t_requests_total", {"route": "/a"}),
                registry.get_sample_value("t_seconds_bucket", {"route": "/a", "le": "0.1"}),
            ]
        finally:
            tally.unbind()

    assert asyncio.run(on_the_loop()) == [1, 1]
