"""The event log: newest first, filtered by type, actor and flag; each row names the actor and
shows the change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.responses import Response

from flagstaff.deps import SessionDep
from flagstaff.events.models import Event
from flagstaff.events.service import EventFilter, EventService
from flagstaff.web.deps import PageUser
from flagstaff.web.event_view import event_row
from flagstaff.web.nav import is_admin
from flagstaff.web.rendering import render
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE_SIZE = 50
FilterText = Annotated[str, Query(max_length=255)]


def _distinct(
    db: Session, column: InstrumentedAttribute[str | None], project_events_only: bool
) -> list[str]:
    """The values a filter can take, for its drop-down (bounded: the log can be long)."""
    query = select(column).distinct().order_by(column).limit(500)
    if project_events_only:
        query = query.where(Event.project.is_not(None))
    return [v for v in db.scalars(query) if v]


@router.get("/history")
def event_log(
    request: Request,
    user: PageUser,
    db: SessionDep,
    type: FilterText = "",
    actor: FilterText = "",
    flag: FilterText = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    # As the API: without ADMIN only project events (account events name people).
    project_only = not is_admin(user.principal)
    criteria = EventFilter(
        types=(type,) if type else (),
        created_by=(actor,) if actor else (),
        features=(flag,) if flag else (),
        project_events_only=project_only,
    )
    events, total = EventService(db).search(criteria, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render(
        request,
        "events/list.html",
        user=user,
        events=[event_row(e) for e in events],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters={"type": type, "actor": actor, "flag": flag},
        types=_distinct(db, Event.type, project_only),
        actors=_distinct(db, Event.created_by, project_only),
        flags=_distinct(db, Event.feature_name, project_only),
        project_only=project_only,
    )
