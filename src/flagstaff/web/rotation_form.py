"""The rotate-a-token form, shared by service-account tokens and personal ones: how long the old
token keeps working, and when its successor expires."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.responses import Response

from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy
from flagstaff.credentials.account_tokens.rotation import Rotation
from flagstaff.web.deps import Page, WebUser
from flagstaff.web.forms import FormError, FormState, expiry_choices, expiry_from
from flagstaff.web.token_views import TokenRow

GRACE_CHOICES = (
    ("0", "No grace: the old token stops at once"),
    ("3600", "1 hour"),
    ("86400", "1 day"),
    ("604800", "7 days"),
)
# The successor lives as long as the old token did (capped by the policy): the service's default.
SAME_LIFETIME = "same"
ROTATE_FIELDS = ("grace", "expiry", "expires_at")
ROTATE_DEFAULTS = {"grace": "3600", "expiry": SAME_LIFETIME}


def rotation_from(values: Mapping[str, str], now: datetime) -> Rotation:
    """The rotation a form asks for; a ``FormError`` for a grace or an expiry it cannot read."""
    if values["grace"] not in dict(GRACE_CHOICES):
        raise FormError({"grace": "Choose how long the old token keeps working."})
    expires_at = (
        None
        if values["expiry"] == SAME_LIFETIME
        else expiry_from(values["expiry"], values["expires_at"], now)
    )
    return Rotation(int(values["grace"]), expires_at)


def successor_expiry_choices(policy: TokenPolicy) -> tuple[tuple[str, str], ...]:
    return ((SAME_LIFETIME, "As long as the old token lived"), *expiry_choices(policy))


def rotate_page(
    page: Page,
    user: WebUser,
    token: TokenRow,
    *,
    owner: str | None,
    paths: Mapping[str, str],
    form: FormState,
    status: int = 200,
) -> Response:
    """The form; ``paths`` holds where it posts (``action``) and where Cancel goes (``back``)."""
    values: dict[str, Any] = {
        "token": token,
        "owner": owner,
        "form": form,
        "grace_choices": GRACE_CHOICES,
        "expiry_choices": successor_expiry_choices(page.account_tokens().policy),
        "action": paths["action"],
        "back": paths["back"],
    }
    return page.render("tokens/rotate.html", user, status=status, **values)
