"""Trust policies in a file: written through the federation service, compared by name, and
held to the same rules as the Admin API's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.provisioning.helpers import actions, applied, apply, event_count, service_account

FILE = """\
version: 1
projects:
  - id: shop
    name: Shop
serviceAccounts:
  - username: shop-deployer
    name: Shop deployer
    rootRole: Editor
    trustPolicies:
      - name: github-main
        issuer: https://token.actions.githubusercontent.com
        audience: flagstaff
        conditions:
          repository: acme/shop
          ref: refs/heads/main
        maxTokenLifetimeSeconds: 900
        scopes:
          projects: [shop]
      - name: gitlab
        issuer: https://gitlab.example.com
        audience: flagstaff
        conditions:
          project_path: acme/*
"""


def _policies(client: TestClient, username: str) -> list[dict[str, Any]]:
    account = service_account(client, username)
    assert account is not None
    response = client.get(f"/api/admin/service-account/{account['id']}/trust-policies")
    assert response.status_code == 200, response.text
    body = response.json()
    policies: list[dict[str, Any]] = body["trustPolicies"] if isinstance(body, dict) else body
    return policies


def test_trust_policies__created_then_unchanged(admin_client: TestClient) -> None:
    plan = applied(admin_client, FILE)

    fields = {c["name"]: c for c in plan["changes"]}["shop-deployer"]["fields"]
    assert [p["name"] for p in fields["trustPolicies"]["to"]] == ["github-main", "gitlab"]
    policies = {p["name"]: p for p in _policies(admin_client, "shop-deployer")}
    assert policies["github-main"]["conditions"] == {
        "ref": "refs/heads/main",
        "repository": "acme/shop",
    }
    assert policies["github-main"]["maxTokenLifetimeSeconds"] == 900
    assert policies["github-main"]["scopes"]["projects"] == ["shop"]
    assert policies["gitlab"]["maxTokenLifetimeSeconds"] == 3600
    events = event_count(admin_client)

    again = applied(admin_client, FILE)

    assert set(actions(again).values()) == {"unchanged"}
    assert event_count(admin_client) == events


def test_trust_policies__changed_and_dropped__replaced_and_deleted(
    admin_client: TestClient,
) -> None:
    applied(admin_client, FILE)
    changed = FILE.replace("refs/heads/main", "refs/heads/release").split("      - name: gitlab")[0]
    before = {p["name"]: p["id"] for p in _policies(admin_client, "shop-deployer")}

    plan = applied(admin_client, changed)

    assert actions(plan)["serviceAccount shop-deployer"] == "update"
    after = _policies(admin_client, "shop-deployer")
    assert [(p["name"], p["id"]) for p in after] == [("github-main", before["github-main"])]
    assert after[0]["conditions"]["ref"] == "refs/heads/release"
    types = [e["type"] for e in admin_client.get("/api/admin/events").json()["events"]]
    assert "service-account-trust-policy-updated" in types
    assert "service-account-trust-policy-deleted" in types


def test_trust_policies__refused_by_the_rules__400_with_lines(admin_client: TestClient) -> None:
    text = """\
version: 1
serviceAccounts:
  - username: bad
    name: Bad
    rootRole: Viewer
    trustPolicies:
      - name: plain-http
        issuer: http://issuer.example.com
        audience: flagstaff
        conditions: {sub: "repo:acme/*"}
      - name: long
        issuer: https://issuer.example.com
        audience: flagstaff
        conditions: {sub: x}
        maxTokenLifetimeSeconds: 86400
        scopes: {projects: [nowhere]}
"""

    response = apply(admin_client, text)

    assert response.status_code == 400, response.text
    details = response.json()["details"]
    assert [int(d["line"]) for d in details] == [7, 11, 11], details
    messages = " | ".join(d["message"] for d in details)
    assert "https" in messages
    assert "maxTokenLifetimeSeconds is at most 3600" in messages
    assert "unknown projects: nowhere" in messages
    assert service_account(admin_client, "bad") is None
    wildcard = text.replace('"repo:acme/*"', '"*"').split("      - name: long")[0]
    refused = apply(admin_client, wildcard)
    assert refused.status_code == 400
    assert [d["line"] for d in refused.json()["details"]] == ["10"]
