"""The Tokens page's filter form: what it asked for (as text, to show again) and the inventory
filter it means. Empty fields are sent too, so numbers are read here rather than by FastAPI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query

from flagstaff.credentials.account_tokens.inventory import InventoryFilter
from flagstaff.credentials.account_tokens.service import TokenOwnerKind
from flagstaff.credentials.account_tokens.states import TokenState
from flagstaff.web.forms import FormError

MAX_DAYS = 36_500
STATE_LABELS = (
    ("active", "Active"),
    ("disabled", "Disabled"),
    ("expired", "Expired"),
    ("rotated", "Rotated"),
    ("blocked", "Blocked by policy"),
    ("revoked", "Revoked"),
)
KIND_LABELS = (("personal", "Personal"), ("service-account", "Service account"))
Text = Annotated[str, Query(max_length=255)]


@dataclass(frozen=True)
class InventoryQuery:
    state: str = ""
    kind: str = ""
    owner: str = ""
    unused: str = ""
    expires: str = ""
    q: str = ""
    page: int = 1

    @property
    def filtered(self) -> bool:
        return any(value for name, value in asdict(self).items() if name != "page")

    def link(self, page: int) -> str:
        """This query's address on another page; empty fields are left out."""
        fields = {k: v for k, v in asdict(replace(self, page=page)).items() if v}
        return "/admin/tokens?" + urlencode(fields)


def inventory_query(
    state: Text = "",
    kind: Text = "",
    owner: Text = "",
    unused: Text = "",
    expires: Text = "",
    q: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> InventoryQuery:
    return InventoryQuery(
        state.strip(), kind.strip(), owner.strip(), unused.strip(), expires.strip(), q, page
    )


InventoryQueryDep = Annotated[InventoryQuery, Depends(inventory_query)]


def inventory_filter(asked: InventoryQuery) -> InventoryFilter:
    """The filter ``asked`` means; a ``FormError`` naming every field it cannot read."""
    errors: dict[str, str] = {}
    if asked.state and asked.state not in dict(STATE_LABELS):
        errors["state"] = "Choose a state from the list."
    if asked.kind and asked.kind not in dict(KIND_LABELS):
        errors["kind"] = "Choose a kind from the list."
    unused = _days(asked.unused, "unused", errors)
    expires = _days(asked.expires, "expires", errors)
    if errors:
        raise FormError(errors)
    return InventoryFilter(
        states=frozenset({TokenState(asked.state)}) if asked.state else frozenset(),
        owner=asked.owner or None,
        kind=TokenOwnerKind(asked.kind) if asked.kind else None,
        unused_for_days=unused,
        expires_within_days=expires,
        query=asked.q.strip() or None,
    )


def _days(raw: str, name: str, errors: dict[str, str]) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_DAYS:
        errors[name] = f"Enter a number of days from 0 to {MAX_DAYS}, or leave it empty."
        return None
    return int(raw)
