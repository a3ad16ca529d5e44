"""``/api/admin/segments``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from flagstaff.auth.principal import Principal
from flagstaff.deps import ActorDep, AnyAccountDep, SessionDep, require
from flagstaff.flags.schemas import SegmentIn, ValidateSegmentIn, dumped
from flagstaff.flags.segments import SegmentInput, SegmentService, segment_json
from flagstaff.rbac.permissions import Permission
from flagstaff.routing import TransactionalRoute

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


@router.get("/api/admin/segments", operation_id="getSegments")
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


@router.post("/api/admin/segments", operation_id="createSegment", status_code=201)
def create_segment(
    body: SegmentIn, actor: ActorDep, _: CreateDep, db: SessionDep
) -> dict[str, Any]:
    return segment_json(SegmentService(db).create(actor, _input(body)))


@router.post("/api/admin/segments/validate", operation_id="validateSegment")
def validate_segment(body: ValidateSegmentIn, _: AnyAccountDep, db: SessionDep) -> Response:
    SegmentService(db).validate_name(body.name)
    return Response(status_code=204)


@router.get("/api/admin/segments/{id}", operation_id="getSegment")
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


@router.get("/api/admin/segments/{id}/strategies", operation_id="getStrategiesBySegmentId")
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
