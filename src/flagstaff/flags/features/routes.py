"""Feature flags in a project, flag types, and the archive."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import Field, StrictInt
from starlette.concurrency import run_in_threadpool

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel, answers
from flagstaff.flags import lookup
from flagstaff.flags.deps import (
    CreateFeatureDep,
    DeleteFeatureDep,
    FeatureName,
    ProjectId,
    UpdateFeatureDep,
    ensure_allowed,
)
from flagstaff.flags.features.models import Feature
from flagstaff.flags.features.schemas import (
    ArchivedFeaturesSchema,
    CreatedFeatureSchema,
    CreateFeatureIn,
    FeatureSchema,
    FeatureTypeSchema,
    FeatureTypesSchema,
    ProjectFeaturesSchema,
    UpdateFeatureIn,
    ValidateFeatureIn,
)
from flagstaff.flags.features.service import FeatureFields, FeatureService
from flagstaff.flags.features.types import FeatureTypeService
from flagstaff.flags.features.views import (
    feature_created_json,
    feature_json,
    feature_list_json,
)
from flagstaff.flags.schemas import PatchOperationIn
from flagstaff.flags.tags.service import Tag, TagService
from flagstaff.http.deps import (
    ActorDep,
    AdminDep,
    AnyAccountDep,
    ContextDep,
    PrincipalDep,
    SessionDep,
)
from flagstaff.rbac.permissions import Permission

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

FEATURE_PATH = "/api/admin/projects/{projectId}/features/{featureName}"


FeatureTypeId = Annotated[str, Path(alias="id", max_length=100, pattern=r"^[^\x00]*$")]


class FeatureTypeLifetimeIn(InputModel):
    """Unleash's updateFeatureTypeLifetimeSchema: required, may be null."""

    lifetime_days: Annotated[StrictInt, Field(ge=0, le=2_147_483_647)] | None


@router.get(
    "/api/admin/feature-types",
    operation_id="getAllFeatureTypes",
    responses=answers(FeatureTypesSchema),
)
def get_feature_types(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 1, "types": [t.to_json() for t in FeatureTypeService(db).all()]}


@router.put(
    "/api/admin/feature-types/{id}/lifetime",
    operation_id="updateFeatureTypeLifetime",
    tags=["Feature Types"],
    responses=answers(FeatureTypeSchema),
)
def update_feature_type_lifetime(
    type_id: FeatureTypeId,
    body: FeatureTypeLifetimeIn,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
) -> dict[str, Any]:
    return FeatureTypeService(db).update_lifetime(actor, type_id, body.lifetime_days).to_json()


@router.post("/api/admin/features/validate", operation_id="validateFeature")
def validate_feature(body: ValidateFeatureIn, _: AnyAccountDep, db: SessionDep) -> Response:
    FeatureService(db).validate_name(body.name)
    return Response(status_code=200)


@router.get(
    "/api/admin/projects/{projectId}/features",
    operation_id="getFeatures",
    responses=answers(ProjectFeaturesSchema),
)
def get_features(project_id: ProjectId, _: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    features = FeatureService(db).all(project_id)
    # Unleash's list names neither the project (it is in the path) nor archivedAt (none is).
    listed = [
        {key: value for key, value in item.items() if key not in ("project", "archivedAt")}
        for item in feature_list_json(db, features)
    ]
    return {"version": 2, "features": listed}


@router.post(
    "/api/admin/projects/{projectId}/features",
    operation_id="createFeature",
    status_code=201,
    responses=answers(CreatedFeatureSchema, 201),
)
def create_feature(
    project_id: ProjectId,
    body: CreateFeatureIn,
    actor: ActorDep,
    _: CreateFeatureDep,
    db: SessionDep,
) -> dict[str, Any]:
    feature = FeatureService(db).create(
        actor,
        project_id,
        body.name,
        FeatureFields(
            description=body.description,
            type=body.type,
            impression_data=body.impression_data,
        ),
    )
    for tag in body.tags or []:
        TagService(db).add(actor, feature.name, Tag(tag.type, tag.value))
    return feature_created_json(feature)


@router.get(FEATURE_PATH, operation_id="getFeature", responses=answers(FeatureSchema))
async def get_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    principal: AnyAccountDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    # Integrations poll this; between changes it is served from memory (flagstaff.core.read_cache)
    # on the event loop. Only a miss reads the database, in a worker thread. Keyed by account
    # too: ``favorite`` is the caller's (API tokens, having none, share one entry).
    account_id = principal.account_id
    key = ("feature", project_id, feature_name, account_id)
    body = context.reads.get(key)
    if body is None:
        body = await run_in_threadpool(
            context.reads.body,
            key,
            lambda: feature_json(db, FeatureService(db).get(project_id, feature_name), account_id),
        )
    return Response(body, media_type="application/json")


@router.put(FEATURE_PATH, operation_id="updateFeature", responses=answers(FeatureSchema))
def update_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: UpdateFeatureIn,
    actor: ActorDep,
    principal: UpdateFeatureDep,
    db: SessionDep,
) -> dict[str, Any]:
    fields = FeatureFields(
        description=body.description,
        type=body.type,
        stale=body.stale,
        impression_data=body.impression_data,
    )
    feature = FeatureService(db).update(actor, project_id, feature_name, fields, replace=True)
    return feature_json(db, feature, principal.account_id)


@router.patch(FEATURE_PATH, operation_id="patchFeature", responses=answers(FeatureSchema))
def patch_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: list[PatchOperationIn],
    actor: ActorDep,
    principal: UpdateFeatureDep,
    db: SessionDep,
) -> dict[str, Any]:
    operations = [op.as_operation() for op in body]
    feature = FeatureService(db).patch(actor, project_id, feature_name, operations)
    return feature_json(db, feature, principal.account_id)


@router.delete(FEATURE_PATH, operation_id="archiveFeature")
def archive_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    actor: ActorDep,
    _: DeleteFeatureDep,
    db: SessionDep,
) -> Response:
    FeatureService(db).archive(actor, project_id, feature_name)
    return Response(status_code=202)


@router.get(
    "/api/admin/archive/features",
    operation_id="getArchivedFeatures",
    responses=answers(ArchivedFeaturesSchema),
)
def get_archived(_: AnyAccountDep, db: SessionDep) -> dict[str, Any]:
    return {"version": 2, "features": feature_list_json(db, FeatureService(db).archived())}


@router.get(
    "/api/admin/archive/features/{projectId}",
    operation_id="getArchivedFeaturesByProjectId",
    responses=answers(ArchivedFeaturesSchema),
)
def get_archived_in_project(
    project_id: ProjectId, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    lookup.project(db, project_id)
    features = FeatureService(db).archived(project_id)
    return {"version": 2, "features": feature_list_json(db, features)}


@router.post("/api/admin/archive/revive/{featureName}", operation_id="reviveFeature")
def revive_feature(
    feature_name: FeatureName, actor: ActorDep, principal: PrincipalDep, db: SessionDep
) -> Response:
    feature = lookup.any_feature(db, feature_name)
    ensure_allowed(principal, Permission.UPDATE_FEATURE, feature.project)
    FeatureService(db).revive(actor, feature_name)
    return Response(status_code=200)


@router.delete("/api/admin/archive/{featureName}", operation_id="deleteFeature")
def delete_feature(
    feature_name: FeatureName, actor: ActorDep, principal: PrincipalDep, db: SessionDep
) -> Response:
    existing = db.get(Feature, feature_name)
    if existing is not None:
        ensure_allowed(principal, Permission.DELETE_FEATURE, existing.project)
    FeatureService(db).delete_archived(actor, feature_name)
    return Response(status_code=200)
