"""Schemathesis over Flagstaff's own OpenAPI document: every operation, as an admin API token,
with a fixed seed and a bounded number of examples, all checks on. A 5xx or any violated check
fails the test, except where listed below with the reason.

The operations are split in two halves (two test items) so that ``-n 2`` runs them side by side;
each half gets its own database and server.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import events, from_schema
from starlette.types import ASGIApp, Receive, Scope, Send

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token

SEED = 20261206
MAX_EXAMPLES = 3
HALVES = 2

# Operations not fuzzed at all.
EXCLUDED: dict[str, str] = {
    "POST /api/admin/maintenance": "maintenance mode would answer every later write 503",
    "POST /logout": "ends the caller's session (and the fuzzer's cookie jar with it)",
}

BUSINESS_RULE = "a rule the schema cannot state"
FRACTION = "an integer written 1.0 is JSON Schema's integer; strict input refuses it (to fix)"
DOC_GAP = "the server enforces a length or format the document does not state yet"

# (check, operation) -> why that check may fail on that operation.
ALLOWED: dict[tuple[str, str], str] = {
    # PUT on these paths matches PUT /user-admin/{id} (or another method's template), whose
    # integer id is then refused with 400: the path exists for PUT, so 405 would be wrong.
    ("unsupported_method", "GET /api/admin/user-admin/access"): "PUT /user-admin/{id}",
    ("unsupported_method", "GET /api/admin/user-admin/admin-count"): "PUT /user-admin/{id}",
    ("unsupported_method", "GET /api/admin/user-admin/inactive"): "PUT /user-admin/{id}",
    ("unsupported_method", "GET /api/admin/user-admin/search"): "PUT /user-admin/{id}",
    ("unsupported_method", "GET /api/admin/user/tokens/self"): "DELETE /user/tokens/{id}",
    ("unsupported_method", "POST /api/admin/roles/validate"): "PUT /roles/{roleId}",
    ("unsupported_method", "POST /api/admin/segments/strategies"): "PUT /segments/{id}",
    ("unsupported_method", "POST /api/admin/segments/validate"): "PUT /segments/{id}",
    ("unsupported_method", "POST /api/admin/user-admin/validate-password"): "PUT /user-admin/{id}",
    # Valid by the schema, refused by a rule about the stored data or the caller.
    ("positive_data_acceptance", "DELETE /api/admin/roles/{roleId}"): "built-in roles stay",
    ("positive_data_acceptance", "PUT /api/admin/roles/{roleId}"): "built-in roles stay",
    ("positive_data_acceptance", "POST /api/admin/roles/validate"): "built-in roles stay",
    ("positive_data_acceptance", "GET /api/admin/user/profile"): "an API token has no profile",
    ("positive_data_acceptance", "POST /api/admin/features-batch/import"): (
        "as Unleash: an admin token may not import (an account or a project token may)"
    ),
    ("positive_data_acceptance", "POST /api/admin/addons"): "the provider must be a known one",
    ("positive_data_acceptance", "POST /api/admin/service-account"): "rootRole must exist",
    ("positive_data_acceptance", "POST /api/admin/user-admin"): (
        "a username or an e-mail, and an existing root role"
    ),
    ("positive_data_acceptance", "POST /api/admin/user-admin/validate-password"): (
        "the password strength rules are the answer the operation exists to give"
    ),
    ("positive_data_acceptance", "POST /api/admin/provisioning/apply"): (
        "the file is YAML whose problems are the answer"
    ),
    ("positive_data_acceptance", "POST /api/auth/oidc/token"): (
        "RFC 8693 fields are checked against the trust policies"
    ),
    ("positive_data_acceptance", "POST /api/admin/constraints/validate"): BUSINESS_RULE,
    ("positive_data_acceptance", "POST /api/admin/strategies"): BUSINESS_RULE,
    ("positive_data_acceptance", "POST /api/admin/ui-config/cors"): "origins must be URLs",
    ("positive_data_acceptance", "GET /api/admin/search/events"): BUSINESS_RULE,
    ("positive_data_acceptance", "GET /api/admin/search/features"): BUSINESS_RULE,
    ("positive_data_acceptance", "GET /api/admin/tokens"): "state is one of a few words",
    ("positive_data_acceptance", "GET /api/admin/user/roles"): "projectId is required",
    ("positive_data_acceptance", "PUT /api/admin/tag-types/{name}"): BUSINESS_RULE,
    ("positive_data_acceptance", "POST /api/admin/playground"): "context.appName is required",
    ("positive_data_acceptance", "POST /api/admin/playground/advanced"): (
        "context.appName is required"
    ),
    ("positive_data_acceptance", "POST /api/admin/projects"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/tags"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/tag-types/validate"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/context"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/context/validate"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/features/validate"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/features-batch/export"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/tag-types"): DOC_GAP,
    ("positive_data_acceptance", "POST /api/admin/segments"): "operators: an enum not documented",
    ("positive_data_acceptance", "POST /api/admin/tokens/revoke"): FRACTION,
    ("positive_data_acceptance", "PUT /api/admin/projects/{projectId}/users/{userId}/roles"): (
        FRACTION
    ),
    (
        "positive_data_acceptance",
        "PUT /api/admin/projects/{projectId}/features/{featureName}/environments/{environment}"
        "/strategies/{strategyId}",
    ): FRACTION,
}


@dataclass(frozen=True)
class Finding:
    check: str
    operation: str
    status: int | None
    detail: str

    def __str__(self) -> str:
        return f"{self.check} on {self.operation}: {self.status} {self.detail}"


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


def half_of(label: str) -> int:
    return zlib.crc32(label.encode()) % HALVES


def fuzz_config(secret: str) -> schemathesis.Config:
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
            "checks": {
                "enabled": True,
                # A body over the size limit is refused before it is read: 413 is a refusal too.
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
                },
            },
            # The coverage phase multiplies the requests by ten; the stateful one chains
            # operations through links the document does not have.
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
            "workers": 1,
        }
    )


def run(app: FastAPI, secret: str, half: int) -> Iterator[Finding]:
    schema = schemathesis.openapi.from_asgi(
        "/docs/openapi.json", without_lifespan(app), config=fuzz_config(secret)
    )
    excluded = set(EXCLUDED)
    schema = schema.include(  # type: ignore[assignment]
        func=lambda ctx: (
            (label := f"{ctx.operation.method.upper()} {ctx.operation.path}") not in excluded
            and half_of(label) == half
        )
    )
    for event in from_schema(schema).execute():
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
                f"{case.operation.method.upper()} {case.operation.path}",
                response.status_code if response is not None else None,
                f"{getattr(failure, 'title', '')}: {case.method} {case.formatted_path} "
                f"{_body(response)}",
            )


def _body(response: Any) -> str:
    content: bytes = (response.content or b"") if response is not None else b""
    return content[-300:].decode(errors="replace")


@pytest.mark.parametrize("half", range(HALVES))
def test_openapi__fuzzed_as_admin__no_server_error_and_every_check_holds(
    app: FastAPI, context: AppContext, client: TestClient, half: int
) -> None:
    secret = make_api_token(context, "admin", environment="*", name="fuzzer")
    findings = {(f.check, f.operation): f for f in run(app, secret, half)}
    server_errors = [str(f) for f in findings.values() if f.status and f.status >= 500]
    assert server_errors == [], "\n".join(server_errors)
    unexpected = sorted(str(f) for key, f in findings.items() if key not in ALLOWED)
    assert unexpected == [], "\n".join(unexpected)
