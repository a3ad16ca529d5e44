"""Flagstaff's answers against Unleash 8.2's own document: every GET operation both serve (with
data in place for each) and the main writes, each response body validated against the
operation's documented response schema, ``additionalProperties: false`` included.

What may differ is listed here, each with its reason: Flagstaff's extensions (also in
docs/extensions.md), and the places where Unleash's own server sends what its document does
not describe (checked against a running Unleash 8.2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.compat.coverage import flagstaff_operations, normalize
from tests.compat.unleash_schemas import extract, problems

EXTENSIONS_DOC = Path(__file__).resolve().parents[2] / "docs" / "extensions.md"
Operation = tuple[str, str]

USER = {"disabled": "a disabled person cannot log in (docs/service-accounts.md)"}
EVENT = {
    "tokenId": "which token made the change (docs/service-accounts.md, audit)",
    "tokenHint": "the token's recognisable prefix, for the same audit",
    "userAgent": "the client that made the change, for the same audit",
}
API_TOKEN = {
    "createdBy": "who created the token (credential inventory)",
    "createdByUserId": "the same, as an account id",
}
PROJECT = {
    "featureLimit": "the limit set with POST/PUT, readable back",
    "environments": "the environments enabled in the project",
}
# Keys Flagstaff adds on purpose, per operation.
EXTENSION_KEYS: dict[Operation, dict[str, str]] = {
    ("GET", "/api/admin/user"): USER,
    ("GET", "/api/admin/user-admin"): USER,
    ("GET", "/api/admin/user-admin/{id}"): USER,
    ("POST", "/api/admin/user-admin"): USER,
    ("GET", "/api/admin/events"): EVENT,
    ("GET", "/api/admin/events/{featureName}"): EVENT,
    ("GET", "/api/admin/search/events"): EVENT,
    ("GET", "/api/admin/api-tokens"): API_TOKEN,
    ("POST", "/api/admin/api-tokens"): API_TOKEN,
    ("GET", "/api/admin/projects"): PROJECT,
    ("GET", "/api/admin/instance-admin/statistics"): {
        "archivedFeatureToggles": "archived flags, counted apart from active ones",
        "serviceAccounts": "service accounts, counted apart from people",
        "customRootRoles": "custom root roles defined",
        "customRootRolesInUse": "custom root roles someone holds",
        "passwordAuthEnabled": "whether password login is on",
        "SCIMenabled": "always false: Flagstaff has no SCIM",
    },
}
# Keys Unleash 8.2's own server sends beyond its document; Flagstaff sends them as it does.
UNLEASH_OWN_KEYS: dict[Operation, frozenset[str]] = {
    ("POST", "/api/admin/playground/advanced"): frozenset(
        {"hasUnsatisfiedDependency", "featureEnabled"}
    ),
}
# Other places where Unleash's server contradicts its document, and Flagstaff follows the server.
UNLEASH_OWN_PROBLEMS: dict[Operation, tuple[str, ...]] = {
    # A tag type without a description: Unleash sends null.
    ("GET", "/api/admin/tag-types"): ("/description: null where the schema says string",),
    # Unleash wraps the tag type: {version, tagType}.
    ("GET", "/api/admin/tag-types/{name}"): (
        "/: Additional properties are not allowed ('tagType', 'version' were unexpected)",
        "/: 'name' is a required property",
    ),
    (
        "GET",
        "/api/admin/projects/{projectId}/features/{featureName}/environments/{environment}/strategies",
    ): ("/: list where the schema says object",),  # Unleash answers a list
}
# Operations of Unleash's document that need a body: (path, body, status).
WRITES: list[tuple[str, str, str, Any, int]] = [
    (
        "POST",
        "/api/admin/playground",
        "/api/admin/playground",
        {
            "environment": "development",
            "context": {"appName": "shop", "userId": 1, "properties": {"tier": 2, "beta": True}},
        },
        200,
    ),
    (
        "POST",
        "/api/admin/playground/advanced",
        "/api/admin/playground/advanced",
        {
            "environments": ["development", "production"],
            "projects": "*",
            "context": {"appName": "shop", "userId": "1,2", "properties": {"tier": 2}},
        },
        200,
    ),
    (
        "POST",
        "/api/admin/projects/{projectId}/features",
        "/api/admin/projects/shop/features",
        {"name": "fresh"},
        201,
    ),
    (
        "POST",
        "/api/admin/api-tokens",
        "/api/admin/api-tokens",
        {"tokenName": "backend", "type": "client", "environment": "development"},
        201,
    ),
    (
        "POST",
        "/api/admin/user-admin",
        "/api/admin/user-admin",
        {"email": "new@example.com", "rootRole": 3},
        201,
    ),
    ("POST", "/api/admin/segments", "/api/admin/segments", {"name": "s2", "constraints": []}, 201),
    (
        "POST",
        "/api/admin/user/tokens",
        "/api/admin/user/tokens",
        {"description": "ci", "expiresAt": "2099-01-01T00:00:00Z"},
        201,
    ),
    (
        "POST",
        "/api/admin/projects/{projectId}/features/{featureName}/environments/{environment}/strategies",
        "/api/admin/projects/shop/features/checkout/environments/development/strategies",
        {"name": "default"},
        200,
    ),
]


def seed(admin: TestClient) -> dict[str, Any]:
    """A project with flags in every state the answers describe, and one of everything else."""

    def ok(response: Any) -> Any:
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    flag = "/api/admin/projects/shop/features/checkout"
    ok(admin.post("/api/admin/projects", json={"id": "shop", "name": "Shop", "featureLimit": 10}))
    for name in ("checkout", "retired"):
        ok(admin.post("/api/admin/projects/shop/features", json={"name": name}))
    segment = ok(admin.post("/api/admin/segments", json={"name": "beta", "constraints": []}))
    strategy = ok(
        admin.post(
            f"{flag}/environments/development/strategies",
            json={
                "name": "flexibleRollout",
                "parameters": {"rollout": "50", "stickiness": "default", "groupId": "checkout"},
                "constraints": [{"contextName": "userId", "operator": "IN", "values": ["1"]}],
                "segments": [segment["id"]],
                "variants": [
                    {
                        "name": "blue",
                        "weight": 1000,
                        "weightType": "variable",
                        "stickiness": "default",
                    }
                ],
            },
        )
    )
    ok(admin.post(f"{flag}/environments/development/on"))
    ok(admin.delete("/api/admin/projects/shop/features/retired"))
    ok(admin.post("/api/admin/tag-types", json={"name": "team"}))
    ok(admin.post("/api/admin/features/checkout/tags", json={"type": "team", "value": "payments"}))
    secrets = {
        kind: ok(
            admin.post(
                "/api/admin/api-tokens",
                json={"tokenName": kind, "type": kind, "environment": "development"},
            )
        )["secret"]
        for kind in ("client", "frontend")
    }
    user = ok(admin.post("/api/admin/user-admin", json={"email": "u@example.com", "rootRole": 3}))
    addon = ok(
        admin.post(
            "/api/admin/addons",
            json={
                "provider": "webhook",
                "enabled": False,  # nothing is sent: the test needs no network
                "description": "audit hook",
                "parameters": {"url": "https://hooks.example.com/flagstaff"},
                "events": ["feature-created"],
            },
        )
    )
    ok(
        admin.post(
            "/api/admin/service-account", json={"name": "bot", "username": "bot", "rootRole": 2}
        )
    )
    return {
        "secrets": secrets,
        "addonId": addon["id"],
        "segmentId": segment["id"],
        "projectId": "shop",
        "featureName": "checkout",
        "environment": "development",
        "name": "development",
        "id": user["id"],
        "userId": user["id"],
        "strategyId": strategy["id"],
        "type": "team",
        "value": "payments",
        "roleId": 1,
        "contextField": "userId",
    }


# Path parameters whose value depends on the path (``name`` and ``id`` name different things).
PARAMETERS_UNDER = {
    "/api/admin/client-metrics/features/": {"name": "checkout"},
    "/api/admin/strategies/": {"name": "default"},
    "/api/admin/tag-types/": {"name": "team"},
    "/api/admin/segments/": {"id": "segmentId"},
    "/api/admin/addons/": {"id": "addonId"},
}
QUERIES = {"/api/admin/user/roles": "?projectId=shop"}


def concrete(path: str, values: dict[str, Any]) -> str | None:
    own = dict(values)
    for prefix, overrides in PARAMETERS_UNDER.items():
        if path.startswith(prefix):
            own.update({k: values.get(v, v) for k, v in overrides.items()})
    missing = [name for name in re.findall(r"\{(\w+)\}", path) if name not in own]
    if missing:
        return None
    return re.sub(r"\{(\w+)\}", lambda m: str(own[m.group(1)]), path) + QUERIES.get(path, "")


def credential(path: str, values: dict[str, Any]) -> dict[str, str]:
    """The SDK APIs take their own kind of token; the rest the admin's session."""
    for prefix, kind in (("/api/client/", "client"), ("/api/frontend", "frontend")):
        if path.startswith(prefix):
            return {"Authorization": values["secrets"][kind]}
    return {}


def shared_gets(app: FastAPI, values: dict[str, Any]) -> list[tuple[str, str]]:
    """Every GET with a documented JSON answer that Flagstaff serves too, as (path, URL)."""
    served = flagstaff_operations(app.openapi())
    found = []
    for path, methods in sorted(extract()["paths"].items()):
        if "GET" in methods and ("GET", normalize(path)) in served:
            url = concrete(path, values)
            if url is not None:
                found.append((path, url))
    return found


def test_responses__shared_operations__match_unleash_8_2_document(
    app: FastAPI, admin_client: TestClient
) -> None:
    values = seed(admin_client)
    calls = [("GET", path, url, None, 200) for path, url in shared_gets(app, values)]
    found: list[str] = []
    for method, path, url, body, status in [*calls, *WRITES]:
        response = admin_client.request(method, url, json=body, headers=credential(path, values))
        if response.status_code != status:
            found.append(f"{method} {url}: {response.status_code} {response.text[:200]}")
            continue
        allowed = frozenset(EXTENSION_KEYS.get((method, path), {})) | UNLEASH_OWN_KEYS.get(
            (method, path), frozenset()
        )
        tolerated = UNLEASH_OWN_PROBLEMS.get((method, path), ())
        for problem in problems(method, path, status, response.json(), allowed):
            if not any(problem.endswith(known) for known in tolerated):
                found.append(f"{method} {path}: {problem}")
    assert len(calls) >= 50, [c[1] for c in calls]  # the walk reaches the shared operations
    assert found == [], "\n".join(found)


def test_responses__playground__context_echoed_as_text(admin_client: TestClient) -> None:
    """As Unleash: numbers and booleans in the context are evaluated, and shown, as text."""
    context = {"appName": "shop", "userId": 1, "properties": {"tier": 2, "beta": True}}

    simple = admin_client.post(
        "/api/admin/playground", json={"environment": "development", "context": context}
    )
    advanced = admin_client.post(
        "/api/admin/playground/advanced",
        json={"environments": ["development"], "context": context},
    )

    for response in (simple, advanced):
        assert response.status_code == 200, response.text
        assert response.json()["input"]["context"] == {
            "appName": "shop",
            "userId": "1",
            "properties": {"tier": "2", "beta": "true"},
        }


def test_responses__dropped_keys__absent(admin_client: TestClient) -> None:
    """Keys Unleash's schemas forbid and that said nothing new: not sent any more."""
    seed(admin_client)

    me = admin_client.get("/api/admin/user").json()["user"]
    users = admin_client.get("/api/admin/user-admin").json()["users"]
    flag = admin_client.get("/api/admin/projects/shop/features/checkout").json()
    listed = admin_client.get("/api/admin/projects/shop/features").json()["features"]

    assert "isAPI" not in me
    assert all("isAPI" not in user for user in users)
    assert "lastSeenAt" not in flag
    assert all("lastSeenAt" in env for env in flag["environments"])
    assert all(not {"project", "archivedAt"} & set(item) for item in listed)


def test_extensions__each_documented() -> None:
    text = EXTENSIONS_DOC.read_text()
    for (method, path), keys in EXTENSION_KEYS.items():
        assert f"`{method} {path}`" in text, (method, path)
        for key in keys:
            assert f"`{key}`" in text, (method, path, key)
