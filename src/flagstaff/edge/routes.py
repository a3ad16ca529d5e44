"""What Unleash Edge asks of its upstream (/edge/validate)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Edge"])
