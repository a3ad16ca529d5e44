"""Shortcuts for federation tests: trust policies through the Admin API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

GITHUB = "https://token.actions.githubusercontent.com"


def policies_url(account_id: int) -> str:
    return f"/api/admin/service-account/{account_id}/trust-policies"


def policy_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "deploy from main",
        "issuer": GITHUB,
        "audience": "https://flagstaff.example.com",
        "conditions": {"repository": "acme/shop", "ref": "refs/heads/main"},
    }
    body.update(fields)
    return body


def create_policy(client: TestClient, account_id: int, **fields: Any) -> dict[str, Any]:
    response = client.post(policies_url(account_id), json=policy_body(**fields))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


EXCHANGE = "/api/auth/oidc/token"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"


def exchange(
    client: TestClient, token: str, *, service_account: str | None = None, form: bool = True
) -> Any:
    """POST the exchange as RFC 8693 asks (form-encoded), or as JSON."""
    body = {"grant_type": GRANT_TYPE, "subject_token": token, "subject_token_type": ID_TOKEN_TYPE}
    if service_account is not None:
        body["service_account"] = service_account
    if form:
        return client.post(EXCHANGE, data=body)
    return client.post(EXCHANGE, json=body)
