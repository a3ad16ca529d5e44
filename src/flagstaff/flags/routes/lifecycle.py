"""Flag lifecycle: routes (filled in by the change that builds them)."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.routing import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])
