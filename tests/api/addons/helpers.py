"""Shortcuts for addon tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

BASE = "/api/admin/addons"


def webhook(url: str, events: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    parameters = {"url": url, **fields.pop("parameters", {})}
    return {
        "provider": "webhook",
        "enabled": True,
        "description": "test hook",
        "parameters": parameters,
        "events": events if events is not None else ["feature-created"],
        **fields,
    }


def create(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(BASE, json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def create_flag(client: TestClient, name: str, project: str = "default") -> None:
    response = client.post(f"/api/admin/projects/{project}/features", json={"name": name})
    assert response.status_code in (200, 201), response.text


def log(client: TestClient, addon_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/{addon_id}/events")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["integrationEvents"]
    return entries
