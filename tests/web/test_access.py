"""Who may open pages: a person's session only; a token never; what a role may not use is
hidden and answers 403."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.web.routes import PAGE_MODULES, public_router
from tests.factories import UserHandle, make_user
from tests.web.factories import make_pat, make_sa_token, make_service_account
from tests.web.helpers import csrf_of, web_login, web_login_new_user

PAGES = [
    "/",
    "/flags",
    "/projects",
    "/admin/service-accounts",
    "/admin/service-accounts/new",
    "/admin/users",
    "/admin/users/roles",
    "/admin/api-tokens",
    "/history",
    "/profile",
]
ADMIN_PAGES = [
    "/admin/service-accounts",
    "/admin/service-accounts/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/roles",
]


@pytest.mark.parametrize("path", PAGES)
def test_page__without_session__redirects_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_page__without_session__login_returns_to_the_page(client: TestClient) -> None:
    response = client.get("/admin/users?q=a", follow_redirects=False)

    assert response.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Fq%3Da"


def test_page__with_expired_session_cookie__redirects_to_login(client: TestClient) -> None:
    client.cookies.set("flagstaff-session", "not-a-session")

    response = client.get("/profile", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_page__with_service_account_token__does_not_open(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    account = make_service_account(context, role="Admin")
    secret = make_sa_token(context, account.id)

    for path in ("/admin/service-accounts", "/profile", "/history"):
        response = client.get(
            path, headers={"Authorization": f"Bearer {secret}"}, follow_redirects=False
        )
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")
        assert "CI pipeline" not in response.text


def test_page__with_personal_token__does_not_open(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    secret = make_pat(context, admin.id)

    response = client.get("/admin/users", headers={"Authorization": secret}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_page__session_plus_token_header__does_not_open(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    web_login(client, "admin")
    secret = make_pat(context, admin.id)

    response = client.get("/admin/users", headers={"Authorization": secret}, follow_redirects=False)

    assert response.status_code == 303


def test_login__service_account__is_refused(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_service_account(context, username="service-bot")
    page = client.get("/login")

    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": "service-bot", "password": "x"},
        follow_redirects=False,
    )

    assert response.status_code == 401
    assert "flagstaff-session" not in response.cookies


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_page__viewer__forbidden(client: TestClient, context: AppContext, path: str) -> None:
    web_login_new_user(client, context, "viewer", "Viewer")

    response = client.get(path, follow_redirects=False)

    assert response.status_code == 403
    assert "have access" in response.text


@pytest.mark.parametrize("role", ["Viewer", "Editor"])
def test_navigation__non_admin__hides_admin_items(
    client: TestClient, context: AppContext, role: str
) -> None:
    web_login_new_user(client, context, "person", role)

    html = client.get("/profile").text

    assert 'href="/admin/service-accounts"' not in html
    assert 'href="/admin/users"' not in html
    assert 'href="/flags"' in html
    assert 'href="/history"' in html


def test_navigation__viewer__hides_api_tokens_and_forbids_them(
    client: TestClient, context: AppContext
) -> None:
    web_login_new_user(client, context, "viewer", "Viewer")

    assert 'href="/admin/api-tokens"' not in client.get("/profile").text
    assert client.get("/admin/api-tokens").status_code == 403


def test_navigation__admin__shows_every_item(client: TestClient, admin: UserHandle) -> None:
    web_login(client, "admin")

    html = client.get("/profile").text

    for label in (
        "Flags",
        "Projects",
        "Service accounts",
        "Users",
        "API tokens",
        "Event log",
        "Profile",
    ):
        assert f"<span>{label}</span>" in html


def test_service_account_edit__user_id__not_found(client: TestClient, admin: UserHandle) -> None:
    web_login(client, "admin")

    response = client.get(f"/admin/service-accounts/{admin.id}/edit")

    assert response.status_code == 404
    assert "Not found" in response.text


def test_user_edit__service_account_id__not_found(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    account = make_service_account(context)
    web_login(client, "admin")

    assert client.get(f"/admin/users/{account.id}/edit").status_code == 404


def test_page__bad_path_parameter__answers_a_page(client: TestClient, admin: UserHandle) -> None:
    web_login(client, "admin")

    response = client.get("/admin/service-accounts/abc/edit")

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_pages__are_not_in_the_openapi_document(client: TestClient) -> None:
    documented = set(client.get("/docs/openapi.json").json()["paths"])
    routers = [module.router for module in PAGE_MODULES] + [public_router]
    pages = {route.path for router in routers for route in router.routes if hasattr(route, "path")}

    assert "/projects/{project_id}" in pages
    assert not documented & pages


def test_profile__two_people__each_sees_their_own(client: TestClient, context: AppContext) -> None:
    make_user(context, role="Viewer", username="viewer", name="Vera Viewer")
    make_user(context, role="Viewer", username="other", name="Otto Other")
    web_login(client, "viewer")

    html = client.get("/profile").text

    assert "Vera Viewer" in html
    assert "Otto Other" not in html
