"""Helpers for account and login tests: read and poke the database directly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from flagstaff.accounts.models import Account, LoginFailures, LoginSession
from flagstaff.events.models import Event
from flagstaff.events.schemas import event_out
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import VIEWER_ROLE_ID

MAX_ID = 2_147_483_647


@dataclass(frozen=True)
class Counts:
    users: int
    events: int
    sessions: int


def counts(context: AppContext) -> Counts:
    """How many accounts, events and sessions exist: compare before and after a failing write."""
    with context.database.session(write=False) as session:

        def count(model: type[Any]) -> int:
            return session.execute(select(func.count()).select_from(model)).scalar_one()

        return Counts(count(Account), count(Event), count(LoginSession))


def make_service_account(
    context: AppContext, username: str = "sa-robot", role_id: int = VIEWER_ROLE_ID
) -> int:
    with context.database.transaction() as session:
        account = Account(username=username, name="Robot", is_service=True, root_role_id=role_id)
        session.add(account)
        session.flush()
        return account.id


def load_account(context: AppContext, account_id: int) -> Account | None:
    with context.database.session(write=False) as session:
        return session.get(Account, account_id)


def set_account(context: AppContext, account_id: int, **values: Any) -> None:
    with context.database.transaction() as session:
        session.execute(update(Account).where(Account.id == account_id).values(**values))


def expire_sessions(context: AppContext, account_id: int, when: datetime) -> None:
    with context.database.transaction() as session:
        session.execute(
            update(LoginSession)
            .where(LoginSession.account_id == account_id)
            .values(expires_at=when)
        )


def session_count(context: AppContext, account_id: int) -> int:
    with context.database.session(write=False) as session:
        return session.execute(
            select(func.count()).where(LoginSession.account_id == account_id)
        ).scalar_one()


def events_of(context: AppContext, type_: str) -> list[dict[str, Any]]:
    """Events of one type, oldest first, as the API shows them."""
    with context.database.session(write=False) as session:
        rows = session.scalars(select(Event).where(Event.type == type_).order_by(Event.id))
        return [event_out(e) for e in rows]


def all_events_json(context: AppContext) -> str:
    with context.database.session(write=False) as session:
        rows = session.scalars(select(Event)).all()
        return json.dumps(
            [
                {"type": e.type, "data": e.data, "preData": e.pre_data, "by": e.created_by}
                for e in rows
            ]
        )


def assert_error(body: dict[str, Any], name: str) -> None:
    """Unleash's error body: ``{id, name, message, details: [{message}]}``."""
    assert body["name"] == name, body
    assert isinstance(body["id"], str)
    assert body["id"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["details"], list)
    assert body["details"]
    assert all(isinstance(d.get("message"), str) for d in body["details"])


def login_failures(context: AppContext) -> dict[str, int]:
    """The throttle's counters: failures by client address ("" for the names' counters over
    every address), summed over the names."""
    totals: dict[str, int] = {}
    with context.database.session(write=False) as session:
        for address, failures in session.execute(
            select(LoginFailures.address, LoginFailures.failures)
        ):
            totals[address] = totals.get(address, 0) + failures
    return totals


def age_login_failures(context: AppContext, delta: timedelta) -> None:
    """Every throttle counter as if its failures had happened ``delta`` earlier."""
    with context.database.transaction() as session:
        for row in session.scalars(select(LoginFailures)):
            row.window_start -= delta
            row.last_failure_at -= delta
