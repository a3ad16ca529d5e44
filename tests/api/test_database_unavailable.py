"""A database that cannot be used answers 503 with Unleash's error body and Retry-After, logged
once; a lost connection is replaced before the next request uses it."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from flagstaff.config import Settings
from flagstaff.core import db
from flagstaff.http.context import AppContext
from tests.conftest import FAST_PASSWORDS, TEST_SECRET, ContextSwitch
from tests.db import on_postgres, postgres_url
from tests.factories import PASSWORD, login, make_user
from tests.unit.core.test_database_unavailable import unreachable_url

UNAVAILABLE = "database unavailable on "


@pytest.fixture
def switch_to(shared_app: tuple[FastAPI, ContextSwitch], app: FastAPI) -> Iterator[Any]:
    """Points the shared app at another context for the rest of the test."""
    _, switch = shared_app
    built: list[AppContext] = []

    def switch_context(settings: Settings) -> AppContext:
        other = AppContext.build(settings, passwords=FAST_PASSWORDS)
        built.append(other)
        object.__setattr__(switch, "target", other)
        return other

    yield switch_context
    for other in built:
        other.database.dispose()


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert set(body) == {"id", "name", "message", "details"}
    assert body["name"] == "ServiceUnavailableError"
    assert body["details"] == [{"message": body["message"]}]


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.getMessage().startswith(UNAVAILABLE) or "unhandled error" in r.getMessage()
    ]


def test_request__database_unreachable__503_logged_once(
    app: FastAPI, switch_to: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    switch_to(
        Settings(data_dir=tmp_path, database_url=unreachable_url(tmp_path), secret_key=TEST_SECRET)
    )

    with TestClient(app) as client:
        caplog.clear()
        response = client.post("/auth/simple/login", json={"username": "a", "password": "b"})

    assert_unavailable(response)
    [record] = failures_logged(caplog)
    assert record.levelname == "ERROR"
    assert record.getMessage().startswith(f"{UNAVAILABLE}POST /auth/simple/login: ")
    assert record.exc_info is None


def test_client_api__database_unreachable__503_logged_once(
    app: FastAPI, switch_to: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    switch_to(
        Settings(data_dir=tmp_path, database_url=unreachable_url(tmp_path), secret_key=TEST_SECRET)
    )

    with TestClient(app) as client:
        caplog.clear()
        response = client.get(
            "/api/client/features",
            headers={"Authorization": "default:development.0123456789abcdef0123"},
        )

    assert_unavailable(response)
    [record] = failures_logged(caplog)
    assert record.getMessage().startswith(f"{UNAVAILABLE}GET /api/client/features: ")


@pytest.mark.skipif(on_postgres(), reason="SQLite's writer lock")
def test_write__sqlite_writer_lock_held_too_long__503_then_saved_once_free(
    admin_client: TestClient,
    context: AppContext,
    switch_to: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    switch_to(context.settings)
    path = context.settings.sqlalchemy_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        caplog.clear()
        refused = admin_client.post("/api/admin/projects/default/features", json={"name": "f1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    saved = admin_client.post("/api/admin/projects/default/features", json={"name": "f1"})

    assert_unavailable(refused)
    assert len(failures_logged(caplog)) == 1
    assert saved.status_code == 201


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL connections")
def test_requests__connections_terminated_while_idle__next_requests_succeed(
    app: FastAPI, context: AppContext, switch_to: Any, caplog: pytest.LogCaptureFixture
) -> None:
    name = f"fs_idle_{uuid.uuid4().hex[:12]}"
    database_url = f"{context.settings.database_url}&application_name={name}"
    other = switch_to(context.settings.model_copy(update={"database_url": database_url}))
    make_user(other, role="Admin", username="boss")
    with TestClient(app) as client:
        login(client, "boss", PASSWORD)
        assert client.get("/api/admin/projects/default/features").status_code == 200
        killer = create_engine(postgres_url("public"))
        with killer.begin() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": name},
            ).scalar_one()
        killer.dispose()
        caplog.clear()

        statuses = [
            client.post("/api/admin/projects/default/features", json={"name": f"f{n}"}).status_code
            for n in range(5)
        ] + [client.get("/api/admin/projects/default/features").status_code for _ in range(5)]

    assert killed >= 1
    assert statuses == [201] * 5 + [200] * 5
    assert failures_logged(caplog) == []
