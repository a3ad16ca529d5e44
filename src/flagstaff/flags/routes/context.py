"""Context fields: global (/api/admin/context) and project-scoped."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Context"])
