"""Wire format of events (Unleash's eventSchema) and the search filter syntax."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import Field

from flagstaff.core.errors import BadDataError
from flagstaff.core.schemas import WireModel, iso
from flagstaff.events.models import Event

MAX_DB_INT = 2_147_483_647
MIN_DB_INT = -2_147_483_648
# Unleash's search operators; the event search understands the first two.
SUPPORTED_OPERATORS = ("IS", "IS_ANY_OF")
OTHER_OPERATORS = (
    "IS_NOT",
    "IS_NONE_OF",
    "INCLUDE",
    "DO_NOT_INCLUDE",
    "INCLUDE_ALL_OF",
    "INCLUDE_ANY_OF",
    "EXCLUDE_IF_ANY_OF",
    "EXCLUDE_ALL",
    "IS_BEFORE",
    "IS_ON_OR_AFTER",
)
_OPERATOR = re.compile(r"^([A-Z_]+):")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EventTagSchema(WireModel):
    """A tag of the flag the event is about, as it was when the event was recorded."""

    type: str
    value: str


class EventSchema(WireModel):
    """One change in the event log (Unleash's eventSchema), with Flagstaff's token and user
    agent."""

    id: int
    type: str
    created_at: str
    created_by: str
    created_by_user_id: int | None
    data: Any = Field(description="The changed thing after the change (JSON), if any")
    pre_data: Any = Field(description="The changed thing before the change (JSON), if any")
    tags: list[EventTagSchema]
    feature_name: str | None
    project: str | None
    environment: str | None
    ip: str | None
    token_id: int | None = Field(
        description="Flagstaff: the id of the account token the change was made with, if any"
    )
    token_hint: str | None = Field(
        description="Flagstaff: the visible start of that token, to recognise it by"
    )
    user_agent: str | None = Field(description="Flagstaff: the caller's User-Agent header")


class EventsSchema(WireModel):
    """The latest events (Unleash's eventsSchema)."""

    version: int
    events: list[EventSchema]
    total_events: int = Field(description="How many events match, beyond those listed")


class FeatureEventsSchema(EventsSchema):
    """The latest events of one flag (Unleash's featureEventsSchema)."""

    toggle_name: str


class EventSearchResponseSchema(WireModel):
    """A page of the events matching a search (Unleash's eventSearchResponseSchema)."""

    events: list[EventSchema]
    total: int = Field(description="How many events match in all pages")


class EventCreatorSchema(WireModel):
    """Someone who has made a change: a user id and the name to show."""

    id: int
    name: str


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "createdAt": iso(event.created_at),
        "createdBy": event.created_by,
        "createdByUserId": event.created_by_user_id,
        "data": event.data,
        "preData": event.pre_data,
        "tags": event.tags or [],
        "featureName": event.feature_name,
        "project": event.project,
        "environment": event.environment,
        "ip": event.ip,
        # Flagstaff: the account token the change was made with, and the caller's user agent.
        "tokenId": event.token_id,
        "tokenHint": event.token_hint,
        "userAgent": event.user_agent,
    }


def checked_text(raw: str | None, field: str) -> str | None:
    """A query string as given; NUL cannot be stored or compared by PostgreSQL."""
    if raw is not None and "\x00" in raw:
        raise BadDataError(f"The {field} parameter must not contain NUL characters")
    return raw


def filter_values(raw: str | None, field: str) -> tuple[str, ...]:
    """Unleash's search filters read ``IS:value`` or ``IS_ANY_OF:a,b``; a bare value means IS."""
    raw = checked_text(raw, field)
    if not raw:
        return ()
    operator = _OPERATOR.match(raw)
    if operator and operator.group(1) in OTHER_OPERATORS:
        raise BadDataError(
            f"The {field} filter supports the operators IS and IS_ANY_OF, not {operator.group(1)}"
        )
    if operator and operator.group(1) == "IS_ANY_OF":
        values = raw[len("IS_ANY_OF:") :].split(",")
    elif operator and operator.group(1) == "IS":
        values = [raw[len("IS:") :]]
    else:
        values = [raw]
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def single(raw: str | None, field: str) -> str | None:
    values = filter_values(raw, field)
    if len(values) > 1:
        raise BadDataError(f"The {field} filter takes one value")
    return values[0] if values else None


def event_ids(raw: str | None, field: str = "id", what: str = "event ids") -> tuple[int, ...]:
    ids = []
    for value in filter_values(raw, field):
        if not value.isdigit() or not 1 <= int(value) <= MAX_DB_INT:
            raise BadDataError(
                f"The {field} filter takes {what} (positive integers), not {value!r}"
            )
        ids.append(int(value))
    return tuple(ids)


def creators(raw: str | None) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """``createdBy``: user ids as Unleash takes them; names (e-mail or username) work too."""
    ids: list[int] = []
    names: list[str] = []
    for value in filter_values(raw, "createdBy"):
        if re.fullmatch(r"-?\d+", value):
            if not MIN_DB_INT <= int(value) <= MAX_DB_INT:
                raise BadDataError(f"The createdBy filter's user id {value} is out of range")
            ids.append(int(value))
        else:
            names.append(value)
    return tuple(ids), tuple(names)


def date_bound(raw: str | None, field: str, *, end: bool) -> datetime | None:
    """``from``/``to``: a date (``2024-01-31``) or a timestamp, as an ``IS:`` filter or bare.

    The bound is what the query compares with: ``from`` is inclusive; ``to`` is exclusive, and a
    bare date as ``to`` means the end of that day (so ``from=to=`` a date selects that day)."""
    value = single(raw, field)
    if value is None:
        return None
    try:
        if _DATE_ONLY.match(value):
            day = datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
            if end and day.date() == date.max:
                return None  # nothing can happen after the last representable day
            return day + timedelta(days=1) if end else day
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadDataError(
            f"The {field} filter must be a date like 2024-01-31 or an ISO 8601 timestamp"
        ) from None
