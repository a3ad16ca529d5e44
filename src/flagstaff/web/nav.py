"""The navigation: what an account may use is shown; the rest is hidden (and answers 403)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flagstaff.credentials.api_tokens.routes import READABLE_WITH
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    href: str
    icon: str


def is_admin(principal: Principal) -> bool:
    return is_allowed(principal, Permission.ADMIN)


def looks_after_service_accounts(principal: Principal) -> bool:
    """An Admin, or a person who manages at least one service account."""
    return is_admin(principal) or bool(principal.grants.managed)


def readable_api_token_types(principal: Principal) -> list[str]:
    if is_admin(principal):
        return ["client", "frontend", "admin"]
    return [
        kind
        for kind, permissions in READABLE_WITH.items()
        if any(is_allowed(principal, p) for p in permissions)
    ]


def can_see_api_tokens(principal: Principal) -> bool:
    return bool(readable_api_token_types(principal))


def manages_webhooks(principal: Principal) -> bool:
    return any(
        is_allowed(principal, p)
        for p in (Permission.CREATE_ADDON, Permission.UPDATE_ADDON, Permission.DELETE_ADDON)
    )


def _anyone(_: Principal) -> bool:
    return True


NAVIGATION: tuple[tuple[NavItem, Callable[[Principal], bool]], ...] = (
    (NavItem("flags", "Flags", "/flags", "flag"), _anyone),
    (NavItem("projects", "Projects", "/projects", "folder"), _anyone),
    (
        NavItem("service-accounts", "Service accounts", "/admin/service-accounts", "robot"),
        looks_after_service_accounts,
    ),
    (NavItem("users", "Users", "/admin/users", "people"), is_admin),
    (NavItem("tokens", "Tokens", "/admin/tokens", "shield"), is_admin),
    (NavItem("api-tokens", "API tokens", "/admin/api-tokens", "key"), can_see_api_tokens),
    (NavItem("webhooks", "Webhooks", "/admin/webhooks", "play"), manages_webhooks),
    (NavItem("events", "Event log", "/history", "clock"), _anyone),
    (NavItem("profile", "Profile", "/profile", "person"), _anyone),
)


def nav_items(principal: Principal) -> list[NavItem]:
    return [item for item, visible in NAVIGATION if visible(principal)]
