"""Wire formats of account tokens: Unleash's createPatSchema and patSchema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field, StrictStr, field_validator

from flagstaff.core.db import utcnow
from flagstaff.core.schemas import InputModel, iso
from flagstaff.credentials.account_tokens.models import AccountToken

# The UI's "never" is now + 1000 years; Unleash shows "never" past 100 years.
NEVER_AFTER = timedelta(days=365 * 100)
EXPIRY_WARNING_DAYS = 14


class CreateTokenIn(InputModel):
    description: Annotated[StrictStr, Field(max_length=255)]
    expires_at: datetime

    @field_validator("expires_at", mode="before")
    @classmethod
    def parse_date(cls, value: Any) -> datetime:
        # Strict mode refuses strings for datetimes; JSON has no other way to send one.
        if not isinstance(value, str):
            raise ValueError("expiresAt must be a date-time string like 2030-01-31T12:00:00Z")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                "expiresAt must be a date-time string like 2030-01-31T12:00:00Z"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def token_out(token: AccountToken, *, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": token.id,
        "description": token.description,
        "expiresAt": iso(token.expires_at),
        "createdAt": iso(token.created_at),
        "seenAt": iso(token.seen_at),
        "userId": token.account_id,
        "hint": token.hint,
    }
    warning = expiry_warning(token.created_at, token.expires_at, utcnow())
    if warning is not None:
        body["expiryWarning"] = warning
    if secret is not None:
        body["secret"] = secret
    return body


def expiry_warning(created_at: datetime, expires_at: datetime, now: datetime) -> str | None:
    """Unleash's rule: expired; or within the lead time and past the first half of its life."""
    if expires_at <= now:
        return "expired"
    days_left = (expires_at.date() - now.date()).days
    days_lived = (now.date() - created_at.date()).days
    if days_left > days_lived:
        return None
    return "expires-soon" if days_left <= EXPIRY_WARNING_DAYS else None


def never_expires(expires_at: datetime, now: datetime) -> bool:
    return expires_at - now > NEVER_AFTER
