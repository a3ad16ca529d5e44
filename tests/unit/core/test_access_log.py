"""The access log written off the request path: the same fields as the structured log, secrets
scrubbed, every pending line written at stop, and a bound on what waits."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest

from flagstaff.core import access_log
from flagstaff.core.access_log import AccessLog


def scope(path: str, query: bytes = b"", method: str = "GET") -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "root_path": "",
        "client": ("10.0.0.7", 5123),
    }


def test_json__a_request__one_line_with_the_structured_log_fields() -> None:
    out = io.StringIO()
    log = AccessLog("json", out)
    log.add(scope("/api/client/features", b"project=a"), 304)
    log.flush()
    (line,) = out.getvalue().splitlines()
    record = json.loads(line)
    assert record["msg"] == "request"
    assert record["level"] == "info"
    assert (record["method"], record["status"]) == ("GET", 304)
    assert record["path"] == "/api/client/features?project=a"
    assert record["client"] == "10.0.0.7:5123"
    assert record["ts"].endswith("+00:00")
    assert '"path": "/api/client/features?project=a", "status": 304' in line


def test_json__secrets_in_the_query_or_path__redacted() -> None:
    out = io.StringIO()
    log = AccessLog("json", out)
    token = "user:fsa_" + "a1" * 20
    log.add(scope("/health", b"token=abc123&shown=yes"), 200)
    log.add(scope(f"/x/{token}"), 404)
    log.flush()
    text = out.getvalue()
    assert "abc123" not in text
    assert "fsa_a1a1" not in text
    assert "shown=yes" in text
    assert "[REDACTED]" in text


def test_json__quotes_and_unicode_in_the_path__valid_json() -> None:
    out = io.StringIO()
    log = AccessLog("json", out)
    log.add(scope('/a"b\\c/é'), 200)
    log.flush()
    assert json.loads(out.getvalue())["path"] == '/a"b\\c/é'


def test_logfmt__a_request__key_value_pairs() -> None:
    out = io.StringIO()
    log = AccessLog("logfmt", out)
    log.add(scope("/api/client/metrics", method="POST"), 202)
    log.flush()
    line = out.getvalue().strip()
    assert line.startswith("ts=")
    assert "msg=request method=POST path=/api/client/metrics status=202" in line


def test_stop__pending_lines__written() -> None:
    out = io.StringIO()
    log = AccessLog("json", out)
    log.start()
    for _ in range(3):
        log.add(scope("/health"), 200)
    assert out.getvalue() == ""  # waiting for the next batch
    log.stop()
    assert len(out.getvalue().splitlines()) == 3


def test_a_full_batch__written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_log, "BATCH_LINES", 2)
    out = io.StringIO()
    log = AccessLog("json", out)
    for _ in range(5):
        log.add(scope("/health"), 200)
    assert len(out.getvalue().splitlines()) == 4
    log.flush()
    assert len(out.getvalue().splitlines()) == 5


def test_on_a_loop__written_by_the_timer() -> None:
    out = io.StringIO()
    log = AccessLog("json", out)

    async def requests() -> None:
        log.add(scope("/health"), 200)
        await asyncio.sleep(access_log.FLUSH_SECONDS + 0.1)

    asyncio.run(requests())
    assert len(out.getvalue().splitlines()) == 1
