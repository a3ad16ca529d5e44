"""Schemathesis over Flagstaff's own OpenAPI document: every operation but those in
``fuzzing.EXCLUDED``, as an admin API token, with a fixed seed and a bounded number of examples,
all checks on. A 5xx or any violated check fails the test, except where listed below with the
reason.

The operations are split in two halves (two test items) so that ``-n 2`` runs them side by side;
each half gets its own database and server.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.compat import fuzzing

FILTERS = "filters in Unleash's operator syntax (IS:a,b) the document does not describe"
DEFAULT_STRATEGY = (
    "POST /api/admin/projects/{projectId}/environments/{environment}/default-strategy"
)
PLAYGROUND = "the environment (and the projects) must exist"

# (check, operation) -> why that check may fail on that operation.
ALLOWED: dict[tuple[str, str], str] = {
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
    ("positive_data_acceptance", "POST /api/admin/ui-config/cors"): "origins must be URLs",
    ("positive_data_acceptance", "GET /api/admin/search/events"): FILTERS,
    ("positive_data_acceptance", "GET /api/admin/search/features"): FILTERS,
    ("positive_data_acceptance", "GET /api/admin/user/roles"): (
        "an API token has no user (as for /profile)"
    ),
    ("positive_data_acceptance", DEFAULT_STRATEGY): "the strategy must be defined",
    ("positive_data_acceptance", "PUT /api/admin/tag-types/{name}"): (
        "a description or an icon to change"
    ),
    ("positive_data_acceptance", "POST /api/admin/playground"): PLAYGROUND,
    ("positive_data_acceptance", "POST /api/admin/playground/advanced"): PLAYGROUND,
}


@pytest.mark.parametrize("half", range(fuzzing.HALVES))
def test_openapi__fuzzed_as_admin__no_server_error_and_every_check_holds(
    app: FastAPI, context: AppContext, client: TestClient, half: int
) -> None:
    secret = make_api_token(context, "admin", environment="*", name="fuzzer")
    schema = schemathesis.openapi.from_asgi(
        "/docs/openapi.json", fuzzing.without_lifespan(app), config=fuzzing.config(secret)
    )
    in_half = fuzzing.in_half(half)

    findings = fuzzing.run(schema, lambda op: op not in fuzzing.EXCLUDED and in_half(op))

    unexpected = fuzzing.unexpected(findings, ALLOWED)
    assert unexpected == [], "\n".join(unexpected)
