"""The kinds of caller the Admin API sees, each as a client plus the headers it sends."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.service_accounts.helpers import bearer, create_account, create_token

Caller = tuple[TestClient, dict[str, str]]


def as_caller(
    kind: str,
    *,
    context: AppContext,
    client: TestClient,
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
) -> Caller:
    if kind == "admin":
        return admin_client, {}
    if kind in ("editor", "viewer"):
        return user_client(kind.capitalize()), {}
    if kind in ("service-account", "viewer-service-account"):
        role = "Editor" if kind == "service-account" else "Viewer"
        account = create_account(admin_client, username=f"service-{role.lower()}", role=role)
        return client, bearer(create_token(admin_client, account["id"])["secret"])
    if kind == "admin-token":
        return client, auth(make_api_token(context, "admin", environment="*", name="root"))
    if kind == "client-token":
        return client, auth(make_api_token(context, "client", name="backend"))
    if kind == "frontend-token":
        return client, auth(make_api_token(context, "frontend", name="web"))
    raise ValueError(kind)
