"""``Cache-Control: no-store`` on every API answer that carries a session or a token: the answer
to a request made with one (the JSON answers that carry a new secret are all among them) and an
answer that sets or clears the session cookie (logging in and out). No cache, shared or the
browser's, keeps them. Pages send the header themselves (``web.security``)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.http.deps import SESSION_COOKIE

API_PREFIXES = ("/api/", "/auth/", "/edge/", "/logout")
NO_STORE = (b"cache-control", b"no-store")


class NoStore:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        credentialed = carries_credential(scope["headers"])

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                if credentialed or any(name == b"set-cookie" for name, _ in headers):
                    # Replaces what a route set (the Frontend API's no-cache, say): with a
                    # credential involved, nothing may be stored.
                    kept = [(name, value) for name, value in headers if name != b"cache-control"]
                    message["headers"] = [*kept, NO_STORE]
            await send(message)

        await self.app(scope, receive, send_no_store)


def carries_credential(headers: list[tuple[bytes, bytes]]) -> bool:
    """An ``Authorization`` header (any token), or the session cookie."""
    session_cookie = SESSION_COOKIE.encode()
    for name, value in headers:
        if name == b"authorization":
            return True
        if name == b"cookie" and any(
            part.strip().split(b"=", 1)[0] == session_cookie for part in value.split(b";")
        ):
            return True
    return False
