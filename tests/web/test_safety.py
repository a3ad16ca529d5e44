"""CSRF on every unsafe request, the page headers, the session cookie, escaping, logging in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from flagstaff.accounts.login import LoginPolicy
from flagstaff.accounts.throttle import ThrottleRule
from flagstaff.http.context import AppContext
from flagstaff.web.security import CONTENT_SECURITY_POLICY
from tests.factories import PASSWORD, UserHandle, make_user
from tests.web.factories import make_sa_token, make_service_account
from tests.web.helpers import csrf_of, page_csrf, post_form, web_login

XSS = "<script>alert(1)</script>"

# Every unsafe page route, with a body that would otherwise be valid.
POSTS = [
    ("/sign-out", {}),
    ("/admin/service-accounts/new", {"name": "Bot", "root_role": "3"}),
    ("/admin/service-accounts/{sa}/edit", {"name": "Renamed", "root_role": "3"}),
    ("/admin/service-accounts/{sa}/delete", {}),
    ("/admin/service-accounts/{sa}/tokens", {"description": "x", "expiry": "7d"}),
    ("/admin/users/new", {"username": "new", "password": PASSWORD, "root_role": "3"}),
    ("/admin/users/{user}/edit", {"name": "X", "root_role": "3"}),
    ("/admin/users/{user}/password", {"password": PASSWORD, "confirm": PASSWORD}),
    ("/admin/users/{user}/delete", {}),
    ("/admin/api-tokens/new", {"name": "sdk", "type": "client", "expiry": "never"}),
    ("/profile/tokens", {"description": "x", "expiry": "7d"}),
    ("/profile/password", {"old": PASSWORD, "password": PASSWORD, "confirm": PASSWORD}),
    ("/projects/default/flags", {"name": "csrf-flag"}),
    ("/projects/default/toggle", {"feature": "f", "environment": "development"}),
    ("/projects/default/archive", {"feature": "f"}),
    ("/flags/revive", {"feature": "f"}),
    ("/projects/default/strategy", {"feature": "f", "environment": "development"}),
    ("/projects/default/strategy/delete", {"feature": "f", "environment": "development"}),
    ("/projects", {"name": "CSRF", "id": "csrf"}),
    ("/projects/default/access", {"account": "{sa}", "role": "5"}),
    ("/projects/default/access/{sa}", {"role": "5"}),
    ("/projects/default/access/{sa}/remove", {}),
]


@pytest.mark.parametrize(("path", "data"), POSTS)
@pytest.mark.parametrize("token", ["", "forged-token"])
def test_post__without_valid_csrf_token__refused(
    admin_web: TestClient,
    context: AppContext,
    path: str,
    data: dict[str, str],
    token: str,
) -> None:
    account = make_service_account(context)
    other = make_user(context, username="victim")
    target = path.format(sa=account.id, user=other.id)
    fields = {k: v.format(sa=account.id) for k, v in data.items()}

    response = post_form(admin_web, target, fields, csrf=token)

    assert response.status_code == 403
    assert "security token" in response.text
    # Nothing changed: the account, the user and the session are all still there.
    assert admin_web.get(f"/admin/service-accounts/{account.id}/edit").status_code == 200
    assert admin_web.get(f"/admin/users/{other.id}/edit").status_code == 200
    assert admin_web.get("/projects/csrf").status_code == 404
    assert "service-ci" not in admin_web.get("/projects/default/access").text


def test_post__csrf_token_of_another_session__refused(
    admin_web: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_user(context, role="Admin", username="admin2")
    other = web_login(new_client(), "admin2")
    foreign = page_csrf(other)

    response = post_form(admin_web, "/admin/users/new", {"username": "x"}, csrf=foreign)

    assert response.status_code == 403


def test_csrf_token__is_the_session_digest_keyed_hash(
    admin_web: TestClient, context: AppContext
) -> None:
    cookie = admin_web.cookies["flagstaff-session"]
    expected = context.keys.csrf_token(context.resolver.session_digest(cookie))

    assert page_csrf(admin_web) == expected


def test_login__without_csrf_token__refused(client: TestClient, admin: UserHandle) -> None:
    client.get("/login")

    response = client.post(
        "/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False
    )

    assert response.status_code == 403
    assert "flagstaff-session" not in response.cookies


def test_login__csrf_token_without_its_cookie__refused(
    client: TestClient, new_client: Callable[[], TestClient], admin: UserHandle
) -> None:
    token = csrf_of(client.get("/login").text)
    stranger = new_client()

    response = stranger.post(
        "/login",
        data={"csrf_token": token, "username": "admin", "password": PASSWORD},
        follow_redirects=False,
    )

    assert response.status_code == 403


def test_pages__send_the_security_headers(admin_web: TestClient) -> None:
    for path in ("/login", "/admin/service-accounts", "/history", "/profile"):
        response = admin_web.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def test_error_pages__send_the_security_headers(client: TestClient) -> None:
    response = client.get("/admin/users", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_pages__have_no_inline_script_or_style(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context)
    make_sa_token(context, account.id)
    for path in (
        "/login",
        "/admin/service-accounts",
        f"/admin/service-accounts/{account.id}/edit",
        "/admin/users",
        "/profile",
        "/history",
        "/flags",
        "/projects",
        "/projects/default",
        "/projects/default/access",
    ):
        html = admin_web.get(path).text
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert " on" + "click=" not in html, path
        for script in html.split("<script")[1:]:
            assert script.lstrip().startswith("src="), path


def _session_cookie_set_by_login(client: TestClient) -> str:
    """The ``Set-Cookie`` header of the session that logging in as the Admin starts."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": "admin", "password": PASSWORD},
        follow_redirects=False,
    )
    return next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("flagstaff-session=")
    )


def test_session_cookie__httponly_samesite_and_not_secure_over_http(
    client: TestClient, admin: UserHandle
) -> None:
    cookie = _session_cookie_set_by_login(client)

    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie__secure_over_https(app: object, admin: UserHandle) -> None:
    with TestClient(app, base_url="https://testserver") as secure:  # type: ignore[arg-type]
        cookie = _session_cookie_set_by_login(secure)

    assert "Secure" in cookie


def test_login__wrong_password__error_in_the_form(client: TestClient, admin: UserHandle) -> None:
    page = client.get("/login")

    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": "admin", "password": "nope"},
    )

    assert response.status_code == 401
    assert "combination of password and username" in response.text
    assert 'value="admin"' in response.text


def test_login__too_many_failures__throttled_page_other_address_gets_in(
    client: TestClient, new_client: Callable[[], TestClient], context: AppContext, admin: UserHandle
) -> None:
    context.settings.trust_proxy_headers = True
    # A long first delay, so that the address is still waiting when the test looks.
    rule = ThrottleRule(first_delay=timedelta(minutes=10))
    context.login_policy = LoginPolicy(session_ttl=context.login_policy.session_ttl, throttle=rule)
    token = csrf_of(client.get("/login").text)
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(rule.free_attempts + 1):
        client.post(
            "/login",
            data={"csrf_token": token, "username": "admin", "password": "x"},
            headers=attacker,
        )

    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "admin", "password": PASSWORD},
        headers=attacker,
    )

    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert 590 <= int(response.headers["retry-after"]) <= 600
    assert response.headers["cache-control"] == "no-store"
    assert "flagstaff-session" not in response.cookies
    owner = new_client()
    owner_token = csrf_of(owner.get("/login").text)
    signed_in = owner.post(
        "/login",
        data={"csrf_token": owner_token, "username": "admin", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.1"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert "flagstaff-session" in signed_in.cookies


def test_login__by_email__works(client: TestClient, context: AppContext) -> None:
    make_user(context, username=None, email="ada@example.com", role="Viewer")

    web_login(client, "ada@example.com")

    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize(
    ("wanted", "landing"),
    [
        ("/admin/users", "/admin/users"),
        ("//evil.example/x", "/flags"),
        ("https://evil.example/", "/flags"),
        ("/\\evil.example", "/flags"),
    ],
)
def test_login__next__only_pages_of_this_server(
    client: TestClient, admin: UserHandle, wanted: str, landing: str
) -> None:
    page = client.get("/login", params={"next": wanted})

    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "username": "admin",
            "password": PASSWORD,
            "next": wanted,
        },
        follow_redirects=False,
    )

    assert response.headers["location"] == landing


def test_login_page__already_logged_in__goes_on(admin_web: TestClient) -> None:
    response = admin_web.get("/login", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/flags"


def test_sign_out__ends_the_session(admin_web: TestClient) -> None:
    response = post_form(admin_web, "/sign-out")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert admin_web.get("/profile", follow_redirects=False).status_code == 303


def test_escaping__script_in_names__shown_as_text(
    admin_web: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A flag named before the URL-friendly rule (as Unleash's) could carry such a name.
    monkeypatch.setattr("flagstaff.flags.features.service.check_feature_name", lambda _: None)
    account = make_service_account(context, name=XSS, username="service-xss")
    make_sa_token(context, account.id, description=XSS)
    make_user(context, username="xss-user", name=XSS)
    post_form(admin_web, "/projects/default/flags", {"name": XSS, "description": XSS})
    post_form(admin_web, "/projects", {"name": XSS, "id": "xss", "description": XSS})
    post_form(admin_web, "/projects/xss/access", {"account": str(account.id), "role": "5"})

    for path in (
        "/admin/service-accounts",
        f"/admin/service-accounts/{account.id}/edit",
        f"/admin/service-accounts/{account.id}/delete",
        "/admin/users",
        "/history",
        "/flags",
        "/projects",
        "/projects/default",
        "/projects/xss",
        "/projects/xss/access",
    ):
        html = admin_web.get(path).text
        assert XSS not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_escaping__search_query_echo(admin_web: TestClient) -> None:
    html = admin_web.get("/admin/service-accounts", params={"q": XSS}).text

    assert XSS not in html


def test_static_files__served_with_nosniff(client: TestClient) -> None:
    for path in ("/static/css/app.css", "/static/js/app.js", "/static/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_static_files__no_directory_escape(client: TestClient) -> None:
    assert client.get("/static/../app.py").status_code == 404
