"""Favorites: ``/api/admin/projects/{projectId}[/features/{featureName}]/favorites``.

Any account may mark what it can name, as in Unleash (permission NONE); an admin API token has
no account to keep marks for and is refused (403)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.flags.deps import FeatureName, ProjectId
from flagstaff.flags.favorites.service import FavoriteService
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

PROJECT_FAVORITES = "/api/admin/projects/{projectId}/favorites"
FEATURE_FAVORITES = "/api/admin/projects/{projectId}/features/{featureName}/favorites"


@router.post(PROJECT_FAVORITES, operation_id="addFavoriteProject")
def add_favorite_project(
    project_id: ProjectId, actor: ActorDep, principal: AnyAccountDep, db: SessionDep
) -> Response:
    FavoriteService(db).add_project(actor, principal.account_id, project_id)
    return Response(status_code=200)


@router.delete(PROJECT_FAVORITES, operation_id="removeFavoriteProject")
def remove_favorite_project(
    project_id: ProjectId, actor: ActorDep, principal: AnyAccountDep, db: SessionDep
) -> Response:
    FavoriteService(db).remove_project(actor, principal.account_id, project_id)
    return Response(status_code=200)


@router.post(FEATURE_FAVORITES, operation_id="addFavoriteFeature")
def add_favorite_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    actor: ActorDep,
    principal: AnyAccountDep,
    db: SessionDep,
) -> Response:
    FavoriteService(db).add_feature(actor, principal.account_id, project_id, feature_name)
    return Response(status_code=200)


@router.delete(FEATURE_FAVORITES, operation_id="removeFavoriteFeature")
def remove_favorite_feature(
    project_id: ProjectId,
    feature_name: FeatureName,
    actor: ActorDep,
    principal: AnyAccountDep,
    db: SessionDep,
) -> Response:
    FavoriteService(db).remove_feature(actor, principal.account_id, project_id, feature_name)
    return Response(status_code=200)
