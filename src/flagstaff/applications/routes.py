"""Applications SDKs registered (/api/admin/metrics/applications). Reading needs any signed-in
caller; changing or deleting one needs UPDATE_APPLICATION, as in Unleash."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from flagstaff.applications.schemas import (
    ApplicationDetailsOut,
    ApplicationIn,
    ApplicationOverviewSchema,
    ApplicationsSchema,
    SortBy,
    SortOrder,
)
from flagstaff.applications.service import ApplicationQuery, ApplicationService
from flagstaff.applications.state import metrics_buffer
from flagstaff.core.db import NAME_LENGTH
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, AnyAccountDep, ContextDep, SessionDep, require
from flagstaff.rbac.permissions import Permission

router = APIRouter(route_class=TransactionalRoute, tags=["Metrics"])

BASE = "/api/admin/metrics/applications"
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot hold NUL: refused here (400), not there (500)
AppName = Annotated[
    str, Path(alias="appName", min_length=1, max_length=NAME_LENGTH, pattern=NO_NUL)
]
CanUpdate = [Depends(require(Permission.UPDATE_APPLICATION))]


def _service(db: SessionDep, context: ContextDep) -> ApplicationService:
    # What this process has buffered is written first, so a registration just made shows.
    metrics_buffer(context).safe_flush()
    return ApplicationService(db)


ServiceDep = Annotated[ApplicationService, Depends(_service)]


@router.get(BASE, operation_id="getApplications", responses=answers(ApplicationsSchema))
def get_applications(
    _: AnyAccountDep,
    service: ServiceDep,
    query: Annotated[str | None, Query(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    sort_by: Annotated[SortBy, Query(alias="sortBy")] = "appName",
    sort_order: Annotated[SortOrder, Query(alias="sortOrder")] = "asc",
) -> dict[str, Any]:
    """A page of applications (Unleash's applicationsSchema), searched by name."""
    page = service.page(ApplicationQuery(query, offset, limit, sort_by, sort_order))
    return {"applications": page.applications, "total": page.total}


@router.get(
    BASE + "/{appName}", operation_id="getApplication", responses=answers(ApplicationDetailsOut)
)
def get_application(app_name: AppName, _: AnyAccountDep, service: ServiceDep) -> dict[str, Any]:
    return service.details(app_name)


@router.get(
    BASE + "/{appName}/overview",
    operation_id="getApplicationOverview",
    responses=answers(ApplicationOverviewSchema),
)
def get_application_overview(
    app_name: AppName, _: AnyAccountDep, service: ServiceDep
) -> dict[str, Any]:
    """Projects, environments, instances, SDKs and problems of one application."""
    return service.overview(app_name)


@router.post(
    BASE + "/{appName}", operation_id="createApplication", status_code=202, dependencies=CanUpdate
)
def create_application(
    app_name: AppName, body: ApplicationIn, actor: ActorDep, db: SessionDep
) -> Response:
    """Create the application or change what is said about it (fields left out are kept)."""
    changes = body.model_dump(exclude_unset=True)
    ApplicationService(db).update(actor, app_name, changes)
    return Response(status_code=202)


@router.delete(BASE + "/{appName}", operation_id="deleteApplication", dependencies=CanUpdate)
def delete_application(app_name: AppName, db: SessionDep) -> Response:
    ApplicationService(db).delete(app_name)
    return Response(status_code=200)
