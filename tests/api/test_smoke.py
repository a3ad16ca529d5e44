from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from flagstaff.context import AppContext


def test_health__anonymous__good(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"health": "GOOD"}


def test_ready__database_answers__good(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"health": "GOOD"}


def test_ready__database_gone__503_bad(client: TestClient, context: AppContext) -> None:
    context.database.engine.dispose()
    broken = context.database.engine.url.set(database="/nonexistent/dir/flagstaff.db")
    if context.database.is_sqlite:
        context.database.engine = create_engine(broken)
    else:
        context.database.engine = create_engine(
            context.database.engine.url.set(port=1), connect_args={"connect_timeout": 1}
        )
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"health": "BAD"}


def test_me__admin_session__has_admin_permission(admin_client: TestClient) -> None:
    response = admin_client.get("/api/admin/user")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "admin"
    assert {"permission": "ADMIN"} in body["permissions"]
