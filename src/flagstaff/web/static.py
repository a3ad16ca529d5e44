"""Static files (stylesheet, scripts, icons) with the same defensive headers as pages."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from flagstaff.web.rendering import STATIC

ONE_YEAR = 365 * 24 * 3600


class StaticAssets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.status_code == 200:
            # URLs carry a content hash (rendering.static_url): a new file is a new URL.
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response


def static_files() -> StaticAssets:
    return StaticAssets(directory=STATIC)
