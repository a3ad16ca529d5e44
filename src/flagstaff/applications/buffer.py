"""SDK metrics and registrations: counted in memory per (flag, application, environment, hour)
and written in one batched upsert every few seconds (and at shutdown), so a burst of SDK traffic
costs no database write per request. The applications named are created in the same batch
(``applications.service.register_seen``). Counts add up across processes: every flush is an
``INSERT … ON CONFLICT DO UPDATE SET yes = yes + excluded.yes``. The same batch records the
lifecycle stages the metrics reveal (``flags.features.lifecycle.enter_seen``): still no read per
request."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.applications.models import ClientInstance
from flagstaff.applications.reports import (
    BulkMetricsIn,
    ClientMetricsIn,
    ClientRegistrationIn,
    moment,
)
from flagstaff.applications.service import register_seen
from flagstaff.core.db import Database, batches, engine_insert, utcnow
from flagstaff.core.periodic import Periodic
from flagstaff.flags.features import lifecycle
from flagstaff.flags.features.models import Feature
from flagstaff.flags.metrics.models import ClientMetric, ClientMetricVariant
from flagstaff.metrics.instruments import job_failed

log = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
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
        self._metrics: dict[MetricKey, Counts] = {}
        self._registrations: dict[tuple[str, str, str], tuple[Registration, datetime]] = {}
        self._applications: set[str] = set()  # names seen; created in client_applications
        self._lock = threading.Lock()
        self._flusher = Periodic("metrics-flusher", interval_seconds, self.safe_flush)

    def add_metrics(self, body: ClientMetricsIn, environment: str) -> None:
        bucket = body.bucket
        with self._lock:
            self._applications.add(body.app_name)
            if bucket is not None:
                hour = hour_of(moment(bucket.start))
                for name, toggle in bucket.toggles.items():
                    key = (name, body.app_name, environment, hour)
                    self._count(key, toggle.yes, toggle.no, toggle.variants)
            crowded = self._crowded()
        if crowded:
            self.safe_flush()

    def add_bulk(self, body: BulkMetricsIn, environment: str) -> None:
        """Edge's batch. As Unleash, metrics of another environment than the token's are
        dropped; so are registrations, which Unleash would file under the environment the
        body names: a token's environment bounds everything it writes."""
        now = utcnow()
        with self._lock:
            for app in body.applications:
                if app.environment != environment:
                    continue
                registration = Registration(
                    app_name=app.app_name,
                    instance_id=app.instance_id,
                    environment=environment,
                    sdk_version=app.sdk_version,
                    strategies=list(app.strategies),
                    interval=int(app.interval),
                    started_at=moment(app.started) if app.started is not None else now,
                )
                self._registrations[(app.app_name, app.instance_id, environment)] = (
                    registration,
                    now,
                )
                self._applications.add(app.app_name)
            for metric in body.metrics:
                if metric.environment != environment:
                    continue
                hour = hour_of(moment(metric.timestamp) if metric.timestamp is not None else now)
                key = (metric.feature_name, metric.app_name, environment, hour)
                self._count(key, metric.yes, metric.no, metric.variants)
                self._applications.add(metric.app_name)
            crowded = self._crowded()
        if crowded:
            self.safe_flush()

    def _count(self, key: MetricKey, yes: int, no: int, variants: dict[str, int] | None) -> None:
        """Call with the lock held."""
        variants = variants or {}
        if not (yes or no or any(variants.values())):
            return
        counts = self._metrics.setdefault(key, Counts())
        counts.yes += yes
        counts.no += no
        counts.variants.update(variants)

    def _crowded(self) -> bool:
        return (
            len(self._metrics) + len(self._registrations) + len(self._applications)
            > MAX_PENDING_KEYS
        )

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
            self._applications.add(registration.app_name)
            crowded = self._crowded()
        if crowded:
            self.safe_flush()

    def flush(self) -> int:
        """Write what is pending; returns how many metric rows were written."""
        with self._lock:
            metrics, self._metrics = self._metrics, {}
            registrations, self._registrations = self._registrations, {}
            applications, self._applications = self._applications, set()
        if not metrics and not registrations and not applications:
            return 0
        with self._database.transaction() as session:
            written = _write_metrics(session, metrics)
            # Flags first seen in an environment move on in their lifecycle (pre-live, live).
            lifecycle.enter_seen(session, {(name, env) for name, _, env, _ in metrics})
            _write_registrations(session, list(registrations.values()))
            register_seen(session, applications)
        return written

    def safe_flush(self) -> None:
        try:
            self.flush()
        except Exception:
            # Usage counts are advisory: a failed batch is logged, never a failed request.
            log.exception("client metrics flush failed")
            job_failed(self._flusher.name)

    def start(self) -> None:
        self._flusher.start()

    def stop(self) -> None:
        self._flusher.stop()
        self.safe_flush()


def _known_flags(session: Session, names: set[str]) -> set[str]:
    """Metrics of flags that do not exist are dropped: SDKs must not fill the table with
    names of their choosing."""
    known: set[str] = set()
    ordered = sorted(names)
    for chunk in batches(ordered):
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
    for chunk in batches(rows):
        statement = engine_insert(session, ClientMetric).values(list(chunk))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["feature_name", "app_name", "environment", "timestamp"],
                set_={
                    "yes": ClientMetric.yes + statement.excluded.yes,
                    "no": ClientMetric.no + statement.excluded.no,
                },
            )
        )
    for chunk in batches(variant_rows):
        statement = engine_insert(session, ClientMetricVariant).values(list(chunk))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["feature_name", "app_name", "environment", "timestamp", "variant"],
                set_={"count": ClientMetricVariant.count + statement.excluded.count},
            )
        )
    return len(rows)


def _write_registrations(
    session: Session, registrations: list[tuple[Registration, datetime]]
) -> None:
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
    for chunk in batches(rows):
        statement = engine_insert(session, ClientInstance).values(list(chunk))
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
