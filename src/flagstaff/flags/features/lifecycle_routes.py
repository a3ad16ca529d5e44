"""Flag lifecycle: a flag's stages, completing and uncompleting it, and how many flags are at
each stage. Reading takes any account; completing takes UPDATE_FEATURE in the project, as
Unleash."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.deps import FeatureName, ProjectId, UpdateFeatureDep
from flagstaff.flags.features.lifecycle import LifecycleService, stage_json
from flagstaff.flags.features.schemas import (
    FeatureLifecycleCountSchema,
    LifecycleCompletedIn,
    LifecycleStageSchema,
)
from flagstaff.flags.search.routes import visibility
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

LIFECYCLE = "/api/admin/projects/{projectId}/features/{featureName}/lifecycle"


@router.get(
    LIFECYCLE,
    operation_id="getFeatureLifecycle",
    responses=answers(list[LifecycleStageSchema]),
)
def get_feature_lifecycle(
    project_id: ProjectId, feature_name: FeatureName, _: AnyAccountDep, db: SessionDep
) -> list[dict[str, Any]]:
    return [stage_json(row) for row in LifecycleService(db).stages(project_id, feature_name)]


@router.post(LIFECYCLE + "/complete", operation_id="complete")
def complete(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: LifecycleCompletedIn,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    LifecycleService(db).complete(actor, project_id, feature_name, body.status, body.status_value)
    return Response(status_code=200)


@router.post(LIFECYCLE + "/uncomplete", operation_id="uncomplete")
def uncomplete(
    project_id: ProjectId,
    feature_name: FeatureName,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    LifecycleService(db).uncomplete(actor, project_id, feature_name)
    return Response(status_code=200)


@router.get(
    "/api/admin/lifecycle/count",
    operation_id="getFeatureLifecycleStageCount",
    responses=answers(FeatureLifecycleCountSchema),
)
def get_lifecycle_count(principal: AnyAccountDep, db: SessionDep) -> dict[str, int]:
    """Private projects count only for their members and admins, as Unleash's count."""
    return LifecycleService(db).count(visibility(principal))
