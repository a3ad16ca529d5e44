"""``/api/admin/segments``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.deps import StrategyId, ensure_allowed
from flagstaff.flags.schemas import dumped
from flagstaff.flags.segments.schemas import (
    SegmentIn,
    SegmentOut,
    SegmentsOut,
    SegmentStrategiesOut,
    StrategySegmentsOut,
    StrategySegmentsSetOut,
    ValidateSegmentIn,
)
from flagstaff.flags.segments.service import SegmentInput, SegmentService, segment_json
from flagstaff.flags.strategies.schemas import StrategySegmentsIn
from flagstaff.http.deps import ActorDep, AnyAccountDep, PrincipalDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Segments"])

SegmentId = Annotated[int, Path(alias="id", ge=0, le=2_147_483_647)]
CreateDep = Annotated[Principal, Depends(require(Permission.CREATE_SEGMENT))]
UpdateDep = Annotated[Principal, Depends(require(Permission.UPDATE_SEGMENT))]
DeleteDep = Annotated[Principal, Depends(require(Permission.DELETE_SEGMENT))]


def _input(body: SegmentIn) -> SegmentInput:
    return SegmentInput(
        name=body.name,
        description=body.description,
        project=body.project,
        constraints=dumped(body.constraints),
    )


@router.get("/api/admin/segments", operation_id="getSegments", responses=answers(SegmentsOut))
def get_segments(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    service = SegmentService(db)
    usage = service.usage()
    segments = []
    for segment in service.all():
        used = usage.get(segment.id)
        segments.append(
            {
                **segment_json(segment),
                "usedInFeatures": used.features if used else 0,
                "usedInProjects": used.projects if used else 0,
            }
        )
    return {"segments": segments}


@router.post(
    "/api/admin/segments",
    operation_id="createSegment",
    status_code=201,
    responses=answers(SegmentOut, 201),
)
def create_segment(
    body: SegmentIn, actor: ActorDep, _: CreateDep, db: SessionDep
) -> dict[str, Any]:
    return segment_json(SegmentService(db).create(actor, _input(body)))


@router.post("/api/admin/segments/validate", operation_id="validateSegment")
def validate_segment(body: ValidateSegmentIn, _: AnyAccountDep, db: SessionDep) -> Response:
    SegmentService(db).validate_name(body.name)
    return Response(status_code=204)


@router.post(
    "/api/admin/segments/strategies",
    operation_id="updateFeatureStrategySegments",
    status_code=201,
    responses=answers(StrategySegmentsSetOut, 201),
)
def set_strategy_segments(
    body: StrategySegmentsIn,
    response: Response,
    actor: ActorDep,
    principal: PrincipalDep,
    db: SessionDep,
) -> dict[str, Any]:
    ensure_allowed(
        principal, Permission.UPDATE_FEATURE_STRATEGY, body.project_id, body.environment_id
    )
    strategy = SegmentService(db).set_for_strategy(
        actor, body.project_id, body.environment_id, body.strategy_id, body.segment_ids
    )
    response.headers["Location"] = f"strategies/{quote(strategy.id, safe='')}"
    return {
        "projectId": body.project_id,
        "environmentId": body.environment_id,
        "strategyId": strategy.id,
        "segmentIds": strategy.segment_ids,
    }


@router.get(
    "/api/admin/segments/strategies/{strategyId}",
    operation_id="getSegmentsByStrategyId",
    responses=answers(StrategySegmentsOut),
)
def get_strategy_segments(
    strategy_id: StrategyId, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return {"segments": [segment_json(s) for s in SegmentService(db).of_strategy(strategy_id)]}


@router.get("/api/admin/segments/{id}", operation_id="getSegment", responses=answers(SegmentOut))
def get_segment(segment_id: SegmentId, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return segment_json(SegmentService(db).get(segment_id))


@router.put("/api/admin/segments/{id}", operation_id="updateSegment")
def update_segment(
    segment_id: SegmentId, body: SegmentIn, actor: ActorDep, _: UpdateDep, db: SessionDep
) -> Response:
    SegmentService(db).update(actor, segment_id, _input(body))
    return Response(status_code=204)


@router.delete("/api/admin/segments/{id}", operation_id="removeSegment")
def delete_segment(
    segment_id: SegmentId, actor: ActorDep, _: DeleteDep, db: SessionDep
) -> Response:
    SegmentService(db).delete(actor, segment_id)
    return Response(status_code=204)


@router.get(
    "/api/admin/segments/{id}/strategies",
    operation_id="getStrategiesBySegmentId",
    responses=answers(SegmentStrategiesOut),
)
def get_segment_strategies(
    segment_id: SegmentId, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    rows = SegmentService(db).strategies(segment_id)
    return {
        "strategies": [
            {
                "id": strategy.id,
                "featureName": strategy.feature_name,
                "projectId": project,
                "environment": strategy.environment,
                "strategyName": strategy.strategy_name,
            }
            for strategy, project in rows
        ],
        "changeRequestStrategies": [],
    }
