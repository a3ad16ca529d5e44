"""Writes to the API made with the session cookie from another site's page are refused.

A browser sends the session cookie with any request a page makes to this server, whatever site
the page comes from, and names that site in ``Origin`` (on every request but a GET or HEAD).
``SameSite=Lax`` and the refused CORS preflight already stop such requests in today's browsers;
this is the check that does not depend on them, as the UI's forms have their CSRF token.

Not concerned: calls with a token (no browser adds one on its own), requests without ``Origin``
(not made by a page), and reads.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from flagstaff.core.errors import OperationDeniedError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]


class ForeignOriginError(OperationDeniedError):
    def __init__(self, origin: str) -> None:
        shown = origin if len(origin) <= 200 else origin[:200] + "…"
        super().__init__(
            f"This request was sent with your session from a page of another site ({shown}), "
            "so it was refused: a change through the API with a session must come from this "
            "server's own pages. Scripts and integrations should use a token instead."
        )


def refuse_foreign_origin(request: Request, trust_proxy_headers: bool) -> None:
    """Raise ``ForeignOriginError`` for a write to the API whose ``Origin`` is not this
    server's. Call it for requests authenticated by the session cookie only."""
    if request.method in SAFE_METHODS or not request.url.path.startswith(API_PREFIX):
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    theirs = parse_origin(origin)
    if theirs is None or theirs != own_origin(request, trust_proxy_headers):
        raise ForeignOriginError(origin)


def own_origin(request: Request, trust_proxy_headers: bool) -> Origin | None:
    """Where the browser reached this server: the scheme and the ``Host`` it asked for (behind a
    trusted proxy, ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` where the proxy sets them)."""
    scheme = request.url.scheme
    host = request.headers.get("host", "")
    if trust_proxy_headers:
        scheme = _first(request.headers.get("x-forwarded-proto")) or scheme
        host = _first(request.headers.get("x-forwarded-host")) or host
    return parse_origin(f"{scheme}://{host}")


def parse_origin(text: str) -> Origin | None:
    """``(scheme, host, port)`` with the default port filled in; None for what no browser
    sends as a site's origin (``null``, or anything malformed)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _first(value: str | None) -> str | None:
    return value.split(",")[0].strip() if value else None
