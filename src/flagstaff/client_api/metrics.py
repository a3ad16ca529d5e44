"""SDK metrics and registrations: counted in memory per (flag, application, environment, hour)
and written in one batched upsert every few seconds (and at shutdown), so a burst of SDK traffic
costs no database write per request. Counts add up across processes: every flush is an
``INSERT … ON CONFLICT DO UPDATE SET yes = yes + excluded.yes``."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from flagstaff.client_api.models import ClientInstance, ClientMetric, ClientMetricVariant
from flagstaff.client_api.schemas import ClientMetricsIn, ClientRegistrationIn, moment
from flagstaff.db import Database, utcnow
from flagstaff.flags.models import Feature

log = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
CHUNK = 500
# At most this many distinct keys wait in memory; past it the oldest batch is flushed early.
MAX_PENDING_KEYS = 50_000

MetricKey = tuple[str, str, str, datetime]  # feature, app, environment, hour


@dataclass
class Counts:
    yes: int = 0
    no: int = 0
    variants: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Registration:
    app_name: str
    instance_id: str
    environment: str
    sdk_version: str | None
    strategies: list[str]
    interval: int
    started_at: datetime


def hour_of(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


class MetricsBuffer:
    def __init__(self, database: Database, interval_seconds: float = FLUSH_SECONDS) -> None:
        self._database = database
        self._interval = interval_seconds
        self._metrics: dict[MetricKey, Counts] = {}
        self._registrations: dict[tuple[str, str, str], tuple[Registration, datetime]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add_metrics(self, body: ClientMetricsIn, environment: str) -> None:
        bucket = body.bucket
        if bucket is None:
            return
        hour = hour_of(moment(bucket.start))
        with self._lock:
            for name, toggle in bucket.toggles.items():
                variants = toggle.variants or {}
                if not (toggle.yes or toggle.no or any(variants.values())):
                    continue
                counts = self._metrics.setdefault(
                    (name, body.app_name, environment, hour), Counts()
                )
                counts.yes += toggle.yes
                counts.no += toggle.no
                counts.variants.update(variants)
            crowded = len(self._metrics) > MAX_PENDING_KEYS
        if crowded:
            self.safe_flush()

    def add_registration(self, body: ClientRegistrationIn, environment: str) -> None:
        registration = Registration(
            app_name=body.app_name,
            instance_id=body.instance_id or "default",
            environment=environment,
            sdk_version=body.sdk_version,
            strategies=list(body.strategies),
            interval=int(body.interval),
            started_at=moment(body.started),
        )
        key = (registration.app_name, registration.instance_id, environment)
        with self._lock:
            self._registrations[key] = (registration, utcnow())

    def flush(self) -> int:
        """Write what is pending; returns how many metric rows were written."""
        with self._lock:
            metrics, self._metrics = self._metrics, {}
            registrations, self._registrations = self._registrations, {}
        if not metrics and not registrations:
            return 0
        with self._database.transaction() as session:
            written = _write_metrics(session, metrics)
            _write_registrations(session, list(registrations.values()))
        return written

    def safe_flush(self) -> None:
        try:
            self.flush()
        except Exception:
            # Usage counts are advisory: a failed batch is logged, never a failed request.
            log.exception("client metrics flush failed")

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="metrics-flusher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.safe_flush()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.safe_flush()


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _insert(session: Session, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _known_flags(session: Session, names: set[str]) -> set[str]:
    """Metrics of flags that do not exist are dropped: SDKs must not fill the table with
    names of their choosing."""
    known: set[str] = set()
    ordered = sorted(names)
    for chunk in _chunks(ordered):
        known.update(session.scalars(select(Feature.name).where(Feature.name.in_(chunk))))
    return known


def _write_metrics(session: Session, metrics: dict[MetricKey, Counts]) -> int:
    known = _known_flags(session, {key[0] for key in metrics})
    rows = [
        {
            "feature_name": name,
            "app_name": app,
            "environment": environment,
            "timestamp": hour,
            "yes": counts.yes,
            "no": counts.no,
        }
        for (name, app, environment, hour), counts in sorted(metrics.items())
        if name in known
    ]
    variant_rows = [
        {
            "feature_name": name,
            "app_name": app,
            "environment": environment,
            "timestamp": hour,
            "variant": variant,
            "count": count,
        }
        for (name, app, environment, hour), counts in sorted(metrics.items())
        if name in known
        for variant, count in sorted(counts.variants.items())
        if count
    ]
    metric_table = ClientMetric.__table__
    variant_table = ClientMetricVariant.__table__
    assert isinstance(metric_table, Table)
    assert isinstance(variant_table, Table)
    for chunk in _chunks(rows):
        statement = _insert(session, metric_table).values(list(chunk))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["feature_name", "app_name", "environment", "timestamp"],
                set_={
                    "yes": metric_table.c.yes + statement.excluded.yes,
                    "no": metric_table.c.no + statement.excluded.no,
                },
            )
        )
    for chunk in _chunks(variant_rows):
        statement = _insert(session, variant_table).values(list(chunk))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["feature_name", "app_name", "environment", "timestamp", "variant"],
                set_={"count": variant_table.c.count + statement.excluded.count},
            )
        )
    return len(rows)


def _write_registrations(
    session: Session, registrations: list[tuple[Registration, datetime]]
) -> None:
    table = ClientInstance.__table__
    assert isinstance(table, Table)
    rows = [
        {
            "app_name": r.app_name,
            "instance_id": r.instance_id,
            "environment": r.environment,
            "sdk_version": r.sdk_version,
            "strategies": r.strategies,
            "interval": r.interval,
            "started_at": r.started_at,
            "created_at": seen,
            "last_seen_at": seen,
        }
        for r, seen in sorted(registrations, key=lambda item: item[0].app_name)
    ]
    for chunk in _chunks(rows):
        statement = _insert(session, table).values(list(chunk))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["app_name", "instance_id", "environment"],
                set_={
                    "sdk_version": statement.excluded.sdk_version,
                    "strategies": statement.excluded.strategies,
                    "interval": statement.excluded.interval,
                    "started_at": statement.excluded.started_at,
                    "last_seen_at": statement.excluded.last_seen_at,
                },
            )
        )
