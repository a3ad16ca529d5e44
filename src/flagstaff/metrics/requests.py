"""Counting HTTP requests by route template, in one outermost middleware.

The label is the template a request matched (``/api/admin/projects/{projectId}``), never the
raw path, so a flag name or an id cannot create a series. FastAPI records the matched route in
the scope it routes, which an inner middleware may have copied (``flags.paths.EncodedSlashes``
does); so ``RequestMetrics`` leaves a one-item list in the scope, which every copy shares, and
``RouteMarker`` (innermost, just before routing) puts the routed scope in it. A request that
never reaches routing was answered on the way in: by the Client API's fast path (labelled by
its fixed paths, given by the app) or refused by a middleware (``UNMATCHED``, like every path
no route knows).

The access log's middleware wrapped ``send`` here already; the two are one middleware so that
a request pays for one wrapper. ``on_response`` is the access log's ``add``, called as before.
Per request: a list, a closure, two clock reads, a dict lookup of the bound label children and
their updates, tallied on the loop (``metrics.tally``). prometheus_client's ``labels()`` is called
once per (route, method, status).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from time import perf_counter
from typing import Any

from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.metrics import tally
from flagstaff.metrics.instruments import HTTP_DURATION, HTTP_REQUESTS

SCOPE_KEY = "flagstaff.routed_scope"
UNMATCHED = "<unmatched>"
OTHER_METHOD = "OTHER"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SERVER_ERROR = 500

OnResponse = Callable[[Scope, int], None]
Children = tuple["Counter", "Histogram"]


class RequestMetrics:
    """``fixed``: ``(method, path) -> label`` of routes that routing does not label (answered
    before it, or not FastAPI's); ``prefixed``: ``(method, prefix, label)`` for such routes with
    a parameter at the end of the path."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        fixed: Mapping[tuple[str, str], str] | None = None,
        prefixed: Iterable[tuple[str, str, str]] = (),
        on_response: OnResponse | None = None,
    ) -> None:
        self.app = app
        self._fixed = dict(fixed or {})
        self._prefixed = tuple(prefixed)
        self._on_response = on_response
        self._children: dict[tuple[str, str, int], Children] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        # [the scope routing fills in, set by RouteMarker; the root path before routing]
        routed: list[Any] = [None, scope.get("root_path", "")]
        scope[SCOPE_KEY] = routed
        on_response = self._on_response
        record = self._record
        responded = False

        async def observed_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.start":
                responded = True
                status = message["status"]
                if on_response is not None:
                    on_response(scope, status)
                record(scope, routed, status, perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except Exception:
            # The server's error middleware (outside this one) answers 500: count it here. (A
            # cancelled request, the client gone, is no answer and is not counted.)
            if not responded:
                record(scope, routed, SERVER_ERROR, perf_counter() - started)
            raise

    def _record(self, scope: Scope, cell: list[Any], status: int, seconds: float) -> None:
        method = scope["method"]
        if method not in METHODS:
            method = OTHER_METHOD
        routed: Scope | None = cell[0]
        route = routed.get("route") if routed is not None else None
        if route is not None:
            label = _template(route)
        else:
            label = self._unrouted(method, scope["path"], routed, cell[1])
        key = (label, method, status)
        children = self._children.get(key)
        if children is None:
            children = self._bind(key)
        tally.inc(children[0])
        tally.observe(children[1], seconds)

    def _unrouted(self, method: str, path: str, routed: Scope | None, root: str) -> str:
        """A request that routing did not label: answered before it, or by a route that is
        not FastAPI's (a mount, the documentation pages), or by none."""
        label = self._fixed.get((method, path))
        if label is not None:
            return label
        for wanted, prefix, template in self._prefixed:
            if method == wanted and path.startswith(prefix) and len(path) > len(prefix):
                return template
        if routed is not None:
            # A mount adds its path to the root path of what it passes on.
            inner: str = routed.get("root_path", "")
            if inner != root and inner.startswith(root):
                return inner[len(root) :] + "/{path}"
        return UNMATCHED

    def _bind(self, key: tuple[str, str, int]) -> Children:
        route, method, status = key
        children = (
            HTTP_REQUESTS.labels(route, method, str(status)),
            HTTP_DURATION.labels(route, method, str(status)),
        )
        self._children[key] = children
        return children


def _template(route: Any) -> str:
    template = getattr(route, "path_format", None)
    return template if isinstance(template, str) else UNMATCHED


class RouteMarker:
    """Innermost: hands the scope that routing will fill in to ``RequestMetrics``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed: list[Any] | None = scope.get(SCOPE_KEY)
        if routed is not None:
            routed[0] = scope
        await self.app(scope, receive, send)
