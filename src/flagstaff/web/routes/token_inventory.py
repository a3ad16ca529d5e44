"""The Tokens page (Admins): every personal and service-account token with its owner and state,
filtered and paged; revoking a selection behind a confirmation, all of it or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.datastructures import FormData
from starlette.responses import Response

from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError
from flagstaff.credentials.account_tokens.admin_routes import MAX_BULK
from flagstaff.credentials.account_tokens.inventory import InventoryRow, TokenInventory
from flagstaff.credentials.account_tokens.service import addresses_of
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, Page, PageDep, WebUser
from flagstaff.web.forms import FormError, FormState
from flagstaff.web.inventory_filter import (
    KIND_LABELS,
    STATE_LABELS,
    InventoryQuery,
    InventoryQueryDep,
    inventory_filter,
)
from flagstaff.web.rendering import plural, redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.token_views import OwnedTokenRow, owned_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/tokens"
PAGE_SIZE = 50
MAX_ID = 2_147_483_647
SelectedIds = Annotated[list[int] | None, Query(max_length=MAX_BULK)]


def _inventory(page: Page) -> TokenInventory:
    return TokenInventory(page.account_tokens())


@router.get(BASE)
def inventory_page(page: PageDep, user: AdminPage, asked: InventoryQueryDep) -> Response:
    try:
        criteria = inventory_filter(asked)
    except FormError as problem:
        return _inventory_page(page, user, asked, [], 0, problem.errors, status=400)
    found, total = _inventory(page).search(criteria, (asked.page - 1) * PAGE_SIZE, PAGE_SIZE)
    now = utcnow()
    addresses = addresses_of(page.db, [row.token.id for row in found])
    rows = [owned_row(row, now, addresses[row.token.id]) for row in found]
    return _inventory_page(page, user, asked, rows, total, {})


def _inventory_page(
    page: Page,
    user: WebUser,
    asked: InventoryQuery,
    rows: list[OwnedTokenRow],
    total: int,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    shown = {name: str(value) for name, value in asdict(asked).items()}
    return page.render(
        "tokens/inventory.html",
        user,
        status=status,
        rows=rows,
        total=total,
        asked=asked,
        form=FormState(shown, errors),
        pages=max(1, -(-total // PAGE_SIZE)),
        states=STATE_LABELS,
        kinds=KIND_LABELS,
    )


@router.get(BASE + "/revoke")
def revoke_page(page: PageDep, user: AdminPage, ids: SelectedIds = None) -> Response:
    return _revoke_page(page, user, ids or [])


def _revoke_page(
    page: Page, user: WebUser, ids: Sequence[int], error: str | None = None, status: int = 200
) -> Response:
    """The confirmation; an id that is no token's is a 404, as the service would answer."""
    if not ids:
        error, status = "Select at least one token to revoke.", 400
    inventory, now = _inventory(page), utcnow()
    rows = []
    for token_id in dict.fromkeys(ids):
        token, owner = inventory.find(token_id)
        state = inventory.tokens.state(token, owner.disabled_at is not None, now)
        rows.append(owned_row(InventoryRow(token, owner, state), now))
    return page.render("tokens/revoke.html", user, status=status, rows=rows, error=error)


@router.post(BASE + "/revoke")
def revoke(page: PageDep, user: AdminPost, form: FormDep) -> Response:
    ids = _selected(form)
    if not ids:
        return _revoke_page(page, user, ids)
    try:
        revoked = _inventory(page).revoke(user.actor, ids)
    except BadDataError as problem:
        # Nothing was revoked: the page shows the selection again, with the reason.
        page.db.rollback()
        return _revoke_page(page, user, ids, problem.message, status=400)
    flash = f"{plural(len(revoked), 'token')} revoked: requests with them are refused."
    return redirect(BASE, flash=flash)


def _selected(form: FormData) -> list[int]:
    raw = [value for value in form.getlist("ids") if isinstance(value, str)]
    if len(raw) > MAX_BULK:
        raise BadDataError(f"Select at most {MAX_BULK} tokens at once.")
    if not all(v.isascii() and v.isdigit() and 0 < int(v) <= MAX_ID for v in raw):
        raise BadDataError("The selection holds something that is not a token id.")
    return [int(value) for value in raw]
