"""Schemathesis run in process against the app: its configuration, and its failures as
``Finding``s a test compares with the ones it allows."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis.engine import events, from_schema
from starlette.types import ASGIApp, Receive, Scope, Send

SEED = 20261206
MAX_EXAMPLES = 3
HALVES = 2

# Not fuzzed with either document.
EXCLUDED: dict[str, str] = {
    "POST /api/admin/maintenance": "maintenance mode would answer every later write 503",
    "POST /logout": "ends the caller's session (and the fuzzer's cookie jar with it)",
}

# A refusal of a schema-violating request: 413 when the body is over the limit before it is
# read, as well as schemathesis' own list.
REFUSALS = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]


@dataclass(frozen=True)
class Finding:
    check: str
    operation: str
    status: int | None
    detail: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.operation)

    def __str__(self) -> str:
        return f"{self.check} on {self.operation}: {self.status} {self.detail}"


def config(secret: str, checks: dict[str, Any] | None = None) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": secret},
            # NUL in text is refused everywhere (PostgreSQL cannot store it), as the document's
            # description says: generating it would make every text field a refusal.
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "allow-x00": False,
            },
            "checks": checks
            or {"enabled": True, "negative_data_rejection": {"expected-statuses": REFUSALS}},
            # The coverage phase multiplies the requests by ten; the stateful one chains
            # operations through links the documents do not have.
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
            "workers": 1,
        }
    )


def without_lifespan(app: FastAPI) -> ASGIApp:
    """The app for schemathesis, which starts a lifespan of its own and keeps it until the
    process exits; the test's TestClient runs (and ends) the real one."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await app(scope, receive, send)

    return wrapped


def label(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def in_half(half: int) -> Callable[[str], bool]:
    return lambda operation: zlib.crc32(operation.encode()) % HALVES == half


def run(schema: schemathesis.BaseSchema, wanted: Callable[[str], bool]) -> Iterator[Finding]:
    """Every failed check of the operations ``wanted`` takes (by their label)."""
    chosen = schema.include(
        func=lambda ctx: wanted(label(ctx.operation.method, ctx.operation.path))
    )
    for event in from_schema(chosen).execute():
        if isinstance(event, events.FatalError):
            raise event.exception
        if isinstance(event, events.NonFatalError):
            yield Finding("error", event.label, None, str(event.info)[:300])
        if isinstance(event, events.ScenarioFinished):
            yield from _failures(event)


def _failures(event: events.ScenarioFinished) -> Iterator[Finding]:
    recorder = event.recorder
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status.name != "FAILURE":
                continue
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            response: Any = interaction.response if interaction else None
            failure = check.failure_info.failure if check.failure_info else None
            yield Finding(
                check.name,
                label(case.operation.method, case.operation.path),
                response.status_code if response is not None else None,
                f"{getattr(failure, 'title', '')}: {case.method} {case.formatted_path} "
                f"{getattr(failure, 'message', '')[:300]} {_body(response)}",
            )


def _body(response: Any) -> str:
    content: bytes = (response.content or b"") if response is not None else b""
    return content[-300:].decode(errors="replace")


def unexpected(findings: Iterator[Finding], allowed: dict[tuple[str, str], str]) -> list[str]:
    """The findings not allowed, one line each; a server error is never allowed."""
    found = {finding.key: finding for finding in findings}
    return sorted(
        str(finding)
        for key, finding in found.items()
        if key not in allowed or (finding.status or 0) >= 500
    )
