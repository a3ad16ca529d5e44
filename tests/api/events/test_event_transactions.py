"""An event is written in its change's transaction: both commit, or neither does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.accounts.service import AccountService
from flagstaff.core import revision
from flagstaff.events.models import Event
from flagstaff.http.context import AppContext
from flagstaff.rbac.models import Role
from tests.api.events.helpers import all_events
from tests.api.roles.helpers import ROLES, role_body

USERS = "/api/admin/user-admin"


@pytest.fixture
def failing_client(app: FastAPI, admin_client: TestClient) -> TestClient:
    """The admin's session, on a client that reports server errors as responses."""
    client = TestClient(app, raise_server_exceptions=False)
    client.cookies.update(admin_client.cookies)
    return client


def _count(context: AppContext, model: Any) -> int:
    with context.database.session(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _revision(context: AppContext) -> int:
    with context.database.session(write=False) as session:
        return revision.read(session)


def test_create_user__unique_constraint_fails_after_check__400_no_event(
    admin_client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = admin_client.post(USERS, json={"username": "dana", "rootRole": "Viewer"})
    assert taken.status_code == 201, taken.text
    events_before, users_before = all_events(context), _count(context, Account)
    # Let the duplicate past the service's own check, so only the database can refuse it.
    monkeypatch.setattr(AccountService, "ensure_login_name_free", lambda *_: None)

    response = admin_client.post(USERS, json={"username": "dana", "rootRole": "Editor"})

    assert response.status_code == 400, response.text
    assert response.json()["message"] == "User already exists"
    assert [e.id for e in all_events(context)] == [e.id for e in events_before]
    assert _count(context, Account) == users_before


def _fail_after_the_event(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the revision bump, which follows the event's insert, fail. Returns how many events
    the failing transaction could see at that moment."""
    seen: list[int] = []

    def bump(session: Session) -> None:
        seen.append(session.execute(select(func.count()).select_from(Event)).scalar_one())
        raise RuntimeError("the database went away after the event was written")

    monkeypatch.setattr(revision, "bump", bump)
    return seen


def test_create_role__failure_after_event_written__neither_role_nor_event(
    failing_client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    events_before, roles_before, revision_before = (
        all_events(context),
        _count(context, Role),
        _revision(context),
    )
    seen = _fail_after_the_event(monkeypatch)

    response = failing_client.post(ROLES, json=role_body("Half written"))

    assert response.status_code == 500
    assert response.json()["name"] == "InternalError"
    assert seen == [len(events_before) + 1]
    assert [e.id for e in all_events(context)] == [e.id for e in events_before]
    assert _count(context, Role) == roles_before
    assert _revision(context) == revision_before


def test_create_user__failure_after_event_written__neither_user_nor_event(
    failing_client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    events_before, users_before = all_events(context), _count(context, Account)
    _fail_after_the_event(monkeypatch)

    response = failing_client.post(USERS, json={"username": "ghost", "rootRole": "Viewer"})

    assert response.status_code == 500
    assert [e.id for e in all_events(context)] == [e.id for e in events_before]
    assert _count(context, Account) == users_before


def test_create_role__success__role_event_and_revision_together(
    admin_client: TestClient, context: AppContext
) -> None:
    revision_before = _revision(context)

    role = admin_client.post(ROLES, json=role_body("Whole")).json()["roles"]

    event = all_events(context)[-1]
    assert (event.type, event.data["id"]) == ("role-created", role["id"])
    assert _revision(context) == revision_before + 1


def test_delete_role__refused__no_event_and_revision_unchanged(
    admin_client: TestClient, context: AppContext
) -> None:
    revision_before, events_before = _revision(context), all_events(context)

    response = admin_client.delete(f"{ROLES}/1")

    assert response.status_code == 400
    assert _revision(context) == revision_before
    assert len(all_events(context)) == len(events_before)
