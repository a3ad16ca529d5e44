"""HTTP routes of import and export."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.routing import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["Import/Export"])
