"""How long account tokens may live: the instance's lifetime policy, "never expires", and the
warning window before a token expires.

The policy comes from the environment (``FLAGSTAFF_TOKEN_*``) until an admin sets one through
``PUT /api/admin/tokens/policy``; from then on the stored one wins, in every process (a setting
is a row, and its change moves the revision). Lowering it blocks, never deletes, the tokens that
outlive it: they work again if it is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from flagstaff.config import Settings
from flagstaff.core.errors import BadDataError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor
from flagstaff.instance.service import InstanceSettingsService

POLICY_SETTING = "flagstaff.tokenPolicy"
# The UI's "never" is now + 1000 years; Unleash shows "never" past 100 years.
NEVER_AFTER = timedelta(days=365 * 100)
WARNING_WINDOW = timedelta(days=14)
# A form's "30 days" is computed a moment before the server checks it: room for that, and
# for clocks that differ by a little.
SLACK = timedelta(minutes=5)


def never_expires(expires_at: datetime, since: datetime) -> bool:
    return expires_at - since > NEVER_AFTER


def warning_starts(created_at: datetime, expires_at: datetime) -> datetime:
    """The warning window: the last 14 days, or the second half of a shorter lifetime."""
    return expires_at - min(WARNING_WINDOW, (expires_at - created_at) / 2)


@dataclass(frozen=True)
class TokenPolicy:
    max_lifetime_days: int | None = None
    allow_never_expires: bool = True
    revoke_unused_days: int | None = None

    def refuse_expiry(self, expires_at: datetime, now: datetime) -> None:
        """A 400 naming the limit when a new token (or a successor) would outlive the policy."""
        if never_expires(expires_at, now):
            if not self.allow_never_expires:
                raise BadDataError(
                    "The token lifetime policy does not allow tokens that never expire: "
                    "choose an expiry date."
                )
            if self.max_lifetime_days is None:
                return
        if self.max_lifetime_days is not None:
            latest = now + timedelta(days=self.max_lifetime_days)
            if expires_at > latest + SLACK:
                raise BadDataError(
                    f"The token lifetime policy allows at most {self.max_lifetime_days} days: "
                    f"choose an expiry on or before {iso(latest)}."
                )

    def blocks(self, created_at: datetime, expires_at: datetime) -> str | None:
        """Why a token that exists outlives the policy (the 401's message), or None."""
        if never_expires(expires_at, created_at) and not self.allow_never_expires:
            return (
                "This token never expires, which the token lifetime policy no longer allows: it "
                "is blocked until the policy allows it again. Rotate it, or create a new one."
            )
        limit = self.max_lifetime_days
        if limit is not None and expires_at > created_at + timedelta(days=limit) + SLACK:
            return (
                f"This token lives longer than the {limit} days the token lifetime policy "
                "allows: it is blocked until the policy allows it again. Rotate it, or create a "
                "new one."
            )
        return None

    def capped_expiry(self, wanted: datetime, now: datetime) -> datetime:
        """``wanted``, or the latest expiry the policy allows when that is earlier."""
        if self.max_lifetime_days is None:
            return wanted
        return min(wanted, now + timedelta(days=self.max_lifetime_days))

    def as_json(self) -> dict[str, Any]:
        return {
            "maxLifetimeDays": self.max_lifetime_days,
            "allowNeverExpires": self.allow_never_expires,
            "revokeUnusedAfterDays": self.revoke_unused_days,
        }

    @classmethod
    def from_json(cls, content: dict[str, Any]) -> TokenPolicy:
        return cls(
            max_lifetime_days=content.get("maxLifetimeDays"),
            allow_never_expires=bool(content.get("allowNeverExpires", True)),
            revoke_unused_days=content.get("revokeUnusedAfterDays"),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenPolicy:
        return cls(
            max_lifetime_days=settings.token_max_lifetime_days or None,
            allow_never_expires=settings.token_allow_never_expires,
            revoke_unused_days=settings.token_revoke_unused_days or None,
        )


def current_policy(session: Session, settings: Settings) -> TokenPolicy:
    stored = InstanceSettingsService(session).get(POLICY_SETTING)
    if isinstance(stored, dict):
        return TokenPolicy.from_json(stored)
    return TokenPolicy.from_settings(settings)


def store_policy(session: Session, actor: Actor, policy: TokenPolicy) -> None:
    """Recorded as the setting's ``setting-created``/``-updated`` event, values shown."""
    InstanceSettingsService(session).put(actor, POLICY_SETTING, policy.as_json(), show_details=True)
