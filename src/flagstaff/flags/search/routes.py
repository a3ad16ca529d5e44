"""Searching flags across projects (/api/admin/search/features)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.features.lifecycle import STAGES
from flagstaff.flags.projects.visibility import Visibility
from flagstaff.flags.search.query import (
    DEFAULT_LIMIT,
    IS_OPERATORS,
    MAX_LIMIT,
    TAG_OPERATORS,
    SearchQuery,
    parse_archived,
    parse_condition,
    parse_created_by,
    parse_date,
    parse_favorite,
    parse_lifecycle,
    parse_state,
    parse_status,
    parse_tag,
    parse_terms,
)
from flagstaff.flags.search.schemas import SearchFeaturesSchema
from flagstaff.flags.search.service import FeatureSearch
from flagstaff.http.deps import AnyAccountDep, SessionDep
from flagstaff.rbac.policy import reads_every_project
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Search"])

# PostgreSQL text cannot hold NUL: a parameter with one is bad input (400).
NO_NUL = r"^[^\x00]*$"
Param = Annotated[str | None, Query(max_length=5_000, pattern=NO_NUL)]


def visibility(principal: Principal) -> Visibility:
    only = principal.scope.projects if principal.scope is not None else None
    if reads_every_project(principal):
        return Visibility(every_project=True, only=only)
    grants = principal.grants
    member_of = frozenset(grants.projects) | frozenset(grants.environments)
    return Visibility(every_project=False, member_of=member_of, only=only)


@router.get(
    "/api/admin/search/features",
    operation_id="searchFeatures",
    responses=answers(SearchFeaturesSchema),
)
def search_features(
    principal: AnyAccountDep,
    db: SessionDep,
    query: Param = None,
    project: Param = None,
    type: Param = None,
    tag: Param = None,
    segment: Param = None,
    state: Param = None,
    lifecycle: Param = None,
    created_at: Annotated[
        str | None, Query(alias="createdAt", max_length=100, pattern=NO_NUL)
    ] = None,
    last_seen_at: Annotated[
        str | None, Query(alias="lastSeenAt", max_length=100, pattern=NO_NUL)
    ] = None,
    created_by: Annotated[
        str | None, Query(alias="createdBy", max_length=5_000, pattern=NO_NUL)
    ] = None,
    status: Annotated[
        list[Annotated[str, Query(max_length=200, pattern=NO_NUL)]] | None, Query(max_length=100)
    ] = None,
    favorite: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    favorites_first: Annotated[
        str | None, Query(alias="favoritesFirst", max_length=10, pattern=NO_NUL)
    ] = None,
    archived: Annotated[str | None, Query(max_length=10, pattern=NO_NUL)] = None,
    sort_by: Annotated[str, Query(alias="sortBy", max_length=200, pattern=NO_NUL)] = "createdAt",
    sort_order: Annotated[Literal["asc", "desc"], Query(alias="sortOrder")] = "asc",
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    search = SearchQuery(
        terms=parse_terms(query),
        project=parse_condition("project", project, IS_OPERATORS),
        type=parse_condition("type", type, IS_OPERATORS),
        tag=parse_tag(tag),
        segment=parse_condition("segment", segment, TAG_OPERATORS),
        state=parse_state(state),
        lifecycle=parse_lifecycle(lifecycle, STAGES),
        created_at=parse_date("createdAt", created_at),
        last_seen_at=parse_date("lastSeenAt", last_seen_at),
        created_by=parse_created_by(created_by),
        status=parse_status(status or []),
        favorite=parse_favorite(favorite),
        account_id=principal.account_id,
        # As Unleash: "true" puts favorites first; any other value leaves the order alone.
        favorites_first=favorites_first == "true",
        archived=parse_archived(archived),
        sort_by=sort_by,
        descending=sort_order == "desc",
        offset=offset,
        limit=limit,
        visibility=visibility(principal),
    )
    features, total = FeatureSearch(db).search(search)
    return {"features": features, "total": total}
