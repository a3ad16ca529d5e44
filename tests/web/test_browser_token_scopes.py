"""Limiting a token in a real browser: the "Limit this token" section of the new-token form, the
token's scope in the table afterwards, and what the API lets the secret do."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from flagstaff.http.context import AppContext
from tests.factories import UserHandle
from tests.web.conftest import LiveServer
from tests.web.factories import make_service_account, token_id, token_record
from tests.web.helpers import log_in

SECRET = re.compile(r"^user:fsa_[0-9A-Za-z]{38}$")


def test_browser__scoped_token_through_the_form__scope_shown_in_the_table(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    base = live_server.url
    account = make_service_account(context, name="Release bot", username="service-release-bot")
    log_in(page, base, "admin")
    page.goto(f"{base}/admin/service-accounts/{account.id}/edit")
    form = page.locator("#new-token")
    form.get_by_label("Description").fill("release")

    form.get_by_text("Limit this token").click()
    form.get_by_text("Environment permissions").click()
    toggles = form.get_by_role("checkbox", name="Enable/disable flags")
    expect(toggles).to_be_disabled()  # ticks count only once "chosen" is picked
    form.get_by_label("Only the permissions ticked below").check()
    toggles.check()
    form.get_by_role("checkbox", name="Default", exact=True).check()
    form.get_by_role("checkbox", name="production", exact=True).check()
    form.get_by_role("button", name="Create token").click()

    dialog = page.locator("dialog[data-show-once]")
    expect(dialog).to_be_visible()
    secret = dialog.locator("[data-secret]").input_value()
    assert SECRET.match(secret), secret
    page.get_by_role("link", name="Close").click()
    scope = page.locator("#tokens tr[data-token='release'] [data-token-scope]")
    expect(scope).to_contain_text("Enable/disable flags · default · production")
    scope.focus()
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Environments: production")
    record = token_record(context, token_id(context, "release"))
    assert record.scopes == {
        "permissions": ["UPDATE_FEATURE_ENVIRONMENT"],
        "projects": ["default"],
        "environments": ["production"],
    }
    with httpx.Client(base_url=base, headers={"Authorization": secret}) as api:
        assert api.get("/api/admin/user").status_code == 200
        assert api.post("/api/admin/projects", json={"id": "x", "name": "X"}).status_code == 403
