"""The playground: evaluate flags for a context through the Admin API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Playground"])
