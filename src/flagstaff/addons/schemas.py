"""Wire formats of the addons API: Unleash's ``addonCreateUpdateSchema`` in, ``addonSchema``
and ``integrationEventSchema`` out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from flagstaff.addons.models import MAX_DESCRIPTION, Addon, DeliveryAttempt
from flagstaff.addons.providers import MASK, SENSITIVE
from flagstaff.core.db import ID_LENGTH
from flagstaff.core.schemas import InputModel, WireModel, iso
from flagstaff.events.models import Event, EventSubscription
from flagstaff.events.schemas import event_out
from flagstaff.flags.tags.schemas import TagOut

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


class AddonSchema(WireModel):
    """Unleash's addonSchema: an addon, its sensitive parameters shown as *****."""

    id: int
    provider: str
    description: str | None
    enabled: bool
    parameters: dict[str, Any] = Field(description="The provider's parameters, by name")
    events: list[str]
    projects: list[str] = Field(description="Only events of these projects; empty: all")
    environments: list[str] = Field(description="Only events of these environments; empty: all")
    created_at: str


class CreatedAddonSchema(AddonSchema):
    """The addon just made, with the key that signs its deliveries (Flagstaff)."""

    signing_secret: str = Field(
        description="The key of every delivery's Flagstaff-Signature header; shown only here"
    )


class AddonParameterSchema(WireModel):
    """Unleash's addonParameterSchema: a parameter a provider takes."""

    name: str
    display_name: str
    type: str
    description: str
    placeholder: str
    required: bool
    sensitive: bool = Field(description="Shown as ***** once stored")


class AddonTypeSchema(WireModel):
    """Unleash's addonTypeSchema: a provider an addon can be made with."""

    name: str
    display_name: str
    description: str
    documentation_url: str
    how_to: str
    parameters: list[AddonParameterSchema]
    events: list[str] = Field(description="The event types it can be sent")
    tag_types: list[Any]


class AddonsSchema(WireModel):
    """Unleash's addonsSchema: every addon, and the providers one can be made with."""

    addons: list[AddonSchema]
    providers: list[AddonTypeSchema]


class DeliveredEventOut(WireModel):
    """The event a delivery carried, as the event log shows it (Unleash's eventSchema)."""

    id: int
    type: str
    created_at: str
    created_by: str
    created_by_user_id: int | None
    data: Any
    pre_data: Any
    tags: list[TagOut]
    feature_name: str | None
    project: str | None
    environment: str | None
    ip: str | None
    token_id: int | None
    token_hint: str | None
    user_agent: str | None


class DeliveryDetailsOut(WireModel):
    """One delivery attempt, as Flagstaff records it."""

    delivery_id: int = Field(description="The same for every attempt of one delivery")
    attempt: int
    status_code: int | None = Field(description="The receiver's status; null: no answer")
    duration_ms: int
    error: str | None
    retry_at: str | None = Field(description="When the next attempt is due; null: none")


class IntegrationEventSchema(WireModel):
    """Unleash's integrationEventSchema: one attempt to deliver an event to an addon."""

    id: str
    integration_id: int
    created_at: str
    state: Literal["success", "failed"]
    state_details: str
    event: DeliveredEventOut
    details: DeliveryDetailsOut


class IntegrationEventsSchema(WireModel):
    """Unleash's integrationEventsSchema: an addon's delivery log, newest attempt first."""

    integration_events: list[IntegrationEventSchema]


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
