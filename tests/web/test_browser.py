"""The UI in a real browser: Debian's Chromium, headless, against a live server."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import ConsoleMessage, Page, expect

from flagstaff.http.context import AppContext
from flagstaff.rbac.predefined import MEMBER_ROLE_ID, OWNER_ROLE_ID
from tests.factories import UserHandle, make_user
from tests.web.conftest import PHONE, LiveServer
from tests.web.factories import make_sa_token, make_service_account, token_id
from tests.web.helpers import log_in

SECRET = re.compile(r"^user:fsa_[0-9A-Za-z]{38}$")


def _create_service_account(page: Page, base: str) -> None:
    page.goto(f"{base}/flags")
    page.get_by_role("link", name="Service accounts").click()
    page.get_by_role("link", name="New service account").first.click()
    page.get_by_label("Service account name").fill("CI pipeline")
    page.get_by_label("Service account name").blur()
    expect(page.get_by_label("Service account username")).to_have_value("service-ci-pipeline")
    page.get_by_role("radio", name="Editor", exact=True).check()
    page.get_by_role("button", name="Add service account").click()
    expect(page.get_by_role("status")).to_contain_text("Service account added successfully")


def _create_token(page: Page, description: str) -> str:
    page.get_by_label("Description").fill(description)
    page.get_by_label("Token will expire in").select_option("30d")
    expect(page.get_by_text("Token will expire on")).to_be_visible()
    page.get_by_role("button", name="Create token").click()
    dialog = page.locator("dialog[data-show-once]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You won't be able to see it again!")
    secret = dialog.locator("[data-secret]").input_value()
    assert SECRET.match(secret), secret
    return secret


def test_browser__service_account_token_lifecycle(
    live_server: LiveServer, admin: UserHandle, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, "admin")
    _create_service_account(page, base)
    edit_url = page.url

    secret = _create_token(page, "deploy")

    # The dialog closes only by its button; the history entry is the plain edit page.
    page.keyboard.press("Escape")
    expect(page.locator("dialog[data-show-once]")).to_be_visible()
    assert page.url == edit_url
    page.reload()
    expect(page.locator("dialog[data-show-once]")).to_have_count(0)
    assert secret not in page.content()
    expect(page.locator("#tokens").get_by_text("deploy", exact=True)).to_be_visible()

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}) as api:
        created = api.post("/api/admin/projects/default/features", json={"name": "from-ci"})
        assert created.status_code == 201, created.text

        page.get_by_role("link", name="Event log").click()
        event = page.locator('article[data-event-type="feature-created"]').first
        expect(event).to_contain_text("service-ci-pipeline")
        expect(event).to_contain_text("from-ci")

        page.goto(edit_url)
        page.get_by_role("link", name="Delete token deploy").click()
        expect(page.get_by_role("heading", name="Delete token?")).to_be_visible()
        expect(page.get_by_text("deploy", exact=True)).to_be_visible()
        page.get_by_role("button", name="Delete token").click()
        expect(page.get_by_role("status")).to_contain_text('The token "deploy" was deleted.')

        refused = api.post("/api/admin/projects/default/features", json={"name": "after"})
        assert refused.status_code == 401


def test_browser__show_once__close_and_back_never_show_the_secret(
    live_server: LiveServer, context: AppContext, new_page: Callable[..., Page]
) -> None:
    make_user(context, username="ada", role="Viewer")
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, "ada")
    page.get_by_role("link", name="Profile").click()

    secret = _create_token(page, "laptop")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Token copied to clipboard")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.get_by_role("link", name="Close").click()

    expect(page.locator("dialog[data-show-once]")).to_have_count(0)
    assert secret not in page.content()
    page.go_back()
    assert secret not in page.content()
    page.go_forward()
    assert secret not in page.content()
    page.reload()
    assert secret not in page.content()


def test_browser__search_box__filters_the_table(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    deployer = make_service_account(context, name="Deployer", username="service-deployer")
    make_sa_token(context, deployer.id, description="github actions")
    make_service_account(context, name="Reporter", username="service-reporter")
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/service-accounts")
    rows = page.locator("#service-accounts tbody tr[data-search]")
    expect(rows).to_have_count(2)

    page.get_by_role("searchbox", name="Search service accounts").fill("GitHub")
    expect(rows.filter(visible=True)).to_have_count(1)
    expect(rows.filter(visible=True)).to_contain_text("service-deployer")

    page.get_by_role("searchbox", name="Search service accounts").fill("report")
    expect(rows.filter(visible=True)).to_contain_text("service-reporter")

    page.get_by_role("searchbox", name="Search service accounts").fill("nobody")
    expect(rows.filter(visible=True)).to_have_count(0)
    expect(page.get_by_text("No service accounts found matching “nobody”.")).to_be_visible()


def test_browser__tokens_tooltip__lists_descriptions(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id, description="github actions")
    make_sa_token(context, account.id, description="terraform")
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/service-accounts")

    page.get_by_text("2 tokens").hover()

    expect(page.get_by_role("tooltip")).to_be_visible()
    expect(page.get_by_role("tooltip")).to_contain_text("terraform")


def test_browser__viewer__no_service_accounts_page(
    live_server: LiveServer, context: AppContext, page: Page
) -> None:
    make_user(context, username="viewer", role="Viewer")
    log_in(page, live_server.url, "viewer")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Flags")).to_be_visible()
    expect(nav.get_by_role("link", name="Service accounts")).to_have_count(0)
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)

    response = page.goto(f"{live_server.url}/admin/service-accounts")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access")).to_be_visible()


def test_browser__post_without_csrf_token__refused(
    live_server: LiveServer, admin: UserHandle, page: Page
) -> None:
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/service-accounts/new")
    page.get_by_label("Service account name").fill("Sneaky")
    page.locator("form[data-service-account-form] input[name=csrf_token]").evaluate(
        "field => field.remove()"
    )

    with page.expect_response(re.compile(r"/admin/service-accounts/new$")) as answer:
        page.get_by_role("button", name="Add service account").click()

    assert answer.value.status == 403
    expect(page.get_by_text("security token")).to_be_visible()
    page.goto(f"{live_server.url}/admin/service-accounts")
    expect(page.get_by_text("No service accounts available.")).to_be_visible()


def test_browser__pages__no_console_errors_under_the_csp(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id)
    problems: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server.url, "admin")
    for path in (
        "/flags",
        "/projects",
        "/projects/default",
        "/projects/default/access",
        "/admin/service-accounts",
        "/admin/service-accounts/new",
        f"/admin/service-accounts/{account.id}/edit",
        "/admin/users",
        "/admin/api-tokens/new",
        "/history",
        "/profile",
        "/admin/tokens",
        "/admin/tokens/policy",
        f"/admin/service-accounts/{account.id}/tokens/{token_id(context, 'deploy')}/rotate",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.classList.contains('js')"), path
        stylesheet = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert stylesheet != "rgba(0, 0, 0, 0)", path

    assert problems == []


def test_browser__phone__menu_opens_the_navigation(
    live_server: LiveServer, admin: UserHandle, new_page: Callable[..., Page]
) -> None:
    page = new_page(PHONE)
    log_in(page, live_server.url, "admin")
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    expect(nav_link).to_be_hidden()

    page.get_by_role("button", name="Menu").click()

    expect(nav_link).to_be_visible()
    nav_link.click()
    expect(page.get_by_role("heading", name=re.compile("^Users"))).to_be_visible()


def test_browser__flag__switch_on_and_add_a_strategy_with_a_constraint(
    live_server: LiveServer, admin: UserHandle, page: Page
) -> None:
    log_in(page, live_server.url, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="Default").click()
    page.get_by_label("Name").fill("new-checkout")
    page.get_by_role("button", name="Create flag").click()
    expect(page.get_by_role("heading", name="new-checkout")).to_be_visible()

    page.get_by_role("link", name="Add strategy").first.click()
    page.get_by_label("Rollout").fill("30")
    page.get_by_role("button", name="Add constraint").click()
    rows = page.locator("[data-constraint-row]")
    expect(rows).to_have_count(2)
    rows.nth(0).get_by_label("Context field").fill("region")
    rows.nth(0).get_by_label("Values").fill("eu\nus")
    rows.nth(1).get_by_role("button", name="Remove constraint").click()
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="Add strategy").click()

    expect(page.get_by_role("status")).to_contain_text("Strategy added in development")
    expect(page.locator(".constraint").first).to_contain_text("region")
    switch = page.get_by_role("switch", name="new-checkout in development")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.get_by_role("switch", name="new-checkout in development")).to_have_attribute(
        "aria-checked", "true"
    )


def test_browser__flag__add_a_link_star_it_and_remove_the_link(
    live_server: LiveServer, admin: UserHandle, page: Page
) -> None:
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/projects/default")
    page.get_by_label("Name").fill("search-v2")
    page.get_by_role("button", name="Create flag").click()
    expect(page.get_by_role("heading", name="search-v2")).to_be_visible()
    expect(page.locator("[data-lifecycle]")).to_have_text("initial")

    page.get_by_label("URL").fill("github.com/acme/shop/issues/7")
    page.get_by_label("Title").fill("Rollout issue")
    page.get_by_role("button", name="Add link").click()
    expect(page.get_by_role("status")).to_contain_text("Link added")
    link = page.get_by_role("link", name="Rollout issue")
    expect(link).to_have_attribute("href", "https://github.com/acme/shop/issues/7")

    star = page.get_by_role("button", name="☆ Favorite")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(page.get_by_role("button", name="★ Favorite")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Remove link Rollout issue").click()
    expect(page.get_by_role("status")).to_contain_text("Link removed")
    expect(page.get_by_role("link", name="Rollout issue")).to_have_count(0)


def test_browser__project__create_then_grant_change_and_remove_a_service_accounts_role(
    live_server: LiveServer, context: AppContext, admin: UserHandle, page: Page
) -> None:
    make_service_account(context, name="Deploy bot", username="service-deploy")
    log_in(page, live_server.url, "admin")
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name", exact=True).fill("Checkout")
    page.get_by_label("Id", exact=True).fill("checkout")
    page.get_by_label("Description", exact=True).fill("Pay and ship")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("status")).to_contain_text("Checkout was created.")
    expect(page.get_by_role("heading", name=re.compile("^Checkout"))).to_be_visible()

    nav.get_by_role("link", name="Projects").click()
    listed = page.locator("#projects tbody tr", has_text="Pay and ship")
    expect(listed).to_contain_text("checkout")
    listed.get_by_role("link", name="Checkout").click()
    page.get_by_role("link", name="Access").click()
    expect(page.get_by_role("heading", name=re.compile("^Project access"))).to_be_visible()
    expect(page.locator("#access tbody tr")).to_have_count(1)  # its creator, the owner

    page.get_by_label("User or service account").select_option(label="Deploy bot")
    page.get_by_label("Role", exact=True).select_option(label="Member")
    page.get_by_role("button", name="Grant access").click()
    expect(page.get_by_role("status")).to_contain_text("Access granted.")
    granted = page.locator("#access tbody tr", has_text="Deploy bot")
    expect(granted).to_contain_text("Service account")
    role = granted.get_by_label("Role of Deploy bot", exact=True)
    expect(role).to_have_value(str(MEMBER_ROLE_ID))

    role.select_option(label="Owner")
    granted.get_by_role("button", name="Save the role of Deploy bot").click()
    expect(page.get_by_role("status")).to_contain_text("Role changed.")
    expect(role).to_have_value(str(OWNER_ROLE_ID))

    granted.get_by_role("link", name="Remove Deploy bot").click()
    expect(page.get_by_role("heading", name="Remove access?")).to_be_visible()
    page.get_by_role("button", name="Remove access").click()
    expect(page.get_by_role("status")).to_contain_text("Deploy bot no longer has access.")
    expect(page.locator("#access tbody tr")).to_have_count(1)
    expect(page.locator("#access")).not_to_contain_text("Deploy bot")
