"""Flag links (``/api/admin/projects/{projectId}/features/{featureName}/link``): add, change
and remove; the flag's body lists them. Each takes UPDATE_FEATURE in the project, as Unleash."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.flags.deps import FeatureName, ProjectId, UpdateFeatureDep
from flagstaff.flags.features.links import LinkService
from flagstaff.flags.features.schemas import LinkIn
from flagstaff.http.deps import ActorDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

LINKS = "/api/admin/projects/{projectId}/features/{featureName}/link"
LinkId = Annotated[str, Path(alias="linkId")]


@router.post(LINKS, operation_id="createFeatureLink", status_code=204)
def create_feature_link(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: LinkIn,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    LinkService(db).add(
        actor,
        project_id,
        feature_name,
        body.url,
        body.title,
        title_given="title" in body.model_fields_set,
    )
    return Response(status_code=204)


@router.put(LINKS + "/{linkId}", operation_id="updateFeatureLink", status_code=204)
def update_feature_link(
    project_id: ProjectId,
    feature_name: FeatureName,
    link_id: LinkId,
    body: LinkIn,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    LinkService(db).update(
        actor,
        project_id,
        feature_name,
        link_id,
        body.url,
        body.title,
        title_given="title" in body.model_fields_set,
    )
    return Response(status_code=204)


@router.delete(LINKS + "/{linkId}", operation_id="deleteFeatureLink", status_code=204)
def delete_feature_link(
    project_id: ProjectId,
    feature_name: FeatureName,
    link_id: LinkId,
    actor: ActorDep,
    _: UpdateFeatureDep,
    db: SessionDep,
) -> Response:
    LinkService(db).remove(actor, project_id, feature_name, link_id)
    return Response(status_code=204)
