"""Bad input to the context-field endpoints: a 400 (404, 409) with Unleash's error body, and
nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.context.support import CONTEXT, create_field, project_context
from tests.api.flags.support import assert_error, snapshot

LONG = "a" * 101


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "name"),
        ({"name": ""}, "empty"),
        ({"name": "has space"}, "URL friendly"),
        ({"name": "slash/in"}, "URL friendly"),
        ({"name": ".."}, "URL friendly"),
        ({"name": LONG}, "100"),
        ({"name": "a" * 300}, "name"),
        ({"name": 5}, "name"),
        ({"name": None}, "name"),
        ({"name": "ok", "description": "d" * 251}, "250"),
        ({"name": "ok", "description": 3}, "description"),
        ({"name": "ok", "stickiness": "yes"}, "stickiness"),
        ({"name": "ok", "sortOrder": "1"}, "sortOrder"),
        ({"name": "ok", "sortOrder": 2**31}, "sortOrder"),
        ({"name": "ok", "sortOrder": 1.5}, "sortOrder"),
        ({"name": "ok", "legalValues": "gold"}, "legalValues"),
        ({"name": "ok", "legalValues": [{"description": "no value"}]}, "value"),
        ({"name": "ok", "legalValues": [{"value": ""}]}, "empty"),
        ({"name": "ok", "legalValues": [{"value": LONG}]}, "100"),
        ({"name": "ok", "legalValues": [{"value": 7}]}, "value"),
        ({"name": "ok", "legalValues": [{"value": "a"}, {"value": "a"}]}, "duplicate"),
        ({"name": "nul\x00"}, "NUL"),
        ({"name": "ok", "project": "no-such-project"}, "no-such-project"),
    ],
)
def test_create__bad_body__4xx_nothing_written(
    admin_client: TestClient, context: AppContext, body: dict[str, Any], fragment: str
) -> None:
    before = snapshot(context)
    response = admin_client.post(CONTEXT, json=body)
    status = 404 if "project" in body else 400
    assert_error(response, status, fragment)
    assert snapshot(context) == before
    assert admin_client.get(f"{CONTEXT}/ok").status_code == 404


def test_create__not_json__4xx(admin_client: TestClient) -> None:
    response = admin_client.post(
        CONTEXT, content=b"name=tier", headers={"content-type": "text/plain"}
    )
    assert response.status_code in (400, 415), response.text
    malformed = admin_client.post(
        CONTEXT, content=b"{", headers={"content-type": "application/json"}
    )
    assert_error(malformed, 400)


@pytest.mark.parametrize(
    "body",
    [
        {"legalValues": [{"value": "a"}, {"value": "a"}]},
        {"legalValues": [{"value": LONG}]},
        {"description": "d" * 251},
        {"stickiness": 1},
        {"sortOrder": -(2**31) - 1},
    ],
)
def test_update__bad_body__400_unchanged(
    admin_client: TestClient, context: AppContext, body: dict[str, Any]
) -> None:
    field = create_field(admin_client, legalValues=[{"value": "kept"}])
    before = snapshot(context)
    assert_error(admin_client.put(f"{CONTEXT}/tier", json=body), 400)
    assert snapshot(context) == before
    assert admin_client.get(f"{CONTEXT}/tier").json() == field


@pytest.mark.parametrize(
    "body",
    [{}, {"value": ""}, {"value": LONG}, {"value": 1}, {"value": "a", "description": 2}],
)
def test_legal_value__bad_body__400(
    admin_client: TestClient, context: AppContext, body: dict[str, Any]
) -> None:
    create_field(admin_client)
    before = snapshot(context)
    assert_error(admin_client.post(f"{CONTEXT}/tier/legal-values", json=body), 400)
    assert snapshot(context) == before


@pytest.mark.parametrize("body", [{}, {"name": 1}, {"name": ""}, {"name": LONG}])
def test_validate__bad_body__400(admin_client: TestClient, body: dict[str, Any]) -> None:
    assert_error(admin_client.post(f"{CONTEXT}/validate", json=body), 400)


def test_oversized_path_names__4xx_not_500(admin_client: TestClient) -> None:
    huge = "x" * 300
    assert admin_client.get(f"{CONTEXT}/{huge}").status_code in (400, 404)
    assert admin_client.put(f"{CONTEXT}/{huge}", json={}).status_code in (400, 404)
    assert admin_client.delete(f"{CONTEXT}/{huge}").status_code in (400, 404)
    assert admin_client.get(f"{project_context('p' * 150)}").status_code in (400, 404)


def test_project_routes__unknown_project__404(admin_client: TestClient) -> None:
    base = project_context("nope")
    assert_error(admin_client.get(base), 404, "nope")
    assert_error(admin_client.post(base, json={"name": "f"}), 404, "nope")
    assert_error(admin_client.get(f"{base}/userId"), 404, "nope")
    assert_error(admin_client.put(f"{base}/userId", json={}), 404, "nope")
    assert_error(admin_client.delete(f"{base}/userId"), 404, "nope")
    assert_error(admin_client.post(f"{base}/validate", json={"name": "f"}), 404, "nope")
    assert_error(admin_client.get(f"{base}/userId/strategies"), 404, "nope")
    assert_error(admin_client.post(f"{base}/userId/legal-values", json={"value": "v"}), 404)
    assert_error(admin_client.delete(f"{base}/userId/legal-values/v"), 404)
