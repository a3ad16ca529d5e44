"""Flag operations on several flags at once (switch, stale, archive, revive, delete), and
cloning a flag."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.deps import (
    CreateFeatureDep,
    DeleteFeatureDep,
    Environment,
    FeatureName,
    ProjectId,
    ToggleDep,
    UpdateFeatureDep,
)
from flagstaff.flags.features.bulk_archive import ArchiveBulkService
from flagstaff.flags.features.cloning import CloneService
from flagstaff.flags.features.schemas import (
    BatchFeaturesIn,
    BatchStaleIn,
    CloneFeatureIn,
    CreatedFeatureSchema,
    ValidateArchiveFeaturesSchema,
)
from flagstaff.flags.features.views import feature_created_json
from flagstaff.flags.toggles.bulk import BulkService
from flagstaff.flags.toggles.schemas import BulkToggleIn
from flagstaff.http.deps import ActorDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

PROJECT = "/api/admin/projects/{projectId}"
BULK_TOGGLE = PROJECT + "/bulk_features/environments/{environment}"


@router.post(
    PROJECT + "/features/{featureName}/clone",
    operation_id="cloneFeature",
    status_code=201,
    responses=answers(CreatedFeatureSchema, 201),
)
def clone_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: CloneFeatureIn,
    actor: ActorDep,
    _: CreateFeatureDep,
    db: SessionDep,
) -> dict[str, Any]:
    replace = body.replace_group_id is not False  # Unleash's default is to replace it
    copy = CloneService(db).clone(
        actor, project_id, feature_name, body.name, replace_group_id=replace
    )
    return feature_created_json(copy)


def _bulk_toggle_route(enabled: bool) -> Any:
    def bulk_toggle(
        project_id: ProjectId,
        environment: Environment,
        body: BulkToggleIn,
        actor: ActorDep,
        _: ToggleDep,
        db: SessionDep,
    ) -> Response:
        BulkService(db).set_enabled(actor, project_id, environment, body.features, enabled)
        return Response(status_code=200)

    return bulk_toggle


for _state, _enabled in (("On", True), ("Off", False)):
    router.post(
        BULK_TOGGLE + "/" + _state.lower(),
        operation_id="bulkToggleFeaturesEnvironment" + _state,
    )(_bulk_toggle_route(_enabled))


@router.post(PROJECT + "/stale", operation_id="staleFeatures")
def stale_features(
    project_id: ProjectId,
    body: BatchStaleIn,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    BulkService(db).set_stale(actor, project_id, body.features, body.stale)
    return Response(status_code=202)


@router.post(PROJECT + "/archive", operation_id="archiveFeatures")
def archive_features(
    project_id: ProjectId,
    body: BatchFeaturesIn,
    actor: ActorDep,
    _: DeleteFeatureDep,
    db: SessionDep,
) -> Response:
    ArchiveBulkService(db).archive(actor, project_id, body.features)
    return Response(status_code=202)


@router.post(
    PROJECT + "/archive/validate",
    operation_id="validateArchiveFeatures",
    responses=answers(ValidateArchiveFeaturesSchema),
)
def validate_archive_features(
    project_id: ProjectId, body: BatchFeaturesIn, _: DeleteFeatureDep, db: SessionDep
) -> dict[str, Any]:
    return ArchiveBulkService(db).validate_archive(project_id, body.features)


@router.post(PROJECT + "/revive", operation_id="reviveFeatures")
def revive_features(
    project_id: ProjectId,
    body: BatchFeaturesIn,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    ArchiveBulkService(db).revive(actor, project_id, body.features)
    return Response(status_code=200)


@router.post(PROJECT + "/delete", operation_id="deleteFeatures")
def delete_features(
    project_id: ProjectId,
    body: BatchFeaturesIn,
    actor: ActorDep,
    _: DeleteFeatureDep,
    db: SessionDep,
) -> Response:
    ArchiveBulkService(db).delete(actor, project_id, body.features)
    return Response(status_code=200)
