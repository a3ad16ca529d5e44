"""Instance configuration the UI and admins read and change (/api/admin/ui-config)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin UI"])
