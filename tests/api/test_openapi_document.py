"""What the OpenAPI document declares beside each operation's success (flagstaff.http.openapi),
checked against what the server answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/docs/openapi.json").json()
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_document__every_error_answer__unleash_error_body(document: dict[str, Any]) -> None:
    """But readiness: a load balancer reads its 503 as Unleash's /health body, ``BAD``."""
    wrong = [
        (method, path, status)
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and response.get("content") != ERROR
    ]

    assert wrong == [("GET", "/ready", "503")]
    assert document["components"]["schemas"]["ErrorBody"]["required"] == ["id", "name", "message"]


def test_document__fastapi_422__never_declared(document: dict[str, Any]) -> None:
    declared = [
        (m, p) for m, p, operation in operations(document) if "422" in operation["responses"]
    ]

    assert declared == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_document__facts_of_routes__statuses(document: dict[str, Any]) -> None:
    paths = document["paths"]

    token = paths["/api/admin/api-tokens/{token}"]
    public = paths["/health"]["get"]["responses"]
    login = paths["/auth/simple/login"]["post"]["responses"]

    assert set(token["put"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "503",
    }
    assert set(token["delete"]["responses"]) == {"200", "400", "401", "403", "404", "503"}
    assert set(public) == {"200", "400"}  # no credential, no database
    assert {"401", "429"} <= set(login)
    assert "403" not in login
    assert "409" in paths["/api/admin/roles"]["post"]["responses"]


def test_document__empty_answers__no_content(
    document: dict[str, Any], client: TestClient, context: AppContext
) -> None:
    secret = make_api_token(context, "admin", environment="*")
    declared = document["paths"]["/api/admin/api-tokens/{token}"]["delete"]["responses"]["200"]

    response = client.delete("/api/admin/api-tokens/unknown", headers=auth(secret))

    assert "content" not in declared
    assert response.status_code == 200
    assert response.content == b""
    assert "content-type" not in response.headers


def test_document__handler_answering_204_only__200_not_declared(
    document: dict[str, Any],
) -> None:
    responses = document["paths"]["/api/admin/segments/validate"]["post"]["responses"]

    assert "content" not in responses["204"]
    assert "200" not in responses


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/admin/projects", "GET, POST"),
        ("PATCH", "/api/admin/tags/simple/value", "DELETE, GET"),
    ],
)
def test_method_not_allowed__allow__every_method_of_the_path(
    client: TestClient, context: AppContext, method: str, path: str, allowed: str
) -> None:
    secret = make_api_token(context, "admin", environment="*")

    response = client.request(method, path, headers=auth(secret))

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json()["name"] == "MethodNotAllowedError"


def declared_schema(document: dict[str, Any], method: str, path: str, status: int) -> Any:
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    return {**content["application/json"]["schema"], "components": document["components"]}


def test_declared_answer_schemas__with_data_in_place__answers_match(
    document: dict[str, Any], admin_client: TestClient
) -> None:
    """The fuzzer sees mostly empty lists and refusals; here every typed answer carries data."""
    constraint = {"contextName": "userId", "operator": "IN", "values": ["a"]}
    writes = [
        ("/api/admin/segments", {"name": "beta", "constraints": [constraint]}),
        ("/api/admin/tag-types", {"name": "team", "description": "who owns it"}),
        ("/api/admin/tags", {"type": "team", "value": "core"}),
        ("/api/admin/context", {"name": "region", "legalValues": [{"value": "eu"}]}),
        ("/api/admin/api-tokens", {"tokenName": "sdk", "type": "client"}),
    ]
    created = []
    for path, body in writes:
        response = admin_client.post(path, json=body)
        assert response.status_code == 201, response.text
        created.append(("post", path, 201, response.json()))
    segment_id = created[0][3]["id"]
    reads = [
        "/api/admin/segments",
        f"/api/admin/segments/{segment_id}",
        "/api/admin/tag-types",
        "/api/admin/tag-types/team",
        "/api/admin/tags",
        "/api/admin/tags/team/core",
        "/api/admin/context",
        "/api/admin/context/region",
        "/api/admin/api-tokens",
        "/api/admin/environments",
        "/api/admin/environments/development",
        "/api/admin/strategies",
        "/api/admin/strategies/flexibleRollout",
    ]
    templates = {
        f"/api/admin/segments/{segment_id}": "/api/admin/segments/{id}",
        "/api/admin/tag-types/team": "/api/admin/tag-types/{name}",
        "/api/admin/tags/team/core": "/api/admin/tags/{type}/{value}",
        "/api/admin/context/region": "/api/admin/context/{contextField}",
        "/api/admin/environments/development": "/api/admin/environments/{name}",
        "/api/admin/strategies/flexibleRollout": "/api/admin/strategies/{name}",
    }
    for path in reads:
        response = admin_client.get(path)
        assert response.status_code == 200, response.text
        created.append(("get", templates.get(path, path), 200, response.json()))

    problems = [
        f"{method} {path}: {error.message}"
        for method, path, status, body in created
        for error in Draft202012Validator(
            declared_schema(document, method, path, status)
        ).iter_errors(body)
    ]

    assert problems == []


def loose(schema: dict[str, Any]) -> bool:
    """A schema that says nothing of the answer's shape: any value, or any object."""
    if "$ref" in schema or "properties" in schema or "oneOf" in schema or "anyOf" in schema:
        return False
    if schema.get("type") == "array":
        return loose(schema.get("items", {}))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        return loose(extra)
    return schema.get("type") in (None, "object")


def test_document__every_json_success__typed(document: dict[str, Any]) -> None:
    """Each operation's JSON success answer has a schema a generated client can use; answers
    that are not JSON (the stream, the CSV, Prometheus's text) are declared with their own
    media types."""
    untyped = [
        f"{method} {path} {status}"
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for media, content in response.get("content", {}).items()
        if media == "application/json" and loose(content.get("schema", {}))
    ]

    assert untyped == []
