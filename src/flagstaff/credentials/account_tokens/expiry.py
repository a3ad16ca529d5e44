"""What every answer to a request made with an account token says about the token's end, so an
integration learns it is about to break before it does (GitHub sends the like).

``Flagstaff-Token-Expires-At`` is when the token stops working (its grace window's end, once
rotated). ``Flagstaff-Token-Expiry-Warning`` is added inside the warning window (the last 14
days, or the second half of a shorter lifetime), and while a rotated token's grace window runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from flagstaff.credentials.account_tokens.lifetimes import never_expires, warning_starts
from flagstaff.rbac.principal import Principal

EXPIRES_HEADER = "Flagstaff-Token-Expires-At"
WARNING_HEADER = "Flagstaff-Token-Expiry-Warning"


def expiry_headers(principal: Principal, now: float) -> dict[str, str]:
    expires_at, issued_at = principal.expires_at, principal.issued_at
    if expires_at is None or issued_at is None or never_expires(expires_at, issued_at):
        return {}
    headers = {EXPIRES_HEADER: _stamp(expires_at)}
    if principal.rotated_until is not None:
        headers[WARNING_HEADER] = (
            f"This token was rotated and stops working at {_stamp(expires_at)}; use its successor."
        )
    elif now >= _warning_starts_ts(issued_at, expires_at):
        days = max(0, int((expires_at.timestamp() - now) // 86_400))
        headers[WARNING_HEADER] = (
            f"This token expires at {_stamp(expires_at)} (in {days} days); rotate it or ask for "
            "a new one."
        )
    return headers


@lru_cache(maxsize=4096)
def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=4096)
def _warning_starts_ts(issued_at: datetime, expires_at: datetime) -> float:
    return warning_starts(issued_at, expires_at).timestamp()
