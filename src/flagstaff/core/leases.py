"""Leases: which process runs a cluster-wide job. A process that holds the lease of a job runs it
and renews the lease each time; the others skip it until the lease lapses (its holder stopped),
so the job runs once per cluster, not once per process, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import String, or_, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from flagstaff.core.db import Base, UTCDateTime, engine_insert, utcnow


class JobLease(Base):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


def process_holder() -> str:
    """A name for this process, unique across hosts and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(session: Session, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease of ``name`` for ``ttl``, in the caller's transaction. True when
    ``holder`` holds it now; the row lock of the update decides between racing processes."""
    now = utcnow()
    inserted = session.execute(
        engine_insert(session, JobLease)
        .values(name=name, holder=holder, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(JobLease.name)
    ).first()
    if inserted is not None:
        return True
    renewed = session.execute(
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.holder == holder, JobLease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return bool(renewed.rowcount)  # type: ignore[attr-defined]
