"""Flag operations on several flags at once, and cloning a flag."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Features"])
