"""The event log: newest first, filtered by type, actor and flag; each row names the actor and
shows the change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.responses import Response

from flagstaff.events.models import Event
from flagstaff.events.service import EventFilter, EventService
from flagstaff.web.deps import PageDep, PageUser
from flagstaff.web.event_view import event_row
from flagstaff.web.nav import is_admin
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
    page: PageDep,
    user: PageUser,
    type: FilterText = "",
    actor: FilterText = "",
    flag: FilterText = "",
    number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    # As the API: without ADMIN only project events (account events name people).
    project_only = not is_admin(user.principal)
    criteria = EventFilter(
        types=(type,) if type else (),
        created_by=(actor,) if actor else (),
        features=(flag,) if flag else (),
        project_events_only=project_only,
    )
    db = page.db
    offset = (number - 1) * PAGE_SIZE
    events, total = EventService(db).search(criteria, offset, PAGE_SIZE)
    return page.render(
        "events/list.html",
        user,
        events=[event_row(e) for e in events],
        total=total,
        page=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters={"type": type, "actor": actor, "flag": flag},
        types=_distinct(db, Event.type, project_only),
        actors=_distinct(db, Event.created_by, project_only),
        flags=_distinct(db, Event.feature_name, project_only),
        project_only=project_only,
    )
