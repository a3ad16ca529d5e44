"""HTTP routes of the flag endpoints, one module per area; ``ROUTERS`` lists them all."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.flags.routes import (
    access,
    definitions,
    dependencies,
    environments,
    features,
    projects,
    segments,
    strategies,
    tags,
    toggles,
)

ROUTERS: tuple[APIRouter, ...] = (
    projects.router,
    access.router,
    environments.router,
    features.router,
    toggles.router,
    strategies.router,
    dependencies.router,
    segments.router,
    definitions.router,
    tags.router,
)
