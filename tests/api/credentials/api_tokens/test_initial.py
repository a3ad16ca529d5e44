from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.config import ConfigError
from flagstaff.credentials.api_tokens.initial import ensure_initial_api_tokens
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import BASE, counts

ADMIN = "*:*.init-admin-secret-0123456789"
CLIENT = "default:development.init-client-secret-0123"
FRONTEND = "*:production.init-frontend-secret-0123"
ENVIRON = {
    "INIT_ADMIN_API_TOKENS": ADMIN,
    "INIT_CLIENT_API_TOKENS": f"{CLIENT}, *:development.another-client-secret-01",
    "INIT_FRONTEND_API_TOKENS": FRONTEND,
}


def _ensure(context: AppContext, environ: dict[str, str]) -> int:
    with context.database.transaction() as session:
        return ensure_initial_api_tokens(session, context.settings, environ)


def test_initial_tokens__twice__created_once(client: TestClient, context: AppContext) -> None:
    assert _ensure(context, ENVIRON) == 4
    assert _ensure(context, ENVIRON) == 0
    tokens = client.get(BASE, headers={"Authorization": ADMIN}).json()["tokens"]
    scopes = sorted((t["type"], t["environment"], t["project"]) for t in tokens)
    assert scopes == [
        ("admin", "*", "*"),
        ("client", "development", "*"),
        ("client", "development", "default"),
        ("frontend", "production", "*"),
    ]


@pytest.mark.parametrize(
    ("environ", "needle"),
    [
        ({"INIT_CLIENT_API_TOKENS": "not-a-token"}, "INIT_CLIENT_API_TOKENS: entry 1"),
        ({"INIT_CLIENT_API_TOKENS": "default:development.short"}, "entry 1"),
        ({"INIT_FRONTEND_API_TOKENS": "[]:development.0123456789abcdef"}, "entry 1"),
        ({"INIT_CLIENT_API_TOKENS": "*:*.0123456789abcdef0123"}, "all environments"),
        ({"INIT_ADMIN_API_TOKENS": "*:development.0123456789abcdef"}, "single environment"),
        ({"INIT_CLIENT_API_TOKENS": "nope:development.0123456789abcdef"}, "Project=nope"),
    ],
)
def test_initial_tokens__malformed__config_error_without_secret(
    context: AppContext, environ: dict[str, str], needle: str
) -> None:
    before = counts(context)
    with pytest.raises(ConfigError) as raised:
        _ensure(context, environ)
    assert needle in str(raised.value)
    assert "0123456789abcdef" not in str(raised.value)
    assert counts(context) == before


def test_prepare__init_variables_set__tokens_work_after_start(
    monkeypatch: pytest.MonkeyPatch, client: TestClient, context: AppContext
) -> None:
    from flagstaff.cli import prepare

    monkeypatch.setenv("INIT_ADMIN_API_TOKENS", ADMIN)
    monkeypatch.setenv("INIT_CLIENT_API_TOKENS", CLIENT)
    prepare(context.settings)
    prepare(context.settings)  # a restart with the same variables
    assert client.get(BASE, headers={"Authorization": ADMIN}).status_code == 200
    assert client.get("/api/client/features", headers={"Authorization": CLIENT}).status_code == 200
    assert counts(context)[0] == 2
