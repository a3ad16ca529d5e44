from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

import flagstaff.migrations.tables
from flagstaff.core.db import Database, UTCDateTime

STAMPS = Table(
    "stamps",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=True),
)
INDIA = timezone(timedelta(hours=5, minutes=30))
HAWAII = timezone(timedelta(hours=-10))


@pytest.fixture
def database(empty_database: Database) -> Database:
    STAMPS.metadata.create_all(empty_database.engine)
    return empty_database


def _insert(database: Database, *values: datetime | None) -> None:
    with database.transaction() as session:
        session.execute(insert(STAMPS), [{"id": i, "at": v} for i, v in enumerate(values, 1)])


def test_utc_datetime__aware_value__reads_back_the_same_instant_in_utc(database: Database) -> None:
    given = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=INDIA)
    _insert(database, given)

    with database.session(write=False) as session:
        stored = session.execute(select(STAMPS.c.at)).scalar_one()

    assert stored == given
    assert stored.tzinfo is UTC
    assert stored.replace(tzinfo=None) == datetime(2026, 3, 28, 20, 0, 15, 123456)


def test_utc_datetime__null__stays_null(database: Database) -> None:
    _insert(database, None)

    with database.session(write=False) as session:
        assert session.execute(select(STAMPS.c.at)).scalar_one() is None


def test_utc_datetime__naive_value__refused_and_nothing_written(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _insert(database, datetime(2026, 1, 1, 12, 0))

    with database.session(write=False) as session:
        assert session.execute(select(func.count()).select_from(STAMPS)).scalar_one() == 0


def test_utc_datetime__compared_in_sql__by_instant_not_by_wall_clock(database: Database) -> None:
    # Wall clocks say 09:00 (Hawaii) is before 12:00 (India); as instants it is the other way.
    hawaii_nine = datetime(2026, 5, 1, 9, 0, tzinfo=HAWAII)  # 19:00 UTC
    india_noon = datetime(2026, 5, 1, 12, 0, tzinfo=INDIA)  # 06:30 UTC
    _insert(database, hawaii_nine, india_noon)
    cutoff = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    with database.session(write=False) as session:
        ordered = session.execute(select(STAMPS.c.id).order_by(STAMPS.c.at)).scalars().all()
        later = session.execute(select(STAMPS.c.id).where(STAMPS.c.at > cutoff)).scalars().all()

    assert ordered == [2, 1]
    assert later == [1]


def test_models__every_timestamp_column__is_utc_datetime() -> None:
    plain = [
        f"{table.name}.{column.name}"
        for table in flagstaff.migrations.tables.Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, DateTime)
    ]
    assert plain == [], "use flagstaff.core.db.UTCDateTime for timestamps"
