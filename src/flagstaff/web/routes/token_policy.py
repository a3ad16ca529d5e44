"""The token lifetime policy (Admins): how long account tokens may live, whether one may never
expire, and when unused ones are revoked. It comes from the environment until it is saved here."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError
from flagstaff.credentials.account_tokens.admin_routes import TokenPolicyIn
from flagstaff.credentials.account_tokens.inventory import InventoryFilter, TokenInventory
from flagstaff.credentials.account_tokens.lifetimes import (
    POLICY_SETTING,
    TokenPolicy,
    current_policy,
    store_policy,
)
from flagstaff.credentials.account_tokens.states import TokenState
from flagstaff.instance.service import InstanceSettingsService
from flagstaff.web.deps import AdminPage, AdminPost, FormDep, Page, PageDep, WebUser, text
from flagstaff.web.forms import FormError, FormState, form_errors, form_values, validated
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)

BASE = "/admin/tokens/policy"
MAX_DIGITS = 6  # past the policy's largest value, and short enough for int() to read safely
DAY_FIELDS = ("max_lifetime_days", "revoke_unused_days")
POLICY_FIELDS = {
    "maxLifetimeDays": "max_lifetime_days",
    "allowNeverExpires": "allow_never",
    "revokeUnusedAfterDays": "revoke_unused_days",
}


def _values(policy: TokenPolicy) -> dict[str, str]:
    return {
        "max_lifetime_days": str(policy.max_lifetime_days or ""),
        "allow_never": "on" if policy.allow_never_expires else "",
        "revoke_unused_days": str(policy.revoke_unused_days or ""),
    }


def _policy_page(page: Page, user: WebUser, form: FormState, status: int = 200) -> Response:
    blocked = InventoryFilter(states=frozenset({TokenState.BLOCKED}))
    _, blocked_count = TokenInventory(page.account_tokens()).search(blocked, 0, 1)
    return page.render(
        "tokens/policy.html",
        user,
        status=status,
        form=form,
        stored=InstanceSettingsService(page.db).get(POLICY_SETTING) is not None,
        retention_days=page.context.settings.token_retention_days,
        blocked_count=blocked_count,
    )


@router.get(BASE)
def policy_page(page: PageDep, user: AdminPage) -> Response:
    policy = current_policy(page.db, page.context.settings)
    return _policy_page(page, user, FormState(values=_values(policy)))


@router.post(BASE)
def save_policy(page: PageDep, user: AdminPost, form: FormDep) -> Response:
    values = form_values(form, DAY_FIELDS)
    values["allow_never"] = "on" if text(form, "allow_never") else ""
    try:
        body = validated(
            TokenPolicyIn,
            {
                "maxLifetimeDays": _days(values, "max_lifetime_days"),
                "allowNeverExpires": bool(values["allow_never"]),
                "revokeUnusedAfterDays": _days(values, "revoke_unused_days"),
            },
            POLICY_FIELDS,
        )
        policy = TokenPolicy(
            body.max_lifetime_days, body.allow_never_expires, body.revoke_unused_after_days
        )
        store_policy(page.db, user.actor, policy)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        return _policy_page(page, user, FormState(values, form_errors(problem)), status=400)
    return redirect(BASE, flash="The token lifetime policy was saved. It applies at once.")


def _days(values: dict[str, str], name: str) -> int | None:
    """An empty field means no limit; anything but a whole number is refused by name."""
    raw = values[name]
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        raise FormError({name: "Enter a whole number of days, or leave it empty."})
    return int(raw)
