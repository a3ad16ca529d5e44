"""Structured logs, and no secret in anything a server writes."""

from __future__ import annotations

import json
import logging
import secrets
import sys

import pytest

from flagstaff.core.logs import JsonFormatter, LogfmtFormatter, redact_query, scrub
from tests.cli.harness import Installation, login

ADMIN_PASSWORD = "Adm1n-Secret-Pass!"


def _record(name: str, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args or None, None)


def _access(path: str, status: int = 200) -> logging.LogRecord:
    return _record(
        "uvicorn.access", '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", status
    )


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/api/client/features", "/api/client/features"),
        ("/x?token=abc&name=n", "/x?token=[REDACTED]&name=n"),
        ("/x?client_secret=abc", "/x?client_secret=[REDACTED]"),
        ("/x?Password=abc&page=2", "/x?Password=[REDACTED]&page=2"),
        ("/x?access_token=a&apiKey=b", "/x?access_token=[REDACTED]&apiKey=[REDACTED]"),
        ("/x?flag", "/x?flag"),
    ],
)
def test_redact_query__secret_names__values_replaced(path: str, logged: str) -> None:
    assert redact_query(path) == logged


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: user:fsa_0123456789abcdefghijABCDEFGHIJ123456",
        "token *:*.4f0c1c0ba8d3b3e2a4a4f4b4c4d4e4f4 refused",
        "default:development.4f0c1c0ba8d3b3e2a4a4f4b4c4d4e4f4",
        "password=hunter2hunter2",
        '{"password": "hunter2hunter2"}',
        "cookie=flagstaff-session-value",
    ],
)
def test_scrub__secret_shapes__removed(text: str) -> None:
    scrubbed = scrub(text)

    assert "[REDACTED]" in scrubbed
    for secret in ("fsa_0123", "4f0c1c0b", "hunter2", "flagstaff-session-value"):
        assert secret not in scrubbed


def test_json_formatter__access_record__method_path_status_only() -> None:
    line = JsonFormatter().format(_access("/api/admin/user?token=abc", 401))

    record = json.loads(line)
    assert record["method"] == "GET"
    assert record["path"] == "/api/admin/user?token=[REDACTED]"
    assert record["status"] == 401
    assert record["level"] == "info"
    assert "abc" not in line


def test_json_formatter__exception__scrubbed_traceback() -> None:
    try:
        raise ValueError("bad password=hunter2hunter2")
    except ValueError:
        record = _record("flagstaff.x", "failed")
        record.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(record))

    assert "ValueError" in line["exc"]
    assert "hunter2" not in line["exc"]


def test_logfmt_formatter__plain_message__key_value_pairs() -> None:
    line = LogfmtFormatter().format(_record("flagstaff.cli", "database ready in %.2fs", 1.5))

    assert line.startswith("ts=")
    assert "level=info logger=flagstaff.cli" in line
    assert 'msg="database ready in 1.50s"' in line


@pytest.mark.slow
def test_serve__requests_carrying_secrets__server_output_holds_none(install: Installation) -> None:
    account_token = f"user:fsa_{secrets.token_hex(16)}"
    api_token = f"*:*.{secrets.token_hex(24)}"
    query_secrets = {name: secrets.token_hex(8) for name in ("token", "secret", "password")}
    wrong_password = f"Wr0ng-{secrets.token_hex(6)}!"
    server = install.start(env={"FLAGSTAFF_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.wait_healthy()

    with server.client() as client:
        assert (
            client.get("/api/admin/user", headers={"Authorization": account_token}).status_code
            == 401
        )
        assert (
            client.get(
                "/api/admin/user", headers={"Authorization": f"Bearer {api_token}"}
            ).status_code
            == 401
        )
        assert client.get("/health", params={**query_secrets, "shown": "yes"}).status_code == 200
        assert login(client, "admin", wrong_password).status_code == 401
        assert login(client, "admin", ADMIN_PASSWORD).status_code == 200
        cookie = next(iter(client.cookies.values()))
        assert client.get("/api/admin/user").status_code == 200
        assert client.post("/logout").status_code == 200
    server.stop()
    output = server.stdout + server.stderr

    # The requests were logged: the test sees the access log it checks.
    assert "/health?" in output
    assert "shown=yes" in output
    assert output.count('"path": "/api/admin/user"') == 3
    assert '"path": "/auth/simple/login", "status": 401' in output
    for secret in (
        account_token,
        account_token.removeprefix("user:"),
        api_token.split(".")[1],
        *query_secrets.values(),
        wrong_password,
        ADMIN_PASSWORD,
        cookie,
    ):
        assert secret not in output
