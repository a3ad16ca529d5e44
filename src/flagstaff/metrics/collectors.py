"""What is read only when Prometheus scrapes: the database pool's use."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool


class PoolCollector(Collector):
    """The pool of this process's engine, read at scrape time: nothing is paid per request.
    SQLite on a file uses a queue pool too; a pool without these figures reports nothing."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        pool = self._engine.pool
        if not isinstance(pool, QueuePool):
            return
        yield GaugeMetricFamily(
            "flagstaff_db_pool_checked_out",
            "Database connections in use now (taken from the pool, not yet returned).",
            value=pool.checkedout(),
        )
        yield GaugeMetricFamily(
            "flagstaff_db_pool_size",
            "Connections the pool keeps open (its size, not counting overflow).",
            value=pool.size(),
        )
        yield GaugeMetricFamily(
            "flagstaff_db_pool_overflow",
            "Connections open beyond the pool's size now (negative: fewer than the size are "
            "open yet).",
            value=pool.overflow(),
        )
