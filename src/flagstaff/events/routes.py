"""The event log: ``/api/admin/events`` and ``/api/admin/search/events``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from flagstaff.accounts.service import display_names
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.events.schemas import (
    EventCreatorSchema,
    EventSearchResponseSchema,
    EventsSchema,
    FeatureEventsSchema,
    checked_text,
    creators,
    date_bound,
    event_ids,
    event_out,
    filter_values,
)
from flagstaff.events.service import CREATOR_NAMES, EventFilter, EventService
from flagstaff.http.deps import AdminDep, PrincipalDep, SessionDep
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed

router = APIRouter(route_class=TransactionalRoute, tags=["Events"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# What Unleash's unpaged event lists return.
LIST_LIMIT = 100
Filter = Annotated[str | None, Query(max_length=1000)]


@router.get("/api/admin/events", operation_id="getEvents", responses=answers(EventsSchema))
def get_events(
    _: AdminDep, db: SessionDep, project: Annotated[str | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    project = checked_text(project, "project")
    criteria = EventFilter(projects=(project,) if project else ())
    events, total = EventService(db).search(criteria, 0, LIST_LIMIT)
    return {"version": 1, "events": [event_out(e) for e in events], "totalEvents": total}


@router.get(
    "/api/admin/event-creators",
    operation_id="getEventCreators",
    responses=answers(list[EventCreatorSchema]),
)
def get_event_creators(_: AdminDep, db: SessionDep) -> list[dict[str, Any]]:
    """Admin only, as the unfiltered event log: the list names people (Unleash lets any
    account read it)."""
    creators = EventService(db).creators()
    current = display_names(db, [user_id for user_id, _ in creators])
    return [
        {"id": user_id, "name": CREATOR_NAMES.get(user_id) or current.get(user_id) or recorded}
        for user_id, recorded in creators
    ]


@router.get(
    "/api/admin/events/{featureName}",
    operation_id="getEventsForToggle",
    responses=answers(FeatureEventsSchema),
)
def get_feature_events(
    feature_name: Annotated[str, Path(alias="featureName", max_length=255)],
    _: PrincipalDep,
    db: SessionDep,
) -> dict[str, Any]:
    checked_text(feature_name, "featureName")
    events, total = EventService(db).search(EventFilter(features=(feature_name,)), 0, LIST_LIMIT)
    return {
        "version": 1,
        "toggleName": feature_name,
        "events": [event_out(e) for e in events],
        "totalEvents": total,
    }


@router.get(
    "/api/admin/search/events",
    operation_id="searchEvents",
    responses=answers(EventSearchResponseSchema),
)
def search_events(
    principal: PrincipalDep,
    db: SessionDep,
    query: Filter = None,
    id: Filter = None,
    feature: Filter = None,
    project: Filter = None,
    environment: Filter = None,
    type: Filter = None,
    token_id: Annotated[str | None, Query(alias="tokenId", max_length=1000)] = None,
    created_by: Annotated[str | None, Query(alias="createdBy", max_length=1000)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=100)] = None,
    to: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    user_ids, names = creators(created_by)
    criteria = EventFilter(
        types=filter_values(type, "type"),
        created_by=names,
        created_by_user_ids=user_ids,
        projects=filter_values(project, "project"),
        environments=filter_values(environment, "environment"),
        features=filter_values(feature, "feature"),
        event_ids=event_ids(id),
        token_ids=event_ids(token_id, "tokenId", "token ids"),
        since=date_bound(from_, "from", end=False),
        until=date_bound(to, "to", end=True),
        query=(checked_text(query, "query") or "").strip() or None,
        project_events_only=not is_allowed(principal, Permission.ADMIN, write=False),
    )
    events, total = EventService(db).search(criteria, offset, limit)
    return {"events": [event_out(e) for e in events], "total": total}
