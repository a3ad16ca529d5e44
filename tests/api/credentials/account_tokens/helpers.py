"""Shortcuts for the token-lifecycle tests: service accounts and tokens made through the API,
events read back from the database, and the clock moved for the cluster-wide job."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from flagstaff.core import revision
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.events.models import Event
from flagstaff.http.context import AppContext
from tests.api.service_accounts.helpers import BASE, bearer, create_account, create_token, in_days

__all__ = ["BASE", "bearer", "create_account", "create_token", "in_days"]


def sa_with_token(
    admin: TestClient, username: str = "service-ci", days: float = 30, role: str = "Editor"
) -> tuple[int, dict[str, Any]]:
    account = create_account(admin, username, role=role)
    return account["id"], create_token(admin, account["id"], "deploy", days)


def whoami(client: TestClient, secret: str) -> Any:
    return client.get("/api/admin/user", headers=bearer(secret))


def rotate(admin: TestClient, account_id: int, token_id: int, **body: Any) -> Any:
    return admin.post(f"{BASE}/{account_id}/token/{token_id}/rotate", json=body)


def tokens(admin: TestClient, account_id: int, **params: Any) -> list[dict[str, Any]]:
    response = admin.get(f"{BASE}/{account_id}/token", params=params)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()["pats"]
    return listed


def events_of(context: AppContext, type_: str) -> list[Event]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Event).where(Event.type == type_).order_by(Event.id)))


def set_token(context: AppContext, token_id: int, **values: Any) -> None:
    """Change a token's row behind the services' back (to move it in time), and move the
    revision so every cache forgets it, as a real change would."""
    with context.database.transaction() as session:
        session.execute(update(AccountToken).where(AccountToken.id == token_id).values(**values))
        revision.bump(session)
    context.watcher.check_now()


def load_token(context: AppContext, token_id: int) -> AccountToken | None:
    with context.database.session(write=False) as session:
        return session.get(AccountToken, token_id)


def assert_error(response: Any, status: int, fragment: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"id", "name", "message", "details"}, body
    assert fragment.lower() in body["message"].lower(), body["message"]
