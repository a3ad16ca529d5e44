"""HTTP routes of the flag endpoints, one module per area; ``ROUTERS`` lists them all."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.flags.routes import (
    access,
    bulk,
    context,
    definitions,
    dependencies,
    environments,
    features,
    lifecycle,
    links,
    project_lifecycle,
    project_overview,
    projects,
    search,
    segments,
    strategies,
    tags,
    toggles,
)

ROUTERS: tuple[APIRouter, ...] = (
    projects.router,
    project_lifecycle.router,
    project_overview.router,
    access.router,
    environments.router,
    features.router,
    toggles.router,
    strategies.router,
    dependencies.router,
    segments.router,
    definitions.router,
    tags.router,
    bulk.router,
    context.router,
    search.router,
    links.router,
    lifecycle.router,
)
