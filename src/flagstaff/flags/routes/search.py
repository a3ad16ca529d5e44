"""Searching flags across projects (/api/admin/search/features)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Search"])
