"""Shortcuts for playground tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.flags.support import env_url

PLAYGROUND = "/api/admin/playground"
ADVANCED = "/api/admin/playground/advanced"


def turn_on(client: TestClient, feature: str, env: str = "development") -> None:
    response = client.post(env_url(feature, env) + "/on")
    assert response.status_code == 200, response.text


def play(
    client: TestClient, env: str = "development", projects: Any = None, **context: Any
) -> dict[str, dict[str, Any]]:
    """The simple playground's answer, by flag name."""
    body: dict[str, Any] = {"environment": env, "context": {"appName": "test", **context}}
    if projects is not None:
        body["projects"] = projects
    response = client.post(PLAYGROUND, json=body)
    assert response.status_code == 200, response.text
    return {f["name"]: f for f in response.json()["features"]}
