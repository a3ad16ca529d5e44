"""The token lifecycle screens in a real browser: rotating with a grace window, switching a
service account off and on, and revoking a selection from the Tokens page."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from flagstaff.http.context import AppContext
from tests.factories import UserHandle
from tests.web.conftest import LiveServer
from tests.web.factories import make_pat, make_sa_token, make_service_account
from tests.web.helpers import log_in

SECRET = re.compile(r"^user:fsa_[0-9A-Za-z]{38}$")


def _api_status(base: str, secret: str) -> int:
    with httpx.Client(base_url=base) as api:
        return api.get("/api/admin/user", headers={"Authorization": secret}).status_code


def test_browser__rotate_with_grace__successor_shown_once_old_valid_until(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    base = live_server.url
    account = make_service_account(context, name="Deployer", username="service-deployer")
    old_secret = make_sa_token(context, account.id, description="deploy")
    log_in(page, base, "admin")
    page.goto(f"{base}/admin/service-accounts/{account.id}/edit")

    page.get_by_role("link", name="Rotate token deploy").click()
    expect(page.get_by_role("heading", name="Rotate token “deploy”")).to_be_visible()
    page.get_by_label("Old secret keeps working for").select_option(label="1 day")
    page.get_by_role("button", name="Rotate token").click()

    dialog = page.locator("dialog[data-show-once]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Token rotated")
    new_secret = dialog.locator("[data-secret]").input_value()
    assert SECRET.match(new_secret), new_secret
    assert new_secret != old_secret
    page.get_by_role("link", name="Close").click()
    expect(dialog).to_have_count(0)
    assert new_secret not in page.content()
    rows = page.locator("#tokens tr[data-token='deploy']")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(re.compile(r"Rotated, valid until \d+ \w+ \d{4}"))
    expect(rows.nth(1)).to_contain_text("Active")
    assert _api_status(base, old_secret) == 200
    assert _api_status(base, new_secret) == 200


def test_browser__service_account__disable_then_enable(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    base = live_server.url
    make_service_account(context, name="Deployer", username="service-deployer")
    account = make_service_account(context, name="Reporter", username="service-reporter")
    secret = make_sa_token(context, account.id)
    log_in(page, base, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Service accounts").click()
    row = page.locator("#service-accounts tbody tr", has_text="Reporter")

    row.get_by_role("button", name="Disable Reporter").click()

    expect(page.get_by_role("status")).to_contain_text("Reporter is disabled")
    expect(row.locator("[data-account-state]")).to_have_text("Disabled")
    expect(page.locator("#service-accounts tbody tr", has_text="Deployer")).not_to_contain_text(
        "Disabled"
    )
    assert _api_status(base, secret) == 401

    row.get_by_role("link", name="Reporter", exact=True).click()
    page.get_by_role("button", name="Enable service account").click()

    expect(page.get_by_role("status")).to_contain_text("Reporter is enabled again")
    expect(page.locator("[data-account-state]")).to_have_count(0)
    expect(page.get_by_role("button", name="Disable service account")).to_be_visible()
    assert _api_status(base, secret) == 200


def test_browser__tokens_page__filter_then_revoke_the_selection(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    base = live_server.url
    make_pat(context, admin.id, description="laptop")
    account = make_service_account(context, name="CI pipeline", username="service-ci")
    deploy = make_sa_token(context, account.id, description="deploy")
    nightly = make_sa_token(context, account.id, description="nightly")
    log_in(page, base, "admin")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Tokens", exact=True
    ).click()
    rows = page.locator("#token-inventory tbody tr")
    expect(rows).to_have_count(3)

    page.get_by_label("Kind").select_option(label="Service account")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#token-inventory")).not_to_contain_text("laptop")
    page.get_by_role("checkbox", name="Select deploy of CI pipeline").check()
    page.get_by_role("checkbox", name="Select nightly of CI pipeline").check()
    page.get_by_role("button", name="Revoke selected…").click()

    expect(page.get_by_role("heading", name="Revoke 2 tokens?")).to_be_visible()
    expect(page.locator(".confirm-card")).to_contain_text("nightly")
    page.get_by_role("button", name="Revoke 2 tokens").click()

    expect(page.get_by_role("status")).to_contain_text("2 tokens revoked")
    assert _api_status(base, deploy) == 401
    assert _api_status(base, nightly) == 401
    page.get_by_label("State").select_option(label="Revoked")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    expect(rows.get_by_role("checkbox")).to_have_count(0)
