from __future__ import annotations

from fastapi.testclient import TestClient


def test_health__anonymous__good(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"health": "GOOD"}


def test_me__admin_session__has_admin_permission(admin_client: TestClient) -> None:
    response = admin_client.get("/api/admin/user")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "admin"
    assert {"permission": "ADMIN"} in body["permissions"]
