"""The headers every page carries, and CSRF tokens bound to a session (or, before login, to a
short-lived cookie of the login form)."""

from __future__ import annotations

import hmac
import secrets

from starlette.responses import Response

from flagstaff.http.context import AppContext

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
CSRF_FIELD = "csrf_token"
LOGIN_CSRF_COOKIE = "flagstaff-login-csrf"
LOGIN_CSRF_PURPOSE = "login-csrf"


def apply_page_headers(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    # Pages show account data and, once, token secrets: no cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


def session_csrf_token(context: AppContext, session_cookie: str) -> str:
    return context.keys.csrf_token(context.resolver.session_digest(session_cookie))


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_token(context: AppContext, nonce: str) -> str:
    """The login form has no session yet: its token is bound to a nonce cookie instead, so
    another site cannot log a browser in to an account of its choosing."""
    return context.keys.csrf_token(context.keys.digest(LOGIN_CSRF_PURPOSE, nonce))


def tokens_match(expected: str, given: object) -> bool:
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
