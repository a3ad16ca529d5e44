"""Applications SDKs registered (/api/admin/metrics/applications)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Metrics"])
