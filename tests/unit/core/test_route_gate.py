"""The route gate skips routers by path without changing which route a request reaches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette.routing import Match

from flagstaff.core.route_gate import GatedRouter

pytestmark = pytest.mark.engine_independent

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
EXTRA_PATHS = (
    "/",
    "/nothing/here",
    "/api/admin/nothing",
    "/api/admin/projects/default/features/a%2Fb",
    "/static/app.css",
    "/api/admin/projects/",
    "/api/admin/projects/default/features/flag/",
)


def sample_paths(app: FastAPI) -> list[str]:
    """Every operation's path with its parameters filled, with and without a trailing slash."""
    paths = []
    for template in app.openapi()["paths"]:
        concrete = re.sub(r"\{[^}]+\}", "x1", template)
        paths += [concrete, concrete.rstrip("/") + "/"]
    return paths + list(EXTRA_PATHS)


def scope_for(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def gated_nodes(app: FastAPI) -> list[GatedRouter]:
    return [route for route in app.router.routes if isinstance(route, GatedRouter)]


def test_every_included_router_is_gated(app: FastAPI) -> None:
    ungated = [
        route
        for route in app.router.routes
        if isinstance(route, _IncludedRouter) and not isinstance(route, GatedRouter)
    ]
    assert ungated == []
    assert len(gated_nodes(app)) > 20


def test_gated_and_ungated_matching_agree_for_every_operation(app: FastAPI) -> None:
    disagreements = []
    for path in sample_paths(app):
        for method in METHODS:
            for node in gated_nodes(app):
                gated, _ = node.matches(scope_for(method, path))
                plain, _ = _IncludedRouter.matches(node, scope_for(method, path))
                if gated != plain:
                    disagreements.append((method, path, node.gate, gated, plain))
    assert disagreements == []


def test_a_flag_read__skips_the_routers_that_cannot_match(app: FastAPI) -> None:
    scope = scope_for("GET", "/api/admin/projects/default/features/my-flag")
    nodes = gated_nodes(app)

    passed = [node for node in nodes if node.gate is None or node.gate.match(scope["path"])]

    assert 1 <= len(passed) <= 3
    assert any(node.matches(scope)[0] == Match.FULL for node in passed)
