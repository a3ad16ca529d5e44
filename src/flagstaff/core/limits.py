"""Fixed-window rate limits that every process counts together: one row per key and window in
the database, incremented in one statement, so a client cannot multiply its allowance by the
number of server processes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from flagstaff.core.db import Base, UTCDateTime, engine_insert, utcnow


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


def take(session: Session, key: str, limit: int, window: timedelta) -> bool:
    """Count one use of ``key`` in the current window; False once ``limit`` uses are spent."""
    now = utcnow()
    start = datetime.fromtimestamp(
        now.timestamp() // window.total_seconds() * window.total_seconds(), tz=now.tzinfo
    )
    insert = engine_insert(session, RateLimitWindow).values(key=key, window_start=start, count=1)
    counted = session.execute(
        insert.on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": RateLimitWindow.count + 1},
        ).returning(RateLimitWindow.count)
    ).scalar_one()
    # Old windows go as new ones start: one indexed delete, no scheduler.
    session.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < start - window))
    return int(counted) <= limit
