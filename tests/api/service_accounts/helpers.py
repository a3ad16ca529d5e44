"""Shortcuts for service-account tests: create accounts and tokens through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

BASE = "/api/admin/service-account"


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


def create_account(
    client: TestClient, username: str = "service-ci", role: int | str = "Editor", name: str = "CI"
) -> dict[str, Any]:
    response = client.post(BASE, json={"username": username, "name": name, "rootRole": role})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create_token(
    client: TestClient, account_id: int, description: str = "deploy", days: float = 30
) -> dict[str, Any]:
    response = client.post(
        f"{BASE}/{account_id}/token", json={"description": description, "expiresAt": in_days(days)}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
