"""Wire formats of the addons API: Unleash's ``addonCreateUpdateSchema`` in, ``addonSchema``
and ``integrationEventSchema`` out."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictStr

from flagstaff.addons.models import MAX_DESCRIPTION, Addon, DeliveryAttempt
from flagstaff.addons.providers import MASK, SENSITIVE
from flagstaff.core.db import ID_LENGTH
from flagstaff.core.schemas import InputModel, iso
from flagstaff.events.models import Event, EventSubscription
from flagstaff.events.schemas import event_out

MAX_LISTED = 500
MAX_PARAMETER = 10_000
FilterValue = Annotated[StrictStr, Field(min_length=1, max_length=ID_LENGTH)]
EventName = Annotated[StrictStr, Field(min_length=1, max_length=100)]


class AddonIn(InputModel):
    provider: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    description: Annotated[StrictStr, Field(max_length=MAX_DESCRIPTION)] | None = None
    # Unleash's schema asks for it; its validation defaults it to true.
    enabled: StrictBool = True
    parameters: Annotated[
        dict[Annotated[StrictStr, Field(max_length=100)], Any], Field(max_length=50)
    ]
    events: Annotated[list[EventName], Field(max_length=MAX_LISTED)]
    projects: Annotated[list[FilterValue], Field(max_length=MAX_LISTED)] | None = None
    environments: Annotated[list[FilterValue], Field(max_length=MAX_LISTED)] | None = None


def masked(parameters: dict[str, Any], sensitive_names: set[str]) -> dict[str, Any]:
    """The parameters a read shows: each sensitive one that is set, as ``*****``."""
    shown = {k: v for k, v in parameters.items() if k not in SENSITIVE}
    shown.update(dict.fromkeys(sorted(sensitive_names), MASK))
    return shown


def addon_out(
    addon: Addon, subscription: EventSubscription, sensitive_names: set[str]
) -> dict[str, Any]:
    return {
        "id": addon.id,
        "provider": addon.provider,
        "description": addon.description,
        "enabled": subscription.enabled,
        "parameters": masked(addon.parameters, sensitive_names),
        "events": list(subscription.event_types),
        "projects": list(subscription.projects),
        "environments": list(subscription.environments),
        "createdAt": iso(addon.created_at),
    }


def delivery_out(attempt: DeliveryAttempt, event: Event) -> dict[str, Any]:
    if attempt.state == "success":
        details = f"Delivered with status {attempt.status_code} in {attempt.duration_ms} ms."
    elif attempt.retry_at is not None:
        details = (
            f"Attempt {attempt.attempt} failed: {attempt.error}. "
            f"Retrying at {iso(attempt.retry_at)}."
        )
    else:
        details = f"Attempt {attempt.attempt} failed: {attempt.error}. Not retried further."
    return {
        "id": str(attempt.id),
        "integrationId": attempt.addon_id,
        "createdAt": iso(attempt.created_at),
        "state": attempt.state,
        "stateDetails": details,
        "event": event_out(event),
        "details": {
            "deliveryId": attempt.delivery_id,
            "attempt": attempt.attempt,
            "statusCode": attempt.status_code,
            "durationMs": attempt.duration_ms,
            "error": attempt.error,
            "retryAt": iso(attempt.retry_at),
        },
    }
