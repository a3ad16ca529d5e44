"""HTTP routes of the flag endpoints, one module per area; ``ROUTERS`` lists them all."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.flags.context import routes as context
from flagstaff.flags.environments import routes as environments
from flagstaff.flags.features import bulk_routes as bulk
from flagstaff.flags.features import dependency_routes as dependencies
from flagstaff.flags.features import lifecycle_routes as lifecycle
from flagstaff.flags.features import link_routes as links
from flagstaff.flags.features import routes as features
from flagstaff.flags.overview import routes as project_overview
from flagstaff.flags.projects import access_routes as access
from flagstaff.flags.projects import archive_routes as project_lifecycle
from flagstaff.flags.projects import routes as projects
from flagstaff.flags.search import routes as search
from flagstaff.flags.segments import routes as segments
from flagstaff.flags.strategies import definition_routes as definitions
from flagstaff.flags.strategies import routes as strategies
from flagstaff.flags.tags import routes as tags
from flagstaff.flags.toggles import routes as toggles

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
