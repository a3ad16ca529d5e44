"""Flagstaff's credential inventory and lifetime policy, for admins: ``/api/admin/tokens``.

Every personal and service-account token with its owner and state, filtered and paged; revoking
several at once; disabling any one; and the policy that bounds how long tokens may live.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import Field, StrictBool, StrictInt

from flagstaff.accounts.models import Account
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel, WireModel, answers
from flagstaff.credentials.account_tokens.inventory import (
    InventoryFilter,
    InventoryRow,
    TokenInventory,
)
from flagstaff.credentials.account_tokens.lifetimes import (
    POLICY_SETTING,
    TokenPolicy,
    current_policy,
    store_policy,
)
from flagstaff.credentials.account_tokens.models import TokenClientIp
from flagstaff.credentials.account_tokens.routes import token_service
from flagstaff.credentials.account_tokens.schemas import PatSchema, token_out
from flagstaff.credentials.account_tokens.service import TokenOwnerKind, addresses_of
from flagstaff.credentials.account_tokens.states import TokenState
from flagstaff.http.deps import ActorDep, AdminDep, ContextDep, SessionDep
from flagstaff.instance.service import InstanceSettingsService

router = APIRouter(route_class=TransactionalRoute, tags=["Account tokens"])

BASE = "/api/admin/tokens"
TokenId = Annotated[int, Path(alias="id", ge=1, le=2_147_483_647)]
Days = Annotated[StrictInt, Field(ge=1, le=36_500)]
MAX_PAGE = 1000
MAX_BULK = 1000


class RevokeTokensIn(InputModel):
    ids: Annotated[
        list[Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]],
        Field(min_length=1, max_length=MAX_BULK),
    ]


class TokenPolicyIn(InputModel):
    max_lifetime_days: Days | None = None
    allow_never_expires: StrictBool = True
    revoke_unused_after_days: Days | None = None


class TokenOwnerOut(WireModel):
    """Who holds a token, as the inventory shows it."""

    id: int
    name: str | None
    username: str | None
    email: str | None
    is_service: bool
    disabled: bool


class InventoryTokenOut(PatSchema):
    """An account token in the inventory: the token, whose it is, and which kind of owner."""

    kind: TokenOwnerKind
    owner: TokenOwnerOut


class InventoryOut(WireModel):
    """A page of the token inventory."""

    tokens: list[InventoryTokenOut]
    total: int = Field(description="How many tokens match, over all pages")


class RevokedTokensOut(WireModel):
    """The tokens a bulk revocation revoked."""

    revoked: list[int]


class TokenPolicyOut(WireModel):
    """The token lifetime policy in force, and where it comes from."""

    max_lifetime_days: int | None = Field(description="null: no maximum")
    allow_never_expires: bool
    revoke_unused_after_days: int | None = Field(description="null: unused tokens stay")
    retention_days: int = Field(description="How long retired token records are kept")
    source: Literal["stored", "environment"] = Field(
        description="stored: set by an admin; environment: the server's settings"
    )


# The state filter: a comma-separated list of states, each maybe padded with spaces, or nothing.
# Stated as a pattern (the service checks it itself, naming the known states), so that the
# document describes exactly what is accepted.
_STATE_NAMES = "|".join(state.value for state in TokenState)
STATES_PATTERN = rf"^(?:\s*(?:{_STATE_NAMES})\s*(?:,\s*(?:{_STATE_NAMES})\s*)*)?$"
StatesQuery = Query(
    max_length=200,
    description=f"Only tokens in one of these states, comma-separated: {', '.join(TokenState)}",
    json_schema_extra={"pattern": STATES_PATTERN},
)


def _states(raw: str | None) -> frozenset[TokenState]:
    if not raw:
        return frozenset()
    states = set()
    for part in raw.split(","):
        name = part.strip()
        try:
            states.add(TokenState(name))
        except ValueError:
            known = ", ".join(s.value for s in TokenState)
            raise BadDataError(f"Unknown token state {name!r}: use {known}") from None
    return frozenset(states)


def _row_out(row: InventoryRow, addresses: list[TokenClientIp]) -> dict[str, Any]:
    owner: Account = row.owner
    body = token_out(row.token, row.state, utcnow(), addresses=addresses)
    body["kind"] = TokenOwnerKind.of(owner).value
    body["owner"] = {
        "id": owner.id,
        "name": owner.name,
        "username": owner.username,
        "email": owner.email,
        "isService": owner.is_service,
        "disabled": owner.disabled_at is not None,
    }
    return body


@router.get(
    BASE,
    operation_id="getAccountTokens",
    responses=answers(InventoryOut),
)
def get_account_tokens(
    _: AdminDep,
    db: SessionDep,
    context: ContextDep,
    state: Annotated[str | None, StatesQuery] = None,
    owner: Annotated[str | None, Query(max_length=255)] = None,
    kind: Literal["personal", "service-account"] | None = None,
    unused_for_days: Annotated[int | None, Query(alias="unusedForDays", ge=0, le=36_500)] = None,
    expires_within_days: Annotated[
        int | None, Query(alias="expiresWithinDays", ge=0, le=36_500)
    ] = None,
    q: Annotated[str | None, Query(max_length=255)] = None,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> dict[str, Any]:
    """Flagstaff: every personal and service-account token, with owner, kind and state."""
    criteria = InventoryFilter(
        states=_states(state),
        owner=owner,
        kind=TokenOwnerKind(kind) if kind else None,
        unused_for_days=unused_for_days,
        expires_within_days=expires_within_days,
        query=q,
    )
    rows, total = TokenInventory(token_service(db, context)).search(criteria, offset, limit)
    seen_from = addresses_of(db, [row.token.id for row in rows])
    return {"tokens": [_row_out(row, seen_from[row.token.id]) for row in rows], "total": total}


@router.post(
    f"{BASE}/revoke", operation_id="revokeAccountTokens", responses=answers(RevokedTokensOut)
)
def revoke_account_tokens(
    body: RevokeTokensIn, actor: ActorDep, _: AdminDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Flagstaff: revoke these tokens, all of them or none."""
    revoked = TokenInventory(token_service(db, context)).revoke(actor, body.ids)
    return {"revoked": revoked}


def _token_switch(disabled: bool) -> Any:
    def switch(
        token_id: TokenId, actor: ActorDep, _: AdminDep, db: SessionDep, context: ContextDep
    ) -> Response:
        """Flagstaff: turn any account token off without deleting it, or back on."""
        service = token_service(db, context)
        owner = TokenInventory(service).find(token_id)[1]
        service.set_disabled(actor, owner, token_id, disabled)
        return Response(status_code=200)

    return switch


for _action, _disabled in (("disable", True), ("enable", False)):
    router.post(f"{BASE}/{{id}}/{_action}", operation_id=f"{_action}AccountToken")(
        _token_switch(_disabled)
    )


@router.get(
    f"{BASE}/policy", operation_id="getAccountTokenPolicy", responses=answers(TokenPolicyOut)
)
def get_token_policy(_: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    """Flagstaff: how long account tokens may live, and where that rule comes from."""
    return _policy_out(db, context)


@router.put(
    f"{BASE}/policy", operation_id="setAccountTokenPolicy", responses=answers(TokenPolicyOut)
)
def set_token_policy(
    body: TokenPolicyIn, actor: ActorDep, _: AdminDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Flagstaff: store the token lifetime policy; tokens that outlive it are blocked."""
    policy = TokenPolicy(
        body.max_lifetime_days, body.allow_never_expires, body.revoke_unused_after_days
    )
    store_policy(db, actor, policy)
    return _policy_out(db, context)


def _policy_out(db: SessionDep, context: ContextDep) -> dict[str, Any]:
    stored = InstanceSettingsService(db).get(POLICY_SETTING) is not None
    return {
        **current_policy(db, context.settings).as_json(),
        "retentionDays": context.settings.token_retention_days,
        # Where the policy comes from: the environment until an admin sets one.
        "source": "stored" if stored else "environment",
    }
