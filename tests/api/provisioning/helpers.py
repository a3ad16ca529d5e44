"""Shortcuts for provisioning tests: apply a file through the API, read what it left."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

APPLY = "/api/admin/provisioning/apply"

EXAMPLE = """\
version: 1
name: platform
roles:
  - name: flag-operator
    description: Turns flags on and off in production
    type: project
    permissions:
      - UPDATE_FEATURE
      - name: UPDATE_FEATURE_ENVIRONMENT
        environments: [production]
projects:
  - id: shop
    name: Shop
    description: The web shop
    mode: protected
serviceAccounts:
  - username: ci-deployer
    name: CI deployer
    rootRole: Viewer
    projectRoles:
      - project: shop
        role: flag-operator
      - project: default
        role: Member
    managers: [alice]
"""


def apply(client: TestClient, text: str, **options: bool) -> Any:
    return client.post(APPLY, json={"file": text, **options})


def applied(client: TestClient, text: str, **options: bool) -> dict[str, Any]:
    response = apply(client, text, **options)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def actions(plan: dict[str, Any]) -> dict[str, str]:
    """``{"role flag-operator": "create", ...}``: what the plan does to each object."""
    return {f"{c['kind']} {c['name']}": c["action"] for c in plan["changes"]}


def event_count(client: TestClient) -> int:
    response = client.get("/api/admin/events")
    assert response.status_code == 200, response.text
    total: int = response.json()["totalEvents"]
    return total


def service_account(client: TestClient, username: str) -> dict[str, Any] | None:
    accounts = client.get("/api/admin/service-account").json()["serviceAccounts"]
    found: dict[str, Any] | None = next((a for a in accounts if a["username"] == username), None)
    return found
