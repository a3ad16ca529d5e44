"""The page routers: ``public_router`` (the login page) and ``pages_router()`` (everything that
needs a login session; app.py includes it in the authenticated router)."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.web.routes import (
    account_status,
    api_tokens,
    events,
    flag_detail,
    flags,
    login,
    profile,
    profile_token_lifecycle,
    project_access,
    projects,
    roles,
    service_account_managers,
    service_account_token_lifecycle,
    service_account_tokens,
    service_account_trust_policies,
    service_accounts,
    strategies,
    token_inventory,
    token_policy,
    users,
    webhooks,
)

PAGE_MODULES = (
    login,
    projects,
    project_access,
    flags,
    flag_detail,
    strategies,
    service_accounts,
    service_account_tokens,
    service_account_token_lifecycle,
    service_account_managers,
    service_account_trust_policies,
    users,
    account_status,
    roles,
    token_inventory,
    token_policy,
    api_tokens,
    profile,
    profile_token_lifecycle,
    events,
    webhooks,
)

public_router = login.public_router


def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for module in PAGE_MODULES:
        router.include_router(module.router)
    return router
