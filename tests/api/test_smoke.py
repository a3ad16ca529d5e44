from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from flagstaff.http.context import AppContext


def test_health__anonymous__good(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"health": "GOOD"}


def test_ready__database_answers__good(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"health": "GOOD"}


def test_ready__database_gone__503_bad(
    client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is down"))

    # Patched rather than replaced: the engine's pool keeps its connections and is closed
    # with the context, so nothing is left open for the garbage collector to find.
    monkeypatch.setattr(context.database.engine, "connect", unreachable)
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"health": "BAD"}


def test_me__admin_session__has_admin_permission(admin_client: TestClient) -> None:
    response = admin_client.get("/api/admin/user")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "admin"
    assert {"permission": "ADMIN"} in body["permissions"]
