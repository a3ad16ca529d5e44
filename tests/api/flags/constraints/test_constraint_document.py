"""The document states what the constraint check refuses: for each constraint, the server's
answer and the document's schema agree (the schema is for the document only, the messages are
the service's own)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

URL = "/api/admin/constraints/validate"


def constraint_schema(client: TestClient) -> Draft202012Validator:
    document = client.get("/docs/openapi.json").json()
    schema = {
        **document["components"]["schemas"]["ConstraintIn"],
        "components": document["components"],
    }
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize(
    ("constraint", "valid"),
    [
        ({"contextName": "userId", "operator": "IN", "values": ["1"]}, True),
        ({"contextName": "userId", "operator": "IN", "values": [""]}, False),
        ({"contextName": "userId", "operator": "IN", "value": ""}, False),
        ({"contextName": " ", "operator": "IN", "values": ["1"]}, False),
        ({"contextName": "userId", "operator": "LIKE", "values": ["1"]}, False),
        ({"contextName": "age", "operator": "NUM_GTE", "value": "-3.5"}, True),
        ({"contextName": "age", "operator": "NUM_GTE", "value": "three"}, False),
        ({"contextName": "age", "operator": "NUM_EQ"}, False),
        (
            {
                "contextName": "currentTime",
                "operator": "DATE_AFTER",
                "value": "2024-01-01T00:00:00Z",
            },
            True,
        ),
        ({"contextName": "currentTime", "operator": "DATE_BEFORE", "value": "soon"}, False),
        ({"contextName": "version", "operator": "SEMVER_LT", "value": "2.0.0-rc.1"}, True),
        ({"contextName": "version", "operator": "SEMVER_EQ", "value": "v2"}, False),
        ({"contextName": "userId", "operator": "REGEX", "value": "^[a-z]+$"}, True),
        ({"contextName": "userId", "operator": "REGEX", "value": "(unclosed"}, False),
    ],
)
def test_constraint_document__server_and_schema__agree(
    admin_client: TestClient, constraint: dict[str, Any], valid: bool
) -> None:
    accepted = admin_client.post(URL, json=constraint).status_code == 204
    by_schema = constraint_schema(admin_client).is_valid(constraint)
    assert (accepted, by_schema) == (valid, valid)


def test_playground_document__context__requires_app_name(admin_client: TestClient) -> None:
    schemas = admin_client.get("/docs/openapi.json").json()["components"]["schemas"]
    for name in ("PlaygroundIn", "AdvancedPlaygroundIn"):
        assert schemas[name]["properties"]["context"]["required"] == ["appName"]


def test_strategy_definition_document__parameter__names_a_non_blank_name(
    admin_client: TestClient,
) -> None:
    schemas = admin_client.get("/docs/openapi.json").json()["components"]["schemas"]
    parameter = schemas["DefinitionParameterIn"]
    assert "name" in parameter["required"]
    assert parameter["properties"]["name"]["pattern"] == r"\S"
