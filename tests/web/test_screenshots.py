"""Screenshots of the main screens at a laptop and a phone width, for people to look at.

They land in test-artifacts/screenshots/ (ignored by git)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID
from flagstaff.rbac.principal import TokenScope
from flagstaff.roles.service import PermissionRef, RoleService
from tests.factories import UserHandle, make_user
from tests.web.conftest import LAPTOP, PHONE, SCREENSHOTS, LiveServer
from tests.web.factories import (
    admin_principal,
    make_managers,
    make_sa_token,
    make_service_account,
    record_addresses,
    token_id,
)
from tests.web.helpers import log_in

pytestmark = pytest.mark.engine_independent

SIZES = {"laptop": LAPTOP, "phone": PHONE}


def _seed(context: AppContext, base: str) -> dict[str, int]:
    ada = make_user(
        context, username="ada", name="Ada Lovelace", email="ada@example.com", role="Editor"
    )
    make_user(context, username="grace", name="Grace Hopper", role="Viewer")
    ci = make_service_account(context, name="CI pipeline", username="service-ci-pipeline")
    secret = make_sa_token(context, ci.id, description="GitHub Actions deploy")
    make_sa_token(context, ci.id, description="Nightly smoke tests", days=5)
    make_sa_token(context, ci.id, description="Old Jenkins", days=2)
    make_sa_token(context, ci.id, description="Terraform state", days=365 * 1000)
    with context.database.transaction() as session:
        old = utcnow() - timedelta(days=40)
        session.execute(
            update(AccountToken)
            .where(AccountToken.description.in_(["Nightly smoke tests", "Old Jenkins"]))
            .values(created_at=old)
        )
        session.execute(
            update(AccountToken)
            .where(AccountToken.description == "Old Jenkins")
            .values(expires_at=utcnow() - timedelta(days=3))
        )
    release = make_service_account(
        context, name="Release bot", username="service-release-bot", role=3
    )
    with context.database.transaction() as session:
        role = RoleService(session).create(
            SYSTEM,
            admin_principal(session, context),
            "Auditor",
            "Reads the logs, changes nothing",
            "root-custom",
            [PermissionRef(name="READ_LOGS")],
        )
        role_id = role.id
    make_service_account(context, name="Audit exporter", username="service-audit", role=role_id)
    make_user(context, username="carol", name="Carol Auditor", role=role_id)
    with httpx.Client(base_url=base, headers={"Authorization": secret}) as api:
        for name, description in (
            ("checkout-redesign", "The new one-page checkout"),
            ("dark-mode", "Dark theme for the dashboard"),
            ("search-v2", "Search on the new index"),
        ):
            api.post(
                "/api/admin/projects/default/features",
                json={"name": name, "description": description},
            ).raise_for_status()
        api.post(
            "/api/admin/projects/default/features/checkout-redesign/environments/production/"
            "strategies",
            json={
                "name": "flexibleRollout",
                "parameters": {"rollout": "25", "stickiness": "userId", "groupId": "checkout"},
                "constraints": [
                    {"contextName": "region", "operator": "IN", "values": ["eu", "us"]},
                    {"contextName": "appVersion", "operator": "SEMVER_GT", "value": "2.1.0"},
                ],
            },
        ).raise_for_status()
        api.post(
            "/api/admin/projects/default/features/dark-mode/environments/development/on"
        ).raise_for_status()
        # The CI account creates the project, so it owns it; then two more get roles there.
        api.post(
            "/api/admin/projects",
            json={"id": "checkout", "name": "Checkout", "description": "Pay, ship and track"},
        ).raise_for_status()
        api.post(
            "/api/admin/projects/checkout/access",
            json={"roles": [MEMBER_ROLE_ID], "users": [ada.id, release.id]},
        ).raise_for_status()
        api.post(
            "/api/admin/projects/checkout/features", json={"name": "one-click-pay"}
        ).raise_for_status()
    deploy = token_id(context, "GitHub Actions deploy")
    record_addresses(context, deploy, "203.0.113.24", "198.51.100.7", "192.0.2.15")
    with context.database.transaction() as session:
        session.execute(
            update(AccountToken)
            .where(AccountToken.id == deploy)
            .values(seen_at=utcnow() - timedelta(minutes=5))
        )
    release_toggles = TokenScope(
        permissions=frozenset({"UPDATE_FEATURE_ENVIRONMENT", "UPDATE_FEATURE"}),
        projects=frozenset({"checkout"}),
        environments=frozenset({"production"}),
    )
    make_sa_token(context, ci.id, description="Release toggles", scope=release_toggles)
    make_managers(context, ci.id, ada.id)
    return {"ci": ci.id, "role": role_id, "release": release.id, "deploy": deploy}


def _shoot(page: Page, name: str, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)


def test_screenshots__main_screens__saved(
    live_server: LiveServer,
    context: AppContext,
    admin: UserHandle,
    new_page: Callable[..., Page],
) -> None:
    base = live_server.url
    ids = _seed(context, base)
    for size, viewport in SIZES.items():
        page = new_page(viewport)
        page.goto(f"{base}/login")
        _shoot(page, "01-login", size)
        page.get_by_label("Username or email").fill("admin")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()
        _shoot(page, "02-login-error", size)
        log_in(page, base, "admin")
        shots = [
            ("03-flags", "/flags"),
            ("04-project", "/projects/default"),
            ("05-flag-detail", "/projects/default/features/checkout-redesign"),
            (
                "06-strategy-form",
                "/projects/default/strategy?feature=checkout-redesign&environment=production",
            ),
            ("07-service-accounts", "/admin/service-accounts"),
            ("08-service-account-new", "/admin/service-accounts/new"),
            ("09-service-account-edit", f"/admin/service-accounts/{ids['ci']}/edit"),
            ("11-service-account-delete", f"/admin/service-accounts/{ids['ci']}/delete"),
            ("12-users", "/admin/users"),
            ("13-role-delete-in-use", f"/admin/users/roles/{ids['role']}/delete"),
            ("14-api-tokens-new", "/admin/api-tokens/new"),
            ("15-event-log", "/history"),
            ("16-profile", "/profile"),
            ("17-projects", "/projects"),
            ("18-project-access", "/projects/checkout/access"),
            ("19-project-access-remove", f"/projects/checkout/access/{ids['release']}/remove"),
            ("21-tokens", "/admin/tokens"),
            ("22-token-policy", "/admin/tokens/policy"),
            (
                "23-token-rotate",
                f"/admin/service-accounts/{ids['ci']}/tokens/{ids['deploy']}/rotate",
            ),
            ("24-revoked-tokens", f"/admin/service-accounts/{ids['ci']}/edit?show=retired"),
            ("25-event-log-by-token", f"/history?token={ids['deploy']}"),
        ]
        for name, path in shots:
            page.goto(f"{base}{path}")
            _shoot(page, name, size)
        page.goto(f"{base}/admin/service-accounts/{ids['ci']}/edit")
        page.locator("#new-token").get_by_text("Limit this token").click()
        page.get_by_label("Only the permissions ticked below").check()
        page.get_by_text("Environment permissions").click()
        page.get_by_role("checkbox", name="Enable/disable flags").check()
        _shoot(page, "26-token-scope-form", size)
        page.goto(f"{base}/admin/service-accounts/{ids['ci']}/edit")
        page.get_by_label("Description").fill(f"Screenshot token {size}")
        page.get_by_role("button", name="Create token").click()
        expect(page.locator("dialog[data-show-once]")).to_be_visible()
        _shoot(page, "10-show-once-dialog", size)
        page.get_by_role("link", name="Close").click()
        page.get_by_role("link", name=f"Delete token Screenshot token {size}").click()
        _shoot(page, "11b-token-delete", size)
        page.get_by_role("button", name="Delete token").click()
        page.goto(f"{base}/projects")
        page.get_by_label("Name", exact=True).fill("Default")
        page.get_by_label("Id", exact=True).fill("default")
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_text("A project with that id already exists.")).to_be_visible()
        _shoot(page, "20-project-create-error", size)
        manager = new_page(viewport)
        log_in(manager, base, "ada")
        manager.goto(f"{base}/admin/service-accounts/{ids['ci']}/edit")
        _shoot(manager, "27-manager-service-account", size)

    assert len(list(SCREENSHOTS.glob("*-laptop.png"))) >= 28
    assert len(list(SCREENSHOTS.glob("*-phone.png"))) >= 28
