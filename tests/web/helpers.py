"""Browser steps the web tests share."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def web_login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Log in through the login form, as a browser does."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": username, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def page_csrf(client: TestClient, path: str = "/profile") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_of(response.text)


def post_form(
    client: TestClient, path: str, data: dict[str, str] | None = None, *, csrf: str | None = None
) -> Response:
    """A form POST with the session's CSRF token (``csrf=""`` leaves it out)."""
    fields = dict(data or {})
    token = page_csrf(client) if csrf is None else csrf
    if token:
        fields["csrf_token"] = token
    return client.post(path, data=fields, follow_redirects=False)
