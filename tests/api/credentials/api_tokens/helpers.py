"""Shortcuts for API-token tests: tokens through the Admin API or straight through the service,
and a look at what the database holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.credentials.api_tokens.service import ApiTokenService, NewApiToken
from flagstaff.events.models import Event
from flagstaff.events.service import SYSTEM
from flagstaff.flags.projects.models import Project
from flagstaff.http.context import AppContext

BASE = "/api/admin/api-tokens"


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


def create_via_api(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"tokenName": "sdk", "type": "client", "environment": "development", **fields}
    response = client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def make_api_token(
    context: AppContext,
    type: str = "client",
    *,
    environment: str = "development",
    projects: list[str] | None = None,
    name: str = "sdk",
    expires_at: datetime | None = None,
) -> str:
    """A token made through the service, committed; returns its secret."""
    with context.database.transaction() as session:
        issued = ApiTokenService(session, context.keys).create(
            SYSTEM,
            NewApiToken(
                name=name,
                type=type,
                environment=environment,
                projects=projects or ["*"],
                expires_at=expires_at,
            ),
        )
        return issued.secret


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": secret}


def counts(context: AppContext) -> tuple[int, int]:
    """(API tokens, events): what a refused request must leave unchanged."""
    with context.database.session(write=False) as session:
        tokens = session.execute(select(func.count()).select_from(ApiToken)).scalar_one()
        events = session.execute(select(func.count()).select_from(Event)).scalar_one()
        return tokens, events


def events_of(context: AppContext, type: str) -> list[Event]:
    with context.database.session(write=False) as session:
        return list(session.scalars(select(Event).where(Event.type == type).order_by(Event.id)))


def make_project(context: AppContext, project_id: str) -> None:
    """A bare project row (the projects API belongs to the flags package)."""
    with context.database.transaction() as session:
        session.add(Project(id=project_id, name=project_id))
