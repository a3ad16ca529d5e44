"""Unleash's own web UI (8.2, from npm: scripts/fetch-unleash-ui) against a live Flagstaff that
serves it under /unleash/ (FLAGSTAFF_UNLEASH_UI_DIR): a person logs in with a password and the
main pages show what Flagstaff holds. One server, one login and one set of data per module."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from flagstaff.app import create_app
from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.conftest import FAST_PASSWORDS, TEST_SECRET
from tests.db import TemplateDatabase
from tests.factories import PASSWORD, make_user
from tests.web.conftest import LAPTOP, LiveServer

BUILD = Path(__file__).parent / "unleash-ui" / "build"
VERSION_FILE = BUILD.parent / "VERSION"
UNLEASH_VERSION = "8.2.0"
FLAG = "checkout-redesign"
PROJECT = "storefront"


def ui_build() -> Path:
    """The unpacked UI; without it the tests skip on a developer's machine and fail in CI, as
    the Node SDK tests do."""
    found = VERSION_FILE.is_file() and VERSION_FILE.read_text().strip() == UNLEASH_VERSION
    if not found or not (BUILD / "index.html").is_file():
        problem = f"Unleash {UNLEASH_VERSION}'s UI is missing: run scripts/fetch-unleash-ui"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return BUILD


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, template_db: TemplateDatabase
) -> Iterator[LiveServer]:
    directory = ui_build()
    data = tmp_path_factory.mktemp("unleash-ui")
    settings = Settings(
        data_dir=data,
        database_url=template_db.fresh(data),
        secret_key=TEST_SECRET,
        revision_poll_seconds=0.05,
        unleash_ui_dir=directory,
    )
    context = AppContext.build(settings, passwords=FAST_PASSWORDS)
    make_user(context, role="Admin", username="admin", email="admin@example.com")
    live = LiveServer(create_app(settings, context))
    live.start()
    try:
        seed(live.url)
        yield live
    finally:
        live.stop()
        context.database.dispose()


def seed(url: str) -> None:
    """What the pages should show, made through the Admin API as a person would."""
    with httpx.Client(base_url=url) as api:
        login = api.post("/auth/simple/login", json={"username": "admin", "password": PASSWORD})
        login.raise_for_status()
        for method, path, body in (
            ("POST", "/api/admin/projects", {"id": PROJECT, "name": "Storefront"}),
            ("POST", f"/api/admin/projects/{PROJECT}/features", {"name": FLAG}),
            ("POST", "/api/admin/segments", {"name": "beta-testers", "constraints": []}),
            (
                "POST",
                "/api/admin/api-tokens",
                {"tokenName": "checkout-backend", "type": "client", "environment": "development"},
            ),
            (
                "POST",
                "/api/admin/service-account",
                {"name": "Deploy bot", "username": "deploy", "rootRole": 2},
            ),
            (
                "POST",
                "/api/admin/user-admin",
                {
                    "name": "Rita Viewer",
                    "email": "rita@example.com",
                    "rootRole": 3,
                    "sendEmail": False,
                },
            ),
        ):
            response = api.request(method, path, json=body)
            assert response.status_code < 300, (path, response.text)


@pytest.fixture(scope="module")
def ui(server: LiveServer, browser: Browser) -> Iterator[BrowserContext]:
    """A browser context logged in through Unleash's login screen, kept for the module. Calls
    beyond the loopback (fonts, analytics) are refused: the test needs no network."""
    context = browser.new_context(viewport=LAPTOP, base_url=f"{server.url}/unleash/")
    context.set_default_timeout(20_000)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{server.url}/unleash/")
    page.get_by_label("Email", exact=True).fill("admin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).not_to_have_url(re.compile("/login"))
    page.close()
    yield context
    context.close()


def open_page(ui: BrowserContext, path: str) -> Page:
    page = ui.new_page()
    page.goto(path.lstrip("/"))
    return page


def test_unleash_ui__no_session__shows_the_password_login(
    server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(viewport=LAPTOP)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()

    page.goto(f"{server.url}/unleash/projects")

    expect(page.get_by_label("Email", exact=True)).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    context.close()


def test_unleash_ui__wrong_password__says_so(server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(viewport=LAPTOP)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{server.url}/unleash/")

    page.get_by_label("Email", exact=True).fill("admin")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()

    expect(page.get_by_role("alert")).to_be_visible()
    context.close()


def test_unleash_ui__projects__lists_them(ui: BrowserContext) -> None:
    page = open_page(ui, "projects")
    expect(page.get_by_text("Storefront").first).to_be_visible()


def test_unleash_ui__flags__lists_the_flag(ui: BrowserContext) -> None:
    page = open_page(ui, "search")
    expect(page.get_by_text(FLAG).first).to_be_visible()


def test_unleash_ui__flag_page__shows_its_environments(ui: BrowserContext) -> None:
    page = open_page(ui, f"projects/{PROJECT}/features/{FLAG}")
    expect(page.get_by_text(FLAG).first).to_be_visible()
    expect(page.get_by_text("development").first).to_be_visible()


def test_unleash_ui__users__lists_them(ui: BrowserContext) -> None:
    page = open_page(ui, "admin/users")
    expect(page.get_by_text("rita@example.com").first).to_be_visible()


def test_unleash_ui__api_tokens__lists_them(ui: BrowserContext) -> None:
    page = open_page(ui, "admin/api")
    expect(page.get_by_text("checkout-backend").first).to_be_visible()


def test_unleash_ui__service_accounts__the_open_source_ui_offers_none(ui: BrowserContext) -> None:
    """Unleash's open-source UI leaves service accounts to its Enterprise edition: the page
    renders its notice rather than the list (Flagstaff's own pages manage them)."""
    page = open_page(ui, "admin/service-accounts")
    expect(page.get_by_text("Enterprise feature").first).to_be_visible()


def test_unleash_ui__event_log__shows_the_changes(ui: BrowserContext) -> None:
    page = open_page(ui, "history")
    expect(page.get_by_text(FLAG).first).to_be_visible()


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("segments", "beta-testers"),
        ("context", "currentTime"),
        ("strategies", "Gradual rollout"),
        ("tag-types", "simple"),
        ("profile", "Your root role"),
        ("applications", "Applications (0)"),
    ],
)
def test_unleash_ui__configuration_pages__show_flagstaff_s_data(
    ui: BrowserContext, path: str, shown: str
) -> None:
    page = open_page(ui, path)
    expect(page.get_by_text(shown).first).to_be_visible()


def test_unleash_ui__playground__evaluates_the_flags(ui: BrowserContext) -> None:
    page = open_page(ui, "playground")
    # The form is filled in once the environments have loaded.
    expect(page.get_by_text("development").first).to_be_visible()

    page.get_by_role("button", name="Try configuration").click()

    expect(page.get_by_role("link", name=FLAG)).to_be_visible()
