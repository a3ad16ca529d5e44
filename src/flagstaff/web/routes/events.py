"""The event log: newest first, filtered by type, actor, flag and account token; each row names
the actor (with the token, address and user agent it acted with) and shows the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.responses import Response

from flagstaff.events.models import Event
from flagstaff.events.service import EventFilter, EventService
from flagstaff.web.deps import Page, PageDep, PageUser, WebUser
from flagstaff.web.event_view import EventRow, event_row
from flagstaff.web.forms import FormError, FormState
from flagstaff.web.nav import is_admin
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE_SIZE = 50
MAX_ID = 2_147_483_647
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
    token: Annotated[str, Query(max_length=20)] = "",
    number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    # As the API: without ADMIN only project events (account events name people).
    project_only = not is_admin(user.principal)
    filters = {"type": type, "actor": actor, "flag": flag, "token": token.strip()}
    try:
        criteria = EventFilter(
            types=(type,) if type else (),
            created_by=(actor,) if actor else (),
            features=(flag,) if flag else (),
            token_ids=_token_ids(filters["token"]),
            project_events_only=project_only,
        )
    except FormError as problem:
        return _log_page(page, user, filters, FormState(filters, problem.errors), status=400)
    offset = (number - 1) * PAGE_SIZE
    events, total = EventService(page.db).search(criteria, offset, PAGE_SIZE)
    found = Found([event_row(e) for e in events], total, number)
    return _log_page(page, user, filters, FormState(filters), found)


@dataclass(frozen=True)
class Found:
    """One page of the events that match."""

    events: list[EventRow] = field(default_factory=list)
    total: int = 0
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _log_page(
    page: Page,
    user: WebUser,
    filters: dict[str, str],
    form: FormState,
    found: Found | None = None,
    status: int = 200,
) -> Response:
    found = found or Found()
    project_only = not is_admin(user.principal)
    db = page.db
    return page.render(
        "events/list.html",
        user,
        status=status,
        events=found.events,
        total=found.total,
        page=found.page,
        pages=found.pages,
        filters=filters,
        filtered=any(filters.values()),
        form=form,
        types=_distinct(db, Event.type, project_only),
        actors=_distinct(db, Event.created_by, project_only),
        flags=_distinct(db, Event.feature_name, project_only),
        project_only=project_only,
    )


def _token_ids(raw: str) -> tuple[int, ...]:
    """The token filter: nothing, or the one id asked for; a ``FormError`` for what is no id."""
    if not raw:
        return ()
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return (int(raw),)
    raise FormError({"token": "A token id is a whole number, such as 12."})
