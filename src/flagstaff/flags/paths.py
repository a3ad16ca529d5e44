"""Flag names that are not URL-safe, in paths.

A flag named ``team/checkout`` is addressed as ``…/features/team%2Fcheckout``. The server decodes
the path before routing, which would turn that into two path segments; this middleware decodes
``%2F`` inside flag paths to a placeholder instead (a character no flag name may contain), and
``restore_name`` turns it back into ``/`` once the route has matched.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

PLACEHOLDER = "\x00"
ENCODED_SLASH = re.compile(rb"%2[fF]")
FLAG_PATHS = (
    "/api/admin/projects/",
    "/api/admin/features/",
    "/api/admin/archive/",
    "/api/admin/tags/",
)


def restore_name(name: str) -> str:
    return name.replace(PLACEHOLDER, "/")


class EncodedSlashes:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FLAG_PATHS):
            raw: bytes | None = scope.get("raw_path")
            if raw and b"%" in raw:
                # Decoded here from the bytes the client sent, exactly once.
                parts = ENCODED_SLASH.split(raw)
                decoded = [unquote_to_bytes(p).decode("utf-8", "replace") for p in parts]
                scope = {**scope, "path": PLACEHOLDER.join(decoded)}
        await self.app(scope, receive, send)
