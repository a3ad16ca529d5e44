"""A project's overview, health report, flag creators and status, as Unleash's project pages
read them. Any signed-in account may read them, as Unleash's ``NONE`` permission (there are no
private projects here); an unknown project is 404 on all four (Unleash answers the creators and
status of an unknown project with empty figures)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from flagstaff.core.db import utcnow
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers, iso
from flagstaff.credentials.api_tokens.service import count_for_project
from flagstaff.flags.deps import ProjectId
from flagstaff.flags.favorites.service import FavoriteService
from flagstaff.flags.features.views import feature_list_json
from flagstaff.flags.overview.schemas import (
    HealthReportSchema,
    ProjectFlagCreatorSchema,
    ProjectOverviewSchema,
    ProjectStatusSchema,
)
from flagstaff.flags.overview.service import ProjectOverviewService, health_of
from flagstaff.flags.projects.models import Project
from flagstaff.http.deps import AnyAccountDep, SessionDep
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Projects"])

BASE = "/api/admin/projects/{projectId}"


def _common(db: Session, project: Project, principal: Principal) -> dict[str, Any]:
    favorite = FavoriteService(db).is_favorite_project(principal.account_id, project.id)
    return {
        "name": project.name,
        "description": project.description,
        "mode": project.mode,
        "featureLimit": project.feature_limit,
        "featureNaming": {"pattern": None, "example": None, "description": None},
        "defaultStickiness": project.default_stickiness,
        "favorite": favorite,
        "updatedAt": iso(project.updated_at),
        "createdAt": iso(project.created_at),
    }


@router.get(
    BASE + "/overview",
    operation_id="getProjectOverview",
    responses=answers(ProjectOverviewSchema),
)
def get_project_overview(
    project_id: ProjectId, principal: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    service = ProjectOverviewService(db)
    project = service.project(project_id)
    now = utcnow()
    flags = service.active_flags(project_id)
    rating = health_of(flags, now).rating
    type_counts: dict[str, int] = {}
    for flag in flags:
        type_counts[flag.type] = type_counts.get(flag.type, 0) + 1
    return {
        "stats": service.stats(project_id, now),
        **_common(db, project, principal),
        "linkTemplates": [],
        "health": rating,
        "technicalDebt": 100 - rating,
        "archivedAt": iso(project.archived_at),
        "onboardingStatus": service.onboarding_status(project_id, flags),
        "environments": service.environments(project_id),
        "featureTypeCounts": [
            {"type": name, "count": type_counts[name]} for name in sorted(type_counts)
        ],
        "members": service.members(project_id),
        "version": 1,
    }


@router.get(
    BASE + "/health-report",
    operation_id="getProjectHealthReport",
    responses=answers(HealthReportSchema),
)
def get_project_health_report(
    project_id: ProjectId, principal: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    service = ProjectOverviewService(db)
    project = service.project(project_id)
    now = utcnow()
    flags = service.active_flags(project_id)
    health = health_of(flags, now)
    return {
        "stats": service.stats(project_id, now),
        **_common(db, project, principal),
        "health": health.rating,
        "technicalDebt": 100 - health.rating,
        "environments": service.environments(project_id),
        "features": feature_list_json(db, flags),
        "members": service.members(project_id),
        "version": 1,
        "potentiallyStaleCount": health.potentially_stale,
        "activeCount": health.active,
        "staleCount": health.stale,
    }


@router.get(
    BASE + "/flag-creators",
    operation_id="getProjectFlagCreators",
    responses=answers(list[ProjectFlagCreatorSchema]),
)
def get_project_flag_creators(
    project_id: ProjectId, _: AnyAccountDep, db: SessionDep
) -> list[dict[str, Any]]:
    service = ProjectOverviewService(db)
    service.project(project_id)
    return service.flag_creators(project_id)


@router.get(
    BASE + "/status", operation_id="getProjectStatus", responses=answers(ProjectStatusSchema)
)
def get_project_status(project_id: ProjectId, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    service = ProjectOverviewService(db)
    service.project(project_id)
    now = utcnow()
    flags = service.active_flags(project_id)
    health = health_of(flags, now)
    return {
        "resources": service.resources(project_id, count_for_project(db, project_id)),
        "activityCountByDate": service.activity_by_date(project_id, now),
        "health": {"current": health.rating},
        "technicalDebt": {"current": 100 - health.rating},
        "lifecycleSummary": service.lifecycle_summary(project_id, flags, now),
        "staleFlags": {"total": health.stale + health.potentially_stale},
    }
