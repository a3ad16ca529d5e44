"""The scoped-token column of the permission matrix, over every operation Flagstaff serves: a
read-only token gets 403 on every write; a project-limited token 403 on every path naming
another project; an environment-limited token 403 on every path naming another environment.
The account behind each token is an Admin, so only the scope can refuse."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.credentials.account_tokens.helpers import BASE, bearer, in_days

WRITES = ("post", "put", "patch", "delete")
PUBLIC = ("/api/public/", "/auth/", "/health", "/ready", "/edge/")


def _operations(app: FastAPI) -> Iterator[tuple[str, str]]:
    for path, item in app.openapi()["paths"].items():
        if path.startswith("/api/admin") and not path.startswith(PUBLIC):
            for method in item:
                yield method, path


def _filled(path: str, **values: str) -> str:
    def value(match: re.Match[str]) -> str:
        return values.get(match.group(1), "1")

    return re.sub(r"\{([^}]+)\}", value, path)


def _token(admin: TestClient, scopes: dict[str, Any]) -> str:
    account = admin.post(
        BASE, json={"username": f"svc-{len(str(scopes))}", "name": "S", "rootRole": "Admin"}
    ).json()
    response = admin.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "scoped", "expiresAt": in_days(3), "scopes": scopes},
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


@pytest.fixture
def call(app: FastAPI, new_client: Callable[[], TestClient]) -> Callable[..., int]:
    caller = new_client()

    def request(method: str, path: str, secret: str) -> int:
        return caller.request(method.upper(), path, json={}, headers=bearer(secret)).status_code

    return request


def test_read_only_token__every_write__403(
    app: FastAPI, admin_client: TestClient, call: Callable[..., int]
) -> None:
    secret = _token(admin_client, {"permissions": "read"})
    writes = [(m, p) for m, p in _operations(app) if m in WRITES]
    assert len(writes) > 100
    refused = {(m, p): call(m, _filled(p), secret) for m, p in writes}
    assert {key: status for key, status in refused.items() if status != 403} == {}


def test_project_limited_token__paths_naming_another_project__403(
    app: FastAPI, admin_client: TestClient, call: Callable[..., int]
) -> None:
    secret = _token(admin_client, {"projects": ["default"]})
    named = [(m, p) for m, p in _operations(app) if "{projectId}" in p]
    assert len(named) > 40
    statuses = {(m, p): call(m, _filled(p, projectId="elsewhere"), secret) for m, p in named}
    assert {key: status for key, status in statuses.items() if status != 403} == {}


def test_environment_limited_token__paths_naming_another_environment__403(
    app: FastAPI, admin_client: TestClient, call: Callable[..., int]
) -> None:
    secret = _token(admin_client, {"environments": ["development"]})
    named = [(m, p) for m, p in _operations(app) if "{environment}" in p]
    assert len(named) > 10
    statuses = {
        (m, p): call(m, _filled(p, projectId="default", environment="production"), secret)
        for m, p in named
    }
    assert {key: status for key, status in statuses.items() if status != 403} == {}
