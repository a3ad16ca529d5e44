"""Every operation in Flagstaff's OpenAPI document, called by an admin with hostile values in
the path, the query and the body, answers a 4xx (or a 2xx), never a 5xx.

The endpoint tests check each route's own bad input in detail; this sweep catches the routes
nobody thought to feed a NUL character, a 3,000-character id or a number past 64 bits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token

PATH_VALUES = {
    "plain": "unknown",
    "nul": "a%00b",
    "long": "x" * 3000,
    "bad-utf8": "%E2%28%A1",
    "negative": "-1",
    "huge-number": "99999999999999999999",
}
QUERY = "?q=%25&limit=99999999999999999999&offset=-5&sortBy=x&project=IS%3A"
HOSTILE_BODY: dict[str, Any] = {
    "name": "a\u0000b",
    "description": "x\u0000",
    "features": ["a\u0000"],
    "type": "release",
    "value": "\u0000",
    "tokens": ["\u0000"],
    "id": 2**70,
    "sortOrder": 2**70,
    "environment": "\u0000",
    "projects": ["\u0000"],
}
SKIPPED = {"/auth/simple/logout", "/logout"}  # would end the caller's own session mid-sweep


def operations(app: FastAPI) -> list[tuple[str, str]]:
    document = app.openapi()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        if path not in SKIPPED
        for method in item
    ]


@pytest.mark.parametrize("value", PATH_VALUES.values(), ids=PATH_VALUES.keys())
def test_every_operation__hostile_values__never_a_5xx(
    app: FastAPI, context: AppContext, client: TestClient, value: str
) -> None:
    headers = auth(make_api_token(context, "admin", environment="*"))
    failures = []
    statuses: set[int] = set()
    # Not entered: `client` already runs the app's lifespan, and a second one would stop its
    # background threads and dispose the database under it.
    sweeper = TestClient(app, raise_server_exceptions=False)
    for method, path in operations(app):
        url = re.sub(r"\{[^}]+\}", value, path) + QUERY
        body = HOSTILE_BODY if method in ("POST", "PUT", "PATCH") else None
        response = sweeper.request(method, url, json=body, headers=headers)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:120]}")
    assert failures == []
    assert statuses & {200, 201, 202, 204, 404}  # it reached routes, not only a guard


@pytest.mark.parametrize("url", ["/api/admin/projects/a%00b", "/api/admin/projects?x=%00"])
def test_nul_in_path_or_query__400_in_unleash_shape(admin_client: TestClient, url: str) -> None:
    response = admin_client.get(url)
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"
    assert "NUL" in response.json()["message"]
