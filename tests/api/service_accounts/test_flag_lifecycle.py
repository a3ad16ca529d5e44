"""The headline, end to end over HTTP: an account's token changes flags under its own name."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.service_accounts.helpers import BASE, bearer, create_account, create_token

FEATURES = "/api/admin/projects/default/features"


def test_service_account_token__creates_and_toggles_a_flag__audited_then_revoked(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account = create_account(admin_client, "service-release", role="Editor")
    token = create_token(admin_client, account["id"], "release bot")
    bot = new_client()
    bot.headers.update(bearer(token["secret"]))

    created = bot.post(FEATURES, json={"name": "new-checkout", "description": "by the bot"})
    assert created.status_code == 201, created.text
    toggled = bot.post(f"{FEATURES}/new-checkout/environments/development/on")
    assert toggled.status_code == 200, toggled.text

    events = admin_client.get("/api/admin/search/events?feature=IS:new-checkout").json()["events"]
    by_type = {e["type"]: e for e in events}
    assert by_type["feature-created"]["createdBy"] == "service-release"
    assert by_type["feature-created"]["createdByUserId"] == account["id"]
    assert by_type["feature-environment-enabled"]["createdBy"] == "service-release"

    assert admin_client.delete(f"{BASE}/{account['id']}/token/{token['id']}").status_code == 200
    refused = bot.post(f"{FEATURES}/new-checkout/environments/development/off")
    assert refused.status_code == 401


def test_viewer_service_account_with_member_role__changes_only_its_project(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    project = admin_client.post("/api/admin/projects", json={"id": "checkout", "name": "Checkout"})
    assert project.status_code in (200, 201), project.text
    account = create_account(admin_client, "service-checkout", role="Viewer")
    access = admin_client.put(
        f"/api/admin/projects/checkout/users/{account['id']}/roles", json={"roles": [5]}
    )
    assert access.status_code == 200, access.text
    bot = new_client()
    bot.headers.update(bearer(create_token(admin_client, account["id"])["secret"]))

    inside = bot.post("/api/admin/projects/checkout/features", json={"name": "pay-later"})
    assert inside.status_code == 201, inside.text
    outside = bot.post(FEATURES, json={"name": "elsewhere"})
    assert outside.status_code == 403
    assert "CREATE_FEATURE" in outside.json()["message"]
