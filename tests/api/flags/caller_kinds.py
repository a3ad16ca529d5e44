"""Every kind of caller the Admin API meets, as a ready client: users by root role, a service
account's token, and API tokens of each type."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.support import make_caller
from tests.api.service_accounts.helpers import create_account, create_token

USER_KINDS = ("admin", "editor", "viewer")
TOKEN_KINDS = ("service-viewer", "service-admin", "client-token", "frontend-token", "admin-token")
# Callers an Admin-only or permission-guarded write must refuse with 403.
UNPRIVILEGED = ("viewer", "service-viewer", "client-token", "frontend-token")


def make_kind(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> TestClient:
    if kind == "admin":
        return admin_client
    if kind in ("editor", "viewer"):
        return make_caller(context, new_client, kind.title()).client
    caller = new_client()
    if kind.startswith("service-"):
        role = kind.removeprefix("service-").title()
        account = create_account(admin_client, username=f"sa-{role.lower()}", role=role)
        secret = create_token(admin_client, account["id"])["secret"]
    else:
        token_type = kind.removesuffix("-token")
        environment = "*" if token_type == "admin" else "development"
        secret = make_api_token(context, token_type, environment=environment)
    caller.headers["Authorization"] = secret
    return caller
