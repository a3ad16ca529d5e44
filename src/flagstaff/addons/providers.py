"""The providers an addon can use (Flagstaff has one: ``webhook``), their parameters and the
events they can subscribe to, as ``GET /api/admin/addons`` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WEBHOOK = "webhook"
URL = "url"
CONTENT_TYPE = "contentType"
BODY_TEMPLATE = "bodyTemplate"
AUTHORIZATION = "authorization"
CUSTOM_HEADERS = "customHeaders"
MASK = "*****"  # what reads show instead of a sensitive value, as Unleash does

ADDON_EVENTS = ("addon-config-created", "addon-config-updated", "addon-config-deleted")

# Every event Flagstaff records, in the order the documentation lists them. The token
# lifecycle ones (expiring, reuse detected, leak reported) are here so a webhook can page
# someone. tests/api/addons/test_providers.py checks the list against the code.
EVENT_TYPES: tuple[str, ...] = (
    "feature-created",
    "feature-deleted",
    "feature-archived",
    "feature-revived",
    "feature-completed",
    "feature-uncompleted",
    "feature-metadata-updated",
    "feature-type-updated",
    "feature-stale-on",
    "feature-stale-off",
    "feature-environment-enabled",
    "feature-environment-disabled",
    "feature-environment-variants-updated",
    "feature-variants-updated",
    "feature-strategy-add",
    "feature-strategy-update",
    "feature-strategy-remove",
    "strategy-order-changed",
    "feature-tagged",
    "feature-untagged",
    "feature-dependency-added",
    "feature-dependency-removed",
    "feature-dependencies-removed",
    "feature-link-added",
    "feature-link-updated",
    "feature-link-removed",
    "feature-favorited",
    "feature-unfavorited",
    "features-exported",
    "features-imported",
    "project-created",
    "project-updated",
    "project-deleted",
    "project-archived",
    "project-revived",
    "project-environment-added",
    "project-environment-removed",
    "project-access-added",
    "project-access-user-roles-updated",
    "project-access-user-roles-deleted",
    "project-favorited",
    "project-unfavorited",
    "default-strategy-updated",
    "environment-updated",
    "strategy-created",
    "strategy-updated",
    "strategy-deleted",
    "strategy-deprecated",
    "strategy-reactivated",
    "segment-created",
    "segment-updated",
    "segment-deleted",
    "context-field-created",
    "context-field-updated",
    "context-field-deleted",
    "tag-created",
    "tag-deleted",
    "tag-type-created",
    "tag-type-updated",
    "tag-type-deleted",
    "application-created",
    "setting-created",
    "setting-updated",
    "user-created",
    "user-updated",
    "user-deleted",
    "user-disabled",
    "user-enabled",
    "user-login-throttle-cleared",
    "role-created",
    "role-updated",
    "role-deleted",
    "service-account-created",
    "service-account-updated",
    "service-account-deleted",
    "service-account-disabled",
    "service-account-enabled",
    "api-token-created",
    "api-token-updated",
    "api-token-deleted",
    "pat-created",
    "pat-updated",
    "pat-deleted",
    "pat-disabled",
    "pat-enabled",
    "pat-rotated",
    "pat-revoked",
    "pat-expiring",
    "service-account-token-created",
    "service-account-token-updated",
    "service-account-token-deleted",
    "service-account-token-disabled",
    "service-account-token-enabled",
    "service-account-token-rotated",
    "service-account-token-revoked",
    "service-account-token-expiring",
    "service-account-token-exchanged",
    "service-account-trust-policy-created",
    "service-account-trust-policy-updated",
    "service-account-trust-policy-deleted",
    "token-reuse-detected",
    "token-leak-reported",
    "provisioning-applied",
    *ADDON_EVENTS,
)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    display_name: str
    type: str
    description: str
    placeholder: str = ""
    required: bool = False
    sensitive: bool = False

    def out(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "displayName": self.display_name,
            "type": self.type,
            "description": self.description,
            "placeholder": self.placeholder,
            "required": self.required,
            "sensitive": self.sensitive,
        }


WEBHOOK_PARAMETERS = (
    Parameter(
        URL,
        "Webhook URL",
        "url",
        "Where Flagstaff sends each event: an http or https URL.",
        "https://hooks.example.com/flagstaff",
        required=True,
    ),
    Parameter(
        CONTENT_TYPE,
        "Content type",
        "text",
        "The Content-Type of the request; application/json unless you say otherwise.",
        "application/json",
    ),
    Parameter(
        BODY_TEMPLATE,
        "Body template",
        "textfield",
        "The request body, with {{event.type}}, {{event.featureName}}, {{event.createdBy}} "
        "and other fields of the event put in; without one, the event as JSON.",
        '{"text": "{{event.createdBy}} did {{event.type}} on {{event.featureName}}"}',
    ),
    Parameter(
        AUTHORIZATION,
        "Authorization header",
        "text",
        "Sent as the Authorization header of every request. Never shown again once saved.",
        "Bearer my-secret",
        sensitive=True,
    ),
    Parameter(
        CUSTOM_HEADERS,
        "Extra headers",
        "textfield",
        "A JSON object of further headers to send, such as "
        '{"X-Team": "flags"}. Never shown again once saved.',
        '{"X-Team": "flags"}',
        sensitive=True,
    ),
)
SENSITIVE = frozenset(p.name for p in WEBHOOK_PARAMETERS if p.sensitive)
KNOWN_PARAMETERS = frozenset(p.name for p in WEBHOOK_PARAMETERS)


def providers_out() -> list[dict[str, Any]]:
    return [
        {
            "name": WEBHOOK,
            "displayName": "Webhook",
            "description": "Sends each chosen event to a URL of yours, signed so the receiver "
            "can tell it came from this Flagstaff.",
            "documentationUrl": "https://github.com/flagstaff/flagstaff/blob/main/docs/webhooks.md",
            "howTo": "Give a URL; choose events, and optionally projects and environments. "
            "Keep the signing secret shown at creation to verify the Flagstaff-Signature header.",
            "parameters": [p.out() for p in WEBHOOK_PARAMETERS],
            "events": list(EVENT_TYPES),
            "tagTypes": [],
        }
    ]
