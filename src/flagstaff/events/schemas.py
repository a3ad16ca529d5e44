"""Wire format of events (Unleash's eventSchema) and the search filter syntax."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flagstaff.errors import BadDataError
from flagstaff.events.models import Event
from flagstaff.schemas import iso


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
    }


FILTER_OPERATORS = ("IS:", "IS_ANY_OF:")


def filter_values(raw: str | None) -> tuple[str, ...]:
    """Unleash's search filters read ``IS:value`` or ``IS_ANY_OF:a,b``; a bare value means IS."""
    if raw is None or raw == "":
        return ()
    if raw.startswith("IS_ANY_OF:"):
        values = raw[len("IS_ANY_OF:") :].split(",")
    elif raw.startswith("IS:"):
        values = [raw[len("IS:") :]]
    else:
        values = [raw]
    return tuple(v.strip() for v in values if v.strip())


def single(raw: str | None, field: str) -> str | None:
    values = filter_values(raw)
    if len(values) > 1:
        raise BadDataError(f"The {field} filter takes one value")
    return values[0] if values else None


def date_bound(raw: str | None, field: str) -> datetime | None:
    """``from``/``to``: a date (``2024-01-31``) or a timestamp, as ``IS:`` filters or bare."""
    value = single(raw, field)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadDataError(f"The {field} filter must be a date like 2024-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
