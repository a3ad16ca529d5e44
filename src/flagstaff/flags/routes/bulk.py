"""Flag operations on several flags at once (switch, stale, archive, revive, delete), and
cloning a flag."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from flagstaff.auth.principal import Principal
from flagstaff.deps import ActorDep, SessionDep, require
from flagstaff.flags.bulk import BulkService
from flagstaff.flags.bulk_archive import ArchiveBulkService
from flagstaff.flags.cloning import CloneService
from flagstaff.flags.routes.common import Environment, FeatureName, ProjectId
from flagstaff.flags.schemas import (
    BatchStaleIn,
    BulkToggleIn,
    CloneFeatureIn,
    FeatureNames,
)
from flagstaff.flags.views import feature_created_json
from flagstaff.rbac.permissions import Permission
from flagstaff.routing import TransactionalRoute
from flagstaff.schemas import InputModel

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

PROJECT = "/api/admin/projects/{projectId}"
BULK_TOGGLE = PROJECT + "/bulk_features/environments/{environment}"

CreateFeatureDep = Annotated[
    Principal, Depends(require(Permission.CREATE_FEATURE, project_param="projectId"))
]
UpdateFeatureDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_FEATURE, project_param="projectId"))
]
DeleteFeatureDep = Annotated[
    Principal, Depends(require(Permission.DELETE_FEATURE, project_param="projectId"))
]
ToggleDep = Annotated[
    Principal,
    Depends(
        require(
            Permission.UPDATE_FEATURE_ENVIRONMENT,
            project_param="projectId",
            env_param="environment",
        )
    ),
]


class BatchFeaturesIn(InputModel):
    """Unleash's batchFeaturesSchema. (It belongs in flags/schemas.py, which the change that
    added it was not free to edit; move it there.)"""

    features: FeatureNames


@router.post(
    PROJECT + "/features/{featureName}/clone", operation_id="cloneFeature", status_code=201
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


@router.post(BULK_TOGGLE + "/on", operation_id="bulkToggleFeaturesEnvironmentOn")
def bulk_toggle_on(
    project_id: ProjectId,
    environment: Environment,
    body: BulkToggleIn,
    actor: ActorDep,
    _: ToggleDep,
    db: SessionDep,
) -> Response:
    BulkService(db).set_enabled(actor, project_id, environment, body.features, True)
    return Response(status_code=200)


@router.post(BULK_TOGGLE + "/off", operation_id="bulkToggleFeaturesEnvironmentOff")
def bulk_toggle_off(
    project_id: ProjectId,
    environment: Environment,
    body: BulkToggleIn,
    actor: ActorDep,
    _: ToggleDep,
    db: SessionDep,
) -> Response:
    BulkService(db).set_enabled(actor, project_id, environment, body.features, False)
    return Response(status_code=200)


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


@router.post(PROJECT + "/archive/validate", operation_id="validateArchiveFeatures")
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
