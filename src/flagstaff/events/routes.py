"""The event log: ``/api/admin/events`` and ``/api/admin/search/events``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from flagstaff.deps import PrincipalDep, SessionDep
from flagstaff.events.schemas import date_bound, event_out, filter_values, single
from flagstaff.events.service import EventFilter, EventService
from flagstaff.routing import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["Events"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
Filter = Annotated[str | None, Query(max_length=1000)]


@router.get("/api/admin/events", operation_id="getEvents")
def get_events(
    _: PrincipalDep, db: SessionDep, project: Annotated[str | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    events, total = EventService(db).search(EventFilter(project=project), 0, 100)
    return {"version": 1, "events": [event_out(e) for e in events], "totalEvents": total}


@router.get("/api/admin/events/{featureName}", operation_id="getEventsForToggle")
def get_feature_events(
    feature_name: Annotated[str, Path(alias="featureName", max_length=255)],
    _: PrincipalDep,
    db: SessionDep,
) -> dict[str, Any]:
    events, total = EventService(db).search(EventFilter(feature=feature_name), 0, 100)
    return {
        "version": 1,
        "toggleName": feature_name,
        "events": [event_out(e) for e in events],
        "totalEvents": total,
    }


@router.get("/api/admin/search/events", operation_id="searchEvents")
def search_events(
    _: PrincipalDep,
    db: SessionDep,
    query: Filter = None,
    id: Filter = None,
    feature: Filter = None,
    project: Filter = None,
    environment: Filter = None,
    type: Filter = None,
    created_by: Annotated[str | None, Query(alias="createdBy", max_length=1000)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=100)] = None,
    to: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    actor = single(created_by, "createdBy")
    event_id = single(id, "id")
    until = date_bound(to, "to")
    if until is not None and len(single(to, "to") or "") <= len("2024-01-31"):
        until += timedelta(days=1)  # a bare date includes that whole day
    criteria = EventFilter(
        types=filter_values(type),
        # Unleash filters createdBy by user id; a name works here too.
        created_by_user_id=int(actor) if actor and actor.lstrip("-").isdigit() else None,
        created_by=actor if actor and not actor.lstrip("-").isdigit() else None,
        project=single(project, "project"),
        environment=single(environment, "environment"),
        feature=single(feature, "feature"),
        since=date_bound(from_, "from"),
        until=until,
        query=query,
        event_id=int(event_id) if event_id and event_id.isdigit() else None,
    )
    events, total = EventService(db).search(criteria, offset, limit)
    return {"events": [event_out(e) for e in events], "total": total}
