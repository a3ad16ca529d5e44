"""Applying a file over HTTP: create, a second run that changes nothing, updates, dry runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.provisioning.helpers import (
    EXAMPLE,
    actions,
    applied,
    event_count,
    service_account,
)
from tests.factories import UserHandle, make_user


@pytest.fixture
def alice(context: AppContext) -> UserHandle:
    return make_user(context, role="Editor", username="alice")


def _events(client: TestClient, since: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get("/api/admin/events").json()["events"]
    return [e for e in events if e["id"] > since]


def _last_event_id(client: TestClient) -> int:
    events = client.get("/api/admin/events").json()["events"]
    return max((e["id"] for e in events), default=0)


def test_apply__new_objects__created_through_their_services_under_the_caller(
    admin_client: TestClient, alice: UserHandle
) -> None:
    before = _last_event_id(admin_client)

    plan = applied(admin_client, EXAMPLE)

    assert plan["applied"] is True
    assert actions(plan) == {
        "role flag-operator": "create",
        "project shop": "create",
        "serviceAccount ci-deployer": "create",
    }
    assert plan["summary"] == {"create": 3, "update": 0, "unchanged": 0, "delete": 0}
    account = service_account(admin_client, "ci-deployer")
    assert account is not None
    assert account["name"] == "CI deployer"
    assert account["rootRole"] == 3  # Viewer
    assert [m["username"] for m in account["managers"]] == ["alice"]
    project = admin_client.get("/api/admin/projects/shop").json()
    assert project["name"] == "Shop"
    assert project["mode"] == "protected"
    access = admin_client.get("/api/admin/projects/shop/access").json()
    held = {(u["id"], tuple(u["roles"])) for u in access["users"]}
    role = next(
        r
        for r in admin_client.get("/api/admin/roles").json()["roles"]
        if r["name"] == "flag-operator"
    )
    assert held == {(account["id"], (role["id"],))}
    permissions = admin_client.get(f"/api/admin/roles/{role['id']}").json()["permissions"]
    assert {(p["name"], p.get("environment")) for p in permissions} == {
        ("UPDATE_FEATURE", None),
        ("UPDATE_FEATURE_ENVIRONMENT", "production"),
    }
    events = _events(admin_client, before)
    assert {e["createdBy"] for e in events} == {"admin"}
    assert {e["type"] for e in events} >= {
        "role-created",
        "project-created",
        "service-account-created",
        "project-access-user-roles-updated",
        "service-account-updated",  # the managers
        "provisioning-applied",
    }
    ledger = next(e for e in events if e["type"] == "provisioning-applied")
    assert ledger["data"]["file"] == "platform"
    assert ledger["data"]["created"]["serviceAccounts"] == [
        {"id": account["id"], "name": "ci-deployer"}
    ]


def test_apply__second_run__all_unchanged_and_no_event(
    admin_client: TestClient, alice: UserHandle
) -> None:
    applied(admin_client, EXAMPLE)
    events = event_count(admin_client)

    plan = applied(admin_client, EXAMPLE)

    assert set(actions(plan).values()) == {"unchanged"}
    assert plan["applied"] is False
    assert event_count(admin_client) == events


def test_apply__changed_fields__update_with_only_what_changes(
    admin_client: TestClient, alice: UserHandle, context: AppContext
) -> None:
    applied(admin_client, EXAMPLE)
    make_user(context, role="Viewer", username="bob", email="bob@example.com")
    changed = (
        EXAMPLE.replace("name: CI deployer", "name: CI deployer (prod)")
        .replace("rootRole: Viewer", "rootRole: Editor")
        .replace("managers: [alice]", "managers: [alice, BOB@example.com]")
        .replace("environments: [production]", "environments: [production, development]")
        .replace("mode: protected", "mode: private")
        .replace("        role: Member\n", "        role: Owner\n")
    )

    plan = applied(admin_client, changed)

    by_name = {c["name"]: c for c in plan["changes"]}
    assert by_name["ci-deployer"]["action"] == "update"
    assert by_name["ci-deployer"]["fields"] == {
        "name": {"from": "CI deployer", "to": "CI deployer (prod)"},
        "rootRole": {"from": "Viewer", "to": "Editor"},
        "projectRoles": {
            "from": [
                {"project": "default", "role": "Member"},
                {"project": "shop", "role": "flag-operator"},
            ],
            "to": [
                {"project": "default", "role": "Owner"},
                {"project": "shop", "role": "flag-operator"},
            ],
        },
        "managers": {"from": ["alice"], "to": ["alice", "bob"]},
    }
    assert by_name["flag-operator"]["fields"] == {
        "permissions": {
            "from": ["UPDATE_FEATURE", "UPDATE_FEATURE_ENVIRONMENT:production"],
            "to": [
                "UPDATE_FEATURE",
                "UPDATE_FEATURE_ENVIRONMENT:development",
                "UPDATE_FEATURE_ENVIRONMENT:production",
            ],
        }
    }
    assert by_name["shop"]["fields"] == {"mode": {"from": "protected", "to": "private"}}
    account = service_account(admin_client, "ci-deployer")
    assert account is not None
    assert account["rootRole"] == 2
    assert sorted(m["username"] for m in account["managers"]) == ["alice", "bob"]
    assert set(actions(applied(admin_client, changed)).values()) == {"unchanged"}


def test_apply__dry_run__answers_the_plan_and_changes_nothing(
    admin_client: TestClient, alice: UserHandle
) -> None:
    events = event_count(admin_client)

    plan = applied(admin_client, EXAMPLE, dryRun=True)

    assert plan["dryRun"] is True
    assert plan["applied"] is False
    assert set(actions(plan).values()) == {"create"}
    assert service_account(admin_client, "ci-deployer") is None
    assert admin_client.get("/api/admin/projects/shop").status_code == 404
    assert event_count(admin_client) == events
    # and the real run afterwards does what the dry run said
    assert actions(applied(admin_client, EXAMPLE)) == actions(plan)


def test_apply__omitted_lists__left_as_they_are(
    admin_client: TestClient, alice: UserHandle
) -> None:
    applied(admin_client, EXAMPLE)
    without_lists = EXAMPLE.split("    projectRoles:")[0]

    plan = applied(admin_client, without_lists)

    assert actions(plan)["serviceAccount ci-deployer"] == "unchanged"
    account = service_account(admin_client, "ci-deployer")
    assert account is not None
    assert [m["username"] for m in account["managers"]] == ["alice"]


def test_apply__the_example_in_docs__applies_and_then_is_unchanged(
    admin_client: TestClient, alice: UserHandle, context: AppContext
) -> None:
    make_user(context, role="Viewer", username="bob", email="bob@example.com")
    doc = (Path(__file__).parents[3] / "docs" / "provisioning.md").read_text()
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]

    plan = applied(admin_client, example)

    assert actions(plan) == {
        "role flag-operator": "create",
        "project shop": "create",
        "serviceAccount shop-deployer": "create",
    }
    assert set(actions(applied(admin_client, example)).values()) == {"unchanged"}


def test_apply__custom_root_role_and_left_out_permissions__in_one_file(
    admin_client: TestClient,
) -> None:
    text = """\
version: 1
roles:
  - name: auditor
    type: root
    permissions: [READ_CLIENT_API_TOKEN]
serviceAccounts:
  - username: audit-bot
    name: Audit bot
    rootRole: auditor
"""
    applied(admin_client, text)
    account = service_account(admin_client, "audit-bot")
    roles = {r["name"]: r["id"] for r in admin_client.get("/api/admin/roles").json()["roles"]}
    assert account is not None
    assert account["rootRole"] == roles["auditor"]

    described = text.replace(
        "    permissions: [READ_CLIENT_API_TOKEN]\n", "    description: Reads\n"
    )
    plan = applied(admin_client, described)

    assert {c["name"]: c.get("fields") for c in plan["changes"]}["auditor"] == {
        "description": {"from": "", "to": "Reads"}
    }
    permissions = admin_client.get(f"/api/admin/roles/{roles['auditor']}").json()["permissions"]
    assert [p["name"] for p in permissions] == ["READ_CLIENT_API_TOKEN"]
