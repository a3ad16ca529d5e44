"""The Client API's answers against the OpenAPI document, with data in place.

``GET /api/client/*`` and the SDKs' reports are answered by ``ClientApiMiddleware`` before
FastAPI routes them, so the conformance check every API test runs does not see them: here each
answer is validated against its declared schema, read closed as that check reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.flags.support import (
    add_strategy,
    create_flag,
    features_url,
    seed_environment_variants,
)
from tests.conformance import closed

MODERN = {"Unleash-Client-Spec": "5.2.0"}
CONSTRAINT = {"contextName": "userId", "operator": "IN", "values": ["a", "b"]}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/docs/openapi.json").json()
    return found


def problems(document: dict[str, Any], method: str, path: str, status: int, body: Any) -> list[str]:
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    schema = closed({**content["application/json"]["schema"], "components": document["components"]})
    return [
        f"{method} {path}: {error.json_path}: {error.message}"
        for error in Draft202012Validator(schema).iter_errors(body)
    ]


def _flags(admin: TestClient) -> int:
    """Flags with everything a client payload can carry; the segment's id."""
    segment = admin.post("/api/admin/segments", json={"name": "beta", "constraints": [CONSTRAINT]})
    assert segment.status_code == 201, segment.text
    segment_id: int = segment.json()["id"]
    create_flag(admin, "doc-parent", description="the parent", impressionData=True)
    create_flag(admin, "doc-child")
    add_strategy(
        admin,
        "doc-parent",
        name="flexibleRollout",
        parameters={"rollout": "50", "stickiness": "default", "groupId": "doc-parent"},
        constraints=[
            CONSTRAINT,
            {
                "contextName": "appName",
                "operator": "STR_CONTAINS",
                "values": ["web"],
                "caseInsensitive": True,
                "inverted": True,
            },
        ],
        variants=[
            {
                "name": "blue",
                "weight": 1000,
                "weightType": "variable",
                "stickiness": "default",
                "payload": {"type": "json", "value": '{"a": 1}'},
            }
        ],
        segments=[segment_id],
    )
    add_strategy(admin, "doc-child")
    seed_environment_variants(
        admin,
        "doc-parent",
        [
            {
                "name": "red",
                "weight": 1000,
                "weightType": "variable",
                "stickiness": "default",
                "payload": {"type": "string", "value": "r"},
                "overrides": [{"contextName": "userId", "values": ["a"]}],
            }
        ],
    )
    for flag in ("doc-parent", "doc-child"):
        response = admin.post(features_url("default", flag, "environments", "development", "on"))
        assert response.status_code == 200, response.text
    response = admin.post(
        features_url("default", "doc-child", "dependencies"),
        json={"feature": "doc-parent", "enabled": True, "variants": ["red"]},
    )
    assert response.status_code == 200, response.text
    return segment_id


def test_client_api_answers__with_data_in_place__match_the_document(
    document: dict[str, Any],
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
) -> None:
    _flags(admin_client)
    context.watcher.check_now()
    sdk = new_client()
    sdk.headers.update(auth(make_api_token(context)))
    answers: list[tuple[str, str, Any]] = []
    for headers, query in (
        (MODERN, ""),
        ({}, ""),
        (MODERN, "?project=default&namePrefix=doc-"),
    ):
        response = sdk.get(f"/api/client/features{query}", headers=headers)
        assert response.status_code == 200, response.text
        answers.append(("/api/client/features", "get", response.json()))
    modern = answers[0][2]
    parent, child = sorted(modern["features"], key=lambda feature: feature["name"] != "doc-parent")
    assert modern["segments"]
    assert parent["strategies"][0]["segments"]
    assert parent["variants"][0]["overrides"]
    assert child["dependencies"]
    one = sdk.get("/api/client/features/doc-parent", headers=MODERN)
    assert one.status_code == 200, one.text
    answers.append(("/api/client/features/{featureName}", "get", one.json()))

    hydration = sdk.get("/api/client/delta", headers=MODERN)
    assert hydration.status_code == 200, hydration.text
    answers.append(("/api/client/delta", "get", hydration.json()))

    found = [f"{method} {path}" for path, method, _ in answers if path not in document["paths"]]
    assert found == []
    assert [
        problem
        for path, method, body in answers
        for problem in problems(document, method, path, 200, body)
    ] == []


def test_client_api_delta_events__with_data_in_place__match_the_document(
    document: dict[str, Any],
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    context: AppContext,
) -> None:
    segment_id = _flags(admin_client)
    context.watcher.check_now()
    sdk = new_client()
    sdk.headers.update({**auth(make_api_token(context)), **MODERN})
    etag = sdk.get("/api/client/delta").headers["etag"]
    updated = admin_client.put(
        f"/api/admin/segments/{segment_id}",
        json={"name": "beta", "constraints": [{**CONSTRAINT, "values": ["c"]}]},
    )
    assert updated.status_code == 204, updated.text
    archived = admin_client.delete(features_url("default", "doc-child"))
    assert archived.status_code == 202, archived.text
    context.watcher.check_now()

    response = sdk.get("/api/client/delta", headers={"If-None-Match": etag})

    assert response.status_code == 200, response.text
    body = response.json()
    assert {event["type"] for event in body["events"]} >= {"segment-updated", "feature-removed"}
    assert problems(document, "get", "/api/client/delta", 200, body) == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/client/register",
            {
                "appName": "doc",
                "instanceId": "i-1",
                "strategies": [],
                "started": "2030-01-01T00:00:00Z",
                "interval": 10000,
            },
        ),
        (
            "/api/client/metrics",
            {
                "appName": "doc",
                "instanceId": "i-1",
                "bucket": {
                    "start": "2030-01-01T00:00:00Z",
                    "stop": "2030-01-01T00:01:00Z",
                    "toggles": {"doc-parent": {"yes": 1, "no": 0}},
                },
            },
        ),
        ("/api/client/metrics/bulk", {"applications": [], "metrics": []}),
    ],
)
def test_sdk_reports__accepted__no_body_as_the_document_says(
    document: dict[str, Any],
    client: TestClient,
    context: AppContext,
    path: str,
    body: dict[str, Any],
) -> None:
    response = client.post(path, json=body, headers=auth(make_api_token(context)))

    assert response.status_code == 202, response.text
    assert response.content == b""
    assert "content-type" not in response.headers
    assert "content" not in document["paths"][path]["post"]["responses"]["202"]
