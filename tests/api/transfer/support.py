"""Building a source project with one of everything an export carries, and reading the Client
API's view of a project and environment."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.flags.support import (
    add_strategy,
    create_flag,
    env_url,
    features_url,
    seed_environment_variants,
)

BASE = "/api/admin/features-batch"
EXPORT, VALIDATE, IMPORT = f"{BASE}/export", f"{BASE}/validate", f"{BASE}/import"


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json() if response.content else None


def build_source(client: TestClient, project: str = "default", prefix: str = "src") -> None:
    """Two flags in ``project``/development: a parent, and a tagged child with a segment, a
    context field with legal values, strategy and environment variants, and a dependency."""
    ok(client.post("/api/admin/tag-types", json={"name": "team", "description": "Owners"}))
    ok(
        client.post(
            "/api/admin/context",
            json={
                "name": "region",
                "legalValues": [{"value": "eu"}, {"value": "us", "description": "States"}],
            },
        )
    )
    segment = ok(
        client.post(
            "/api/admin/segments",
            json={
                "name": "beta",
                "constraints": [{"contextName": "userId", "operator": "IN", "values": ["1"]}],
            },
        )
    )
    parent, child = f"{prefix}-parent", f"{prefix}-child"
    create_flag(client, parent, project, description="Parent")
    create_flag(client, child, project, type="experiment", impressionData=True)
    ok(client.put(f"/api/admin/features/{child}/tags", json={"addedTags": [team("pay")]}))
    add_strategy(client, parent, project=project)
    add_strategy(
        client,
        child,
        project=project,
        name="flexibleRollout",
        title="EU half",
        parameters={"rollout": "50", "stickiness": "region", "groupId": child},
        constraints=[{"contextName": "region", "operator": "IN", "values": ["eu"]}],
        segments=[segment["id"]],
        variants=[
            {"name": "blue", "weight": 1000, "weightType": "variable", "stickiness": "default"}
        ],
    )
    add_strategy(client, child, project=project, name="userWithId", parameters={"userIds": "7"})
    seed_environment_variants(
        client,
        child,
        [
            {"name": "a", "weight": 500, "weightType": "variable", "stickiness": "default"},
            {
                "name": "b",
                "weight": 500,
                "weightType": "variable",
                "stickiness": "default",
                "payload": {"type": "string", "value": "x"},
            },
        ],
        project=project,
    )
    for flag in (parent, child):
        ok(client.post(env_url(flag, "development", project) + "/on"))
    ok(
        client.post(
            features_url(project, child, "dependencies"),
            json={"feature": parent, "enabled": True},
        )
    )


def team(value: str) -> dict[str, str]:
    return {"type": "team", "value": value}


def export(client: TestClient, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.post(EXPORT, json=query))
    return result


def client_payload(
    client: TestClient, context: AppContext, project: str, environment: str
) -> list[dict[str, Any]]:
    """The Client API's flags for the project and environment, without what differs by
    construction between two copies (strategy ids, the project)."""
    secret = make_api_token(context, "client", environment=environment, projects=[project])
    body = ok(client.get("/api/client/features", headers=auth(secret)))
    flags = []
    for flag in body["features"]:
        flag = {k: v for k, v in flag.items() if k != "project"}
        flag["strategies"] = [
            {k: v for k, v in s.items() if k != "id"} for s in flag.get("strategies", [])
        ]
        flags.append(flag)
    return sorted(flags, key=lambda f: str(f["name"]))
