"""Unleash's own web UI, served under ``/unleash/`` from a directory the operator unpacked
(``FLAGSTAFF_UNLEASH_UI_DIR``, docs/unleash-ui.md).

The UI is a single-page application built to live at a base path: it loads its files from
``<base>/static/`` and calls the server at ``<base>/api/...``, ``<base>/auth/...`` and
``<base>/logout``. This middleware answers those calls by handing them to Flagstaff with the base
stripped from the path and added to the ASGI root path (so the login path in a 401 carries it),
serves the UI's files, and answers every other path under the base with the UI's page, where the
browser-side router takes over. Paths outside the base are Flagstaff's own, untouched."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

BASE = "/unleash"
# What the UI sends to the server; everything else under the base is the UI's own.
SERVER_PATHS = ("/api/", "/auth/", "/logout", "/health")
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def render_index(template: str, base: str) -> str:
    """The UI's page with its placeholders filled in, as Unleash does at start-up: the base
    path, no CDN, no UI flags and no token for the UI's own feature flags."""
    page = template.replace("::baseUriPath::", base)
    for placeholder, value in (
        ("::cdnPrefix::", ""),
        ("::faviconPrefix::", base),
        ("::uiFlags::", quote(json.dumps({}))),
        ("::unleashToken::", ""),
    ):
        page = page.replace(placeholder, value)
    return page.replace('"/static/', f'"{base}/static/')


class UnleashUi:
    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        self.files = StaticFiles(directory=directory, check_dir=True)
        self.index = render_index((directory / "index.html").read_text("utf-8"), BASE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] not in ("http", "websocket") or not _under_base(path):
            await self.app(scope, receive, send)
            return
        rest = path[len(BASE) :]
        if rest == "":
            await RedirectResponse(f"{BASE}/", status_code=308)(scope, receive, send)
        elif rest.startswith(SERVER_PATHS):
            await self.app(_rebased(scope, rest), receive, send)
        elif scope["type"] == "http":
            await self._serve_ui(scope, rest, receive, send)

    async def _serve_ui(self, scope: Scope, rest: str, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = Response(status_code=405, headers={"Allow": "GET, HEAD"})
        elif _is_file(rest):
            response = await self._file(scope, rest)
            if response.status_code == 404 and not rest.startswith("/static/"):
                # A page whose last segment has a dot, such as a flag named "checkout.v2".
                response = HTMLResponse(self.index, headers=PAGE_HEADERS)
        else:
            response = HTMLResponse(self.index, headers=PAGE_HEADERS)
        await response(scope, receive, send)

    async def _file(self, scope: Scope, rest: str) -> Response:
        """A file of the build; StaticFiles refuses anything outside its directory."""
        try:
            response = await self.files.get_response(rest.lstrip("/"), {**scope, "path": rest})
        except HTTPException as missing:
            response = Response(status_code=missing.status_code)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _under_base(path: str) -> bool:
    return path == BASE or path.startswith(f"{BASE}/")


def _is_file(rest: str) -> bool:
    """A file of the build (``/static/...``, ``/favicon.ico``, a logo), not a page's path."""
    last = rest.rsplit("/", 1)[-1]
    return rest.startswith("/static/") or "." in last


def _rebased(scope: Scope, rest: str) -> Scope:
    raw: bytes | None = scope.get("raw_path")
    rebased = {
        **scope,
        "path": rest,
        "root_path": scope.get("root_path", "") + BASE,
    }
    if raw is not None and raw.startswith(BASE.encode()):
        rebased["raw_path"] = raw[len(BASE) :]
    return rebased
