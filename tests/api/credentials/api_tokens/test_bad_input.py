"""Refused requests answer in Unleash's error body and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import BASE, counts, create_via_api, in_days

GOOD = {"tokenName": "sdk", "type": "client", "environment": "development"}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({**GOOD, "environment": "staging"}, "Environment=staging does not exist"),
        ({**GOOD, "projects": ["nope"]}, "Project=nope does not exist"),
        ({**GOOD, "projects": ["default", "nope"]}, "Project=nope does not exist"),
        ({**GOOD, "project": "nope"}, "Project=nope does not exist"),
        ({**GOOD, "environment": "*"}, "Client token cannot be scoped to all environments"),
        (
            {**GOOD, "type": "frontend", "environment": "*"},
            "Frontend token cannot be scoped to all environments",
        ),
        (
            {**GOOD, "type": "admin", "environment": "*", "projects": ["default"]},
            "Admin token cannot be scoped to single project",
        ),
        ({**GOOD, "type": "admin"}, "Admin token cannot be scoped to single environment"),
        ({**GOOD, "expiresAt": "2001-01-01T00:00:00Z"}, "The expiry date should be in future."),
        ({**GOOD, "expiresAt": "next tuesday"}, "expiresAt"),
        ({**GOOD, "expiresAt": 1700000000}, "expiresAt"),
        ({"type": "client"}, "tokenName"),
        ({**GOOD, "tokenName": ""}, "tokenName"),
        ({**GOOD, "tokenName": "   "}, "tokenName"),
        ({**GOOD, "tokenName": 5}, "tokenName"),
        ({**GOOD, "tokenName": "x" * 256}, "tokenName"),
        ({**GOOD, "type": "superuser"}, "type"),
        ({"tokenName": "sdk"}, "type"),
        ({**GOOD, "projects": []}, "projects"),
        ({**GOOD, "projects": "default"}, "projects"),
        ({**GOOD, "projects": [1]}, "projects"),
        ({**GOOD, "project": "default", "projects": ["other"]}, "not both"),
        ({**GOOD, "environment": "e" * 101}, "environment"),
    ],
)
def test_create__bad_input__400_naming_problem_nothing_written(
    admin_client: TestClient, context: AppContext, body: dict[str, Any], needle: str
) -> None:
    before = counts(context)
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) >= {"id", "name", "message", "details"}
    assert needle in response.text
    assert counts(context) == before


def test_create__not_json__415(admin_client: TestClient, context: AppContext) -> None:
    before = counts(context)
    response = admin_client.post(
        BASE, content=b"tokenName=sdk", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["name"] == "ContentTypeError"
    assert counts(context) == before


def test_create__malformed_json__400(admin_client: TestClient, context: AppContext) -> None:
    response = admin_client.post(
        BASE, content=b'{"tokenName": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


@pytest.mark.parametrize("body", [{}, {"expiresAt": "soon"}, {"expiresAt": None}, []])
def test_update__bad_body__400_nothing_changed(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    created = create_via_api(admin_client)
    before = counts(context)
    response = admin_client.put(f"{BASE}/{created['secret']}", json=body)
    assert response.status_code == 400
    assert counts(context) == before
    assert admin_client.get(BASE).json()["tokens"][0]["expiresAt"] is None


def test_update__expiry_in_past__allowed_as_revocation(
    admin_client: TestClient, client: TestClient
) -> None:
    created = create_via_api(admin_client, type="admin", environment="*")
    response = admin_client.put(f"{BASE}/{created['secret']}", json={"expiresAt": in_days(-1)})
    assert response.status_code == 200
    assert client.get(BASE, headers={"Authorization": created["secret"]}).status_code == 401
