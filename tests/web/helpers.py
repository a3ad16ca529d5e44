"""Browser steps the web tests share."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from fastapi.testclient import TestClient
from httpx2 import Response
from playwright.sync_api import Page, expect

from flagstaff.http.context import AppContext
from tests.factories import PASSWORD, make_user


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
    client: TestClient,
    path: str,
    data: Mapping[str, str | Sequence[str]] | None = None,
    *,
    csrf: str | None = None,
) -> Response:
    """A form POST with the session's CSRF token (``csrf=""`` leaves it out); a sequence of
    values sends the field once per value."""
    fields = dict(data or {})
    token = page_csrf(client) if csrf is None else csrf
    if token:
        fields["csrf_token"] = token
    return client.post(path, data=fields, follow_redirects=False)


def confirm_then_post(
    client: TestClient, path: str, params: dict[str, str] | None = None
) -> tuple[str, Response]:
    """Open a confirmation page, then send its form: the page's HTML and the answer."""
    confirm = client.get(path, params=params)
    assert confirm.status_code == 200, confirm.text
    return confirm.text, post_form(client, path, params)


def assert_form_error(response: Response, message: str) -> None:
    """The form came back (400) with ``message`` in it."""
    assert response.status_code == 400, response.text
    assert message in response.text


def web_login_new_user(
    client: TestClient, context: AppContext, username: str, role: int | str
) -> TestClient:
    """Make a person with ``role`` and log the client in as them."""
    make_user(context, username=username, role=role)
    return web_login(client, username)


def assert_shows(html: str, *texts: str) -> None:
    """Every one of ``texts`` is in the page."""
    missing = [t for t in texts if t not in html]
    assert not missing, f"the page lacks {missing}"


def api_status(client: TestClient, path: str, secret: str) -> int:
    """The status an API read answers with ``secret`` as its credential."""
    return client.get(path, headers={"Authorization": secret}).status_code
