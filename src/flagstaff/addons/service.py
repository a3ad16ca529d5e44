"""Addons: list, create, update, delete, and read the delivery log. Every change is an event
(``addon-config-created``, ``-updated``, ``-deleted``, as Unleash names them)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from flagstaff.addons import templates
from flagstaff.addons.addresses import AddressRefusedError, check_saved
from flagstaff.addons.models import Addon, DeliveryAttempt
from flagstaff.addons.providers import (
    BODY_TEMPLATE,
    CONTENT_TYPE,
    CUSTOM_HEADERS,
    EVENT_TYPES,
    KNOWN_PARAMETERS,
    MASK,
    SENSITIVE,
    URL,
    WEBHOOK,
)
from flagstaff.addons.schemas import MAX_PARAMETER, AddonIn, addon_out
from flagstaff.addons.signing import Secrets, new_salt
from flagstaff.config import Settings
from flagstaff.core.errors import BadDataError, NotFoundError
from flagstaff.events.models import Event, EventSubscription, OutboxEntry
from flagstaff.events.service import Actor, EventService

MAX_HEADERS = 30
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")
# Headers a user may not set: the transport's, and the ones that make a delivery verifiable.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "content-type", "te", "upgrade"}
)
RESERVED_PREFIX = "flagstaff-"
CONTENT_TYPE_PATTERN = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+\"-]+)*$")


@dataclass(frozen=True, slots=True)
class AddonView:
    addon: Addon
    subscription: EventSubscription
    sensitive: dict[str, str]

    def out(self) -> dict[str, Any]:
        return addon_out(self.addon, self.subscription, set(self.sensitive))


def bad(message: str) -> BadDataError:
    return BadDataError(message, details=[{"message": message}])


def parse_custom_headers(raw: str) -> dict[str, str]:
    """The ``customHeaders`` parameter: a JSON object of header names and text values."""
    try:
        headers = json.loads(raw)
    except ValueError:
        raise bad('customHeaders must be a JSON object such as {"X-Team": "flags"}') from None
    if not isinstance(headers, dict):
        raise bad('customHeaders must be a JSON object such as {"X-Team": "flags"}')
    if len(headers) > MAX_HEADERS:
        raise bad(f"customHeaders may name at most {MAX_HEADERS} headers")
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise bad(f"customHeaders: {name[:100]!r} is not a valid header name")
        lowered = name.lower()
        if lowered in RESERVED_HEADERS or lowered.startswith(RESERVED_PREFIX):
            raise bad(f"customHeaders: {name} is set by Flagstaff and cannot be given")
        if not isinstance(value, str) or any(c in value for c in "\r\n\x00"):
            raise bad(f"customHeaders: the value of {name} must be text on one line")
    return headers


def _with_subscription() -> Select[Addon, EventSubscription]:
    """An addon with its filters, which share its id."""
    return select(Addon, EventSubscription).join(
        EventSubscription, EventSubscription.id == Addon.id
    )


class AddonService:
    def __init__(self, session: Session, settings: Settings, secrets: Secrets) -> None:
        self.session = session
        self.settings = settings
        self.secrets = secrets
        self.events = EventService(session)

    def all(self) -> list[AddonView]:
        rows = self.session.execute(_with_subscription().order_by(Addon.id)).all()
        return [self._view(addon, subscription) for addon, subscription in rows]

    def get(self, addon_id: int) -> AddonView:
        row = self.session.execute(_with_subscription().where(Addon.id == addon_id)).first()
        if row is None:
            raise NotFoundError(f"Could not find an addon with id {addon_id}")
        return self._view(*row)

    def create(self, actor: Actor, body: AddonIn) -> tuple[AddonView, str]:
        """The new addon and its signing secret, which is shown this once."""
        shown, sensitive = self._checked(body, {})
        subscription = EventSubscription(
            enabled=body.enabled,
            event_types=list(dict.fromkeys(body.events)),
            projects=list(dict.fromkeys(body.projects or [])),
            environments=list(dict.fromkeys(body.environments or [])),
        )
        self.session.add(subscription)
        self.session.flush()
        addon = Addon(
            id=subscription.id,
            provider=body.provider,
            description=body.description,
            parameters=shown,
            sealed_parameters=self.secrets.seal(sensitive),
            signing_salt=new_salt(),
            created_by=actor.name,
        )
        self.session.add(addon)
        self.session.flush()
        view = AddonView(addon, subscription, sensitive)
        self.events.record(actor, "addon-config-created", data=view.out())
        return view, self.secrets.signing_secret(addon.signing_salt)

    def update(self, actor: Actor, addon_id: int, body: AddonIn) -> AddonView:
        view = self.get(addon_id)
        before = view.out()
        if body.provider != view.addon.provider:
            raise bad("provider cannot be changed: create a new addon instead")
        shown, sensitive = self._checked(body, view.sensitive)
        view.addon.description = body.description
        view.addon.parameters = shown
        view.addon.sealed_parameters = self.secrets.seal(sensitive)
        view.subscription.enabled = body.enabled
        view.subscription.event_types = list(dict.fromkeys(body.events))
        view.subscription.projects = list(dict.fromkeys(body.projects or []))
        view.subscription.environments = list(dict.fromkeys(body.environments or []))
        self.session.flush()
        updated = AddonView(view.addon, view.subscription, sensitive)
        self.events.record(actor, "addon-config-updated", data=updated.out(), pre_data=before)
        return updated

    def delete(self, actor: Actor, addon_id: int) -> None:
        """The addon, its delivery log and what it has yet to receive go together."""
        view = self.get(addon_id)
        before = view.out()
        self.session.execute(delete(OutboxEntry).where(OutboxEntry.subscription_id == addon_id))
        self.session.execute(delete(DeliveryAttempt).where(DeliveryAttempt.addon_id == addon_id))
        self.session.delete(view.addon)
        self.session.flush()
        self.session.delete(view.subscription)
        self.session.flush()
        self.events.record(actor, "addon-config-deleted", pre_data=before, data={"id": addon_id})

    def deliveries(
        self, addon_id: int, offset: int, limit: int
    ) -> list[tuple[DeliveryAttempt, Event]]:
        """The delivery log, newest attempt first."""
        self.get(addon_id)
        rows = self.session.execute(
            select(DeliveryAttempt, Event)
            .join(Event, Event.id == DeliveryAttempt.event_id)
            .where(DeliveryAttempt.addon_id == addon_id)
            .order_by(DeliveryAttempt.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [(attempt, event) for attempt, event in rows]

    def _view(self, addon: Addon, subscription: EventSubscription) -> AddonView:
        return AddonView(addon, subscription, self.secrets.unseal(addon.sealed_parameters))

    def _checked(
        self, body: AddonIn, stored: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The parameters to show and the sensitive ones, after every check. A sensitive
        parameter sent as ``*****`` keeps its stored value."""
        if body.provider != WEBHOOK:
            raise bad(
                f"Unknown addon provider {body.provider[:100]!r}; the one provider is webhook"
            )
        unknown = sorted(set(body.events) - set(EVENT_TYPES))
        if unknown:
            raise bad(f"Unknown event {unknown[0][:100]!r}: see the provider's list of events")
        shown: dict[str, str] = {}
        sensitive: dict[str, str] = {}
        for name, value in body.parameters.items():
            if name not in KNOWN_PARAMETERS:
                raise bad(f"Unknown parameter {name!r} for the webhook provider")
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise bad(f"The parameter {name} must be a string")
            if len(value) > MAX_PARAMETER:
                raise bad(f"The parameter {name} must be at most {MAX_PARAMETER} characters long")
            if name in SENSITIVE:
                if value == MASK:
                    if name in stored:
                        sensitive[name] = stored[name]
                    continue
                sensitive[name] = value
            else:
                shown[name] = value
        self._check_parameters(shown, sensitive)
        return shown, sensitive

    def _check_parameters(self, shown: dict[str, str], sensitive: dict[str, str]) -> None:
        url = shown.get(URL)
        if url is None:
            raise bad("Missing required parameter: url")
        try:
            check_saved(url, self.settings.webhooks_allow_private_addresses)
        except AddressRefusedError as refused:
            raise bad(f"The url cannot be used: {refused}") from None
        content_type = shown.get(CONTENT_TYPE)
        if content_type is not None and not CONTENT_TYPE_PATTERN.match(content_type):
            raise bad("contentType must be a media type such as application/json")
        template = shown.get(BODY_TEMPLATE)
        if template is not None:
            try:
                templates.check(template)
            except templates.TemplateError as error:
                raise bad(f"The body template cannot be rendered: {error}") from None
        authorization = sensitive.get("authorization")
        if authorization is not None and any(c in authorization for c in "\r\n\x00"):
            raise bad("authorization must be text on one line")
        if CUSTOM_HEADERS in sensitive:
            parse_custom_headers(sensitive[CUSTOM_HEADERS])
