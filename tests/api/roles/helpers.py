"""Making roles and project-role assignments for the RBAC tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from flagstaff.http.context import AppContext
from flagstaff.migrations import tables as models
from flagstaff.rbac.models import ProjectRoleAssignment

ROLES = "/api/admin/roles"


def role_body(
    name: str = "Custom role",
    *,
    type_: str | None = "custom",
    permissions: list[dict[str, Any]] | None = None,
    description: str | None = "A role made by a test",
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "permissions": permissions or []}
    if type_ is not None:
        body["type"] = type_
    if description is not None:
        body["description"] = description
    return body


def create_role(client: TestClient, name: str = "Custom role", **kwargs: Any) -> dict[str, Any]:
    response = client.post(ROLES, json=role_body(name, **kwargs))
    assert response.status_code == 200, response.text
    role: dict[str, Any] = response.json()["roles"]
    return role


def ensure_project(session: Session, project: str) -> None:
    """Project roles are held in a project; once the projects table exists the row must too."""
    table = models.Base.metadata.tables.get("projects")
    if table is None:
        return
    if session.execute(select(table.c.id).where(table.c.id == project)).first() is None:
        session.execute(insert(table).values(id=project, name=project))


def assign_project_role(context: AppContext, account_id: int, project: str, role_id: int) -> None:
    with context.database.transaction() as session:
        ensure_project(session, project)
        session.add(ProjectRoleAssignment(account_id=account_id, project=project, role_id=role_id))


def role_names(client: TestClient) -> set[str]:
    response = client.get(ROLES)
    assert response.status_code == 200, response.text
    return {role["name"] for role in response.json()["roles"]}


def event_types(client: TestClient) -> list[str]:
    """Every event's type, newest first (the client must hold ADMIN to see them all)."""
    response = client.get("/api/admin/search/events", params={"limit": 1000})
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()["events"]]
