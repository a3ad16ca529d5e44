"""Sending what the outbox holds (``events.outbox``), once per cluster.

Each process runs a deliverer: a periodic sweep (``FLAGSTAFF_WEBHOOKS_SWEEP_SECONDS``), nudged
at once whenever the revision moves (an event was just committed, here or elsewhere). A sweep
claims due entries by writing its name and a claim expiry on them (PostgreSQL skips rows another
process is claiming; SQLite's one writer does the same by itself), sends outside any
transaction, then records the attempt and deletes or reschedules the entry, if its claim still
holds. A process that dies mid-send leaves a claim that lapses: the entry is sent again by
whoever claims it next, so a delivery can repeat (receivers de-duplicate on
``Flagstaff-Delivery``) but is never lost.
"""

from __future__ import annotations

import json
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from flagstaff import __version__
from flagstaff.addons import templates
from flagstaff.addons.addresses import AddressRefusedError, check_resolved
from flagstaff.addons.models import MAX_ERROR, Addon, DeliveryAttempt
from flagstaff.addons.providers import (
    AUTHORIZATION,
    BODY_TEMPLATE,
    CONTENT_TYPE,
    CUSTOM_HEADERS,
    URL,
)
from flagstaff.addons.signing import SIGNATURE_HEADER, Secrets, signature
from flagstaff.config import Settings
from flagstaff.core.db import Database, utcnow
from flagstaff.core.keys import Keys
from flagstaff.core.leases import process_holder
from flagstaff.core.periodic import Periodic
from flagstaff.events.models import Event, OutboxEntry
from flagstaff.events.schemas import event_out
from flagstaff.metrics.instruments import job_failed

log = logging.getLogger(__name__)

BATCH = 20
SENDERS = 4
MAX_BATCHES_PER_SWEEP = 50  # then the sweep ends and the next one goes on
MAX_RESPONSE_BYTES = 64 * 1024  # read of a receiver's answer, then dropped
CLAIM_MARGIN_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Job:
    entry_id: int
    addon_id: int
    event: dict[str, Any]
    attempts: int
    queued_at: datetime
    parameters: dict[str, str]
    secret: str


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None
    duration_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None


class Deliverer:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        keys: Keys,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self._secrets = Secrets(keys)
        self._holder = process_holder()
        self._transport = transport
        self._client: httpx.Client | None = None
        self._pool: ThreadPoolExecutor | None = None
        rounds = math.ceil(BATCH / SENDERS) + 1
        self._claim = timedelta(
            seconds=rounds * settings.webhooks_timeout_seconds + CLAIM_MARGIN_SECONDS
        )
        self._periodic = Periodic(
            "webhook-deliverer", settings.webhooks_sweep_seconds, self._safe_run
        )

    def start(self) -> None:
        # The HTTP client (its TLS context costs milliseconds and memory) opens on the first
        # delivery: most servers have no webhook, and every test starts a server.
        self._periodic.start()

    def _open(self) -> None:
        if self._client is None:
            timeout = self._settings.webhooks_timeout_seconds
            self._client = httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
                trust_env=False,  # no proxy from the environment between us and the receiver
                transport=self._transport,
                headers={"User-Agent": f"Flagstaff-Webhook/{__version__}"},
            )
            self._pool = ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-send")

    def stop(self) -> None:
        self._periodic.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def nudge(self, _revision: object = None) -> None:
        """Look now (from any thread): something may have been queued."""
        self._periodic.nudge()

    def run_once(self) -> int:
        """Deliver what is due; how many attempts were made."""
        made = 0
        for _ in range(MAX_BATCHES_PER_SWEEP):
            if not self._anything_due():
                break
            jobs = self._claim_batch()
            if not jobs:
                break
            outcomes = list(self._sender().map(self._send, jobs))
            for job, outcome in zip(jobs, outcomes, strict=True):
                self._record(job, outcome)
            made += len(jobs)
        return made

    def _safe_run(self) -> None:
        try:
            self.run_once()
        except Exception:
            # The outbox keeps what was not delivered; the next sweep tries again.
            log.exception("the webhook deliverer failed")
            job_failed(self._periodic.name)

    def _sender(self) -> ThreadPoolExecutor:
        self._open()  # on the first delivery, from the sweep's thread (or a test, a command)
        assert self._pool is not None
        return self._pool

    def _due(self, now: datetime) -> list[Any]:
        return [
            OutboxEntry.due_at <= now,
            or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now),
        ]

    def _anything_due(self) -> bool:
        """A read first: most sweeps find nothing, and must not take SQLite's write lock."""
        with self._database.session(write=False) as session:
            found = session.execute(select(OutboxEntry.id).where(*self._due(utcnow())).limit(1))
            return found.first() is not None

    def _claim_batch(self) -> list[Job]:
        now = utcnow()
        with self._database.transaction() as session:
            candidates = session.scalars(
                select(OutboxEntry.id)
                .where(*self._due(now))
                .order_by(OutboxEntry.due_at, OutboxEntry.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not candidates:
                return []
            claimed = session.scalars(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(candidates), *self._due(now))
                .values(claimed_by=self._holder, claimed_until=now + self._claim)
                .returning(OutboxEntry.id)
                .execution_options(synchronize_session=False)
            ).all()
            return self._jobs(session, list(claimed))

    def _jobs(self, session: Session, entry_ids: list[int]) -> list[Job]:
        rows = session.execute(
            select(OutboxEntry, Addon, Event)
            .join(Addon, Addon.id == OutboxEntry.subscription_id)
            .join(Event, Event.id == OutboxEntry.event_id)
            .where(OutboxEntry.id.in_(entry_ids))
            .order_by(OutboxEntry.id)
        ).all()
        return [
            Job(
                entry_id=entry.id,
                addon_id=addon.id,
                event=event_out(event),
                attempts=entry.attempts,
                queued_at=entry.created_at,
                parameters={
                    **addon.parameters,
                    **self._secrets.unseal(addon.sealed_parameters),
                },
                secret=self._secrets.signing_secret(addon.signing_salt),
            )
            for entry, addon, event in rows
        ]

    def _send(self, job: Job) -> Outcome:
        started = time.monotonic()
        status: int | None = None
        try:
            url = job.parameters[URL]
            check_resolved(url, self._settings.webhooks_allow_private_addresses)
            body = self._body(job)
            client = self._client
            assert client is not None
            with client.stream("POST", url, content=body, headers=self._headers(job, body)) as r:
                status = r.status_code
                read = 0
                for chunk in r.iter_bytes():
                    read += len(chunk)
                    if read >= MAX_RESPONSE_BYTES:
                        break
            error = None if 200 <= status < 300 else f"the receiver answered {status}"
        except AddressRefusedError as refused:
            error = f"refused: {refused}"
        except httpx.TimeoutException:
            error = f"no answer within {self._settings.webhooks_timeout_seconds:g} s"
        except httpx.HTTPError as failure:
            error = _describe(failure)
        except (templates.TemplateError, KeyError, ValueError) as failure:
            error = f"cannot build the request: {failure}"
        elapsed = round((time.monotonic() - started) * 1000)
        return Outcome(status, elapsed, error[:MAX_ERROR] if error else None)

    def _body(self, job: Job) -> bytes:
        template = job.parameters.get(BODY_TEMPLATE)
        if template:
            return templates.render(template, {"event": job.event}).encode()
        return json.dumps(job.event, separators=(",", ":")).encode()

    def _headers(self, job: Job, body: bytes) -> dict[str, str]:
        headers: dict[str, str] = {}
        custom = job.parameters.get(CUSTOM_HEADERS)
        if custom:
            headers.update(json.loads(custom))
        if job.parameters.get(AUTHORIZATION):
            headers["Authorization"] = job.parameters[AUTHORIZATION]
        headers["Content-Type"] = job.parameters.get(CONTENT_TYPE) or "application/json"
        headers["Flagstaff-Delivery"] = str(job.entry_id)
        headers["Flagstaff-Event"] = str(job.event["type"])
        headers[SIGNATURE_HEADER] = signature(job.secret, int(time.time()), body)
        return headers

    def _record(self, job: Job, outcome: Outcome) -> None:
        now = utcnow()
        attempt = job.attempts + 1
        retry_at = None if outcome.delivered else self._retry_at(job, attempt, now)
        with self._database.transaction() as session:
            mine = (OutboxEntry.id == job.entry_id, OutboxEntry.claimed_by == self._holder)
            if retry_at is None:
                session.execute(delete(OutboxEntry).where(*mine))
            else:
                session.execute(
                    update(OutboxEntry)
                    .where(*mine)
                    .values(attempts=attempt, due_at=retry_at, claimed_by=None, claimed_until=None)
                    .execution_options(synchronize_session=False)
                )
            if session.get(Addon, job.addon_id) is None:
                return  # deleted while we sent: its log went with it
            session.add(
                DeliveryAttempt(
                    addon_id=job.addon_id,
                    event_id=job.event["id"],
                    delivery_id=job.entry_id,
                    attempt=attempt,
                    created_at=now,
                    state="success" if outcome.delivered else "failed",
                    status_code=outcome.status,
                    duration_ms=outcome.duration_ms,
                    error=outcome.error,
                    retry_at=retry_at,
                )
            )

    def _retry_at(self, job: Job, attempt: int, now: datetime) -> datetime | None:
        """When to try again: the first wait, doubled for each attempt made, at most the
        longest; never after the retry period, counted from when the event was queued."""
        settings = self._settings
        deadline = job.queued_at + timedelta(seconds=settings.webhooks_retry_for_seconds)
        if now >= deadline:
            return None
        wait = min(
            settings.webhooks_retry_first_seconds * 2 ** min(attempt - 1, 30),
            settings.webhooks_retry_longest_seconds,
        )
        return min(now + timedelta(seconds=wait), deadline)


def _describe(failure: httpx.HTTPError) -> str:
    """What went wrong, without the URL (which may carry a secret of the receiver's)."""
    cause: BaseException = failure
    while cause.__cause__ is not None and cause.__cause__ is not cause:
        cause = cause.__cause__
    text = str(cause).splitlines()[0] if str(cause) else ""
    return f"{type(failure).__name__}: {text}" if text else type(failure).__name__
