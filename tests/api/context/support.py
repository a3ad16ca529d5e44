"""Shortcuts for context-field tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

CONTEXT = "/api/admin/context"


def project_context(project: str = "default") -> str:
    return f"/api/admin/projects/{project}/context"


def create_field(
    client: TestClient, name: str = "tier", base: str = CONTEXT, **body: Any
) -> dict[str, Any]:
    response = client.post(base, json={"name": name, **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def get_field(client: TestClient, name: str) -> dict[str, Any]:
    response = client.get(f"{CONTEXT}/{name}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
