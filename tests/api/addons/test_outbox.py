"""The outbox is written in the event's transaction: a rolled-back change queues nothing, a
committed one queues exactly one entry per subscriber that wants it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.events.models import OutboxEntry
from flagstaff.events.service import SYSTEM, EventService
from flagstaff.http.context import AppContext
from tests.api.addons.helpers import create, webhook


def _entries(context: AppContext) -> int:
    with context.database.session(write=False) as session:
        return int(session.scalar(select(func.count(OutboxEntry.id))) or 0)


class CrashError(Exception):
    pass


def _record_then_crash(context: AppContext) -> None:
    with context.database.transaction() as session:
        EventService(session).record(SYSTEM, "feature-created", project="default")
        assert session.scalar(select(func.count(OutboxEntry.id))) == 1
        raise CrashError


def test_rolled_back_event__nothing_queued(admin_client: TestClient, context: AppContext) -> None:
    from flagstaff.addons.state import deliverer

    deliverer(context).stop()  # what is queued stays queued, to be counted
    create(admin_client, webhook("http://127.0.0.1:9/none", ["feature-created"]))
    with pytest.raises(CrashError):
        _record_then_crash(context)
    assert _entries(context) == 0
    with context.database.transaction() as session:
        EventService(session).record(SYSTEM, "feature-created", project="default")
        EventService(session).record(SYSTEM, "feature-archived", project="default")
    assert _entries(context) == 1
