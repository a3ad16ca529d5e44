"""Schemathesis over Unleash 8.2's own OpenAPI document, against Flagstaff: the operations both
serve (tests/compat/coverage.py), as an admin API token, fixed seed, bounded examples. Each
answer must be no server error and match Unleash's documented schema and content type for its
status, except the differences listed below with the reason (docs/extensions.md for keys
Flagstaff adds on purpose)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.compat import fuzzing
from tests.compat.coverage import flagstaff_operations, normalize

UNLEASH_DOCUMENT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "unleash-openapi-8.2-oss.json"
)

# Schema and content type: what a client generated from Unleash's document relies on. Status
# codes are Flagstaff's own business (its document declares them): Unleash's leaves out many
# answers its own server gives (a 400 on a GET with a bad query, a 404 on unknown ids).
CHECKS = {
    "enabled": False,
    "not_a_server_error": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
    "content_type_conformance": {"enabled": True},
}

USER = frozenset({"disabled"})
EVENT = frozenset({"tokenId", "tokenHint", "userAgent"})
API_TOKEN = frozenset({"createdBy", "createdByUserId"})
# Keys Flagstaff adds on purpose (docs/extensions.md), per operation of Unleash's document: an
# answer may break a closed schema (additionalProperties: false) with these keys and no others.
EXTENSION_KEYS: dict[str, frozenset[str]] = {
    "GET /api/admin/user": USER | {"isAPI"},  # isAPI: true for an admin token, as Unleash
    "GET /api/admin/user-admin": USER,
    "GET /api/admin/user-admin/{id}": USER,
    "POST /api/admin/user-admin": USER,
    "GET /api/admin/events": EVENT,
    "GET /api/admin/events/{featureName}": EVENT,
    "GET /api/admin/search/events": EVENT,
    "GET /api/admin/api-tokens": API_TOKEN,
    "POST /api/admin/api-tokens": API_TOKEN,
    "POST /api/admin/projects/{projectId}/api-tokens": API_TOKEN,
    "GET /api/admin/projects": frozenset({"featureLimit", "environments"}),
    "GET /api/admin/instance-admin/statistics": frozenset(
        {
            "archivedFeatureToggles",
            "serviceAccounts",
            "customRootRoles",
            "customRootRolesInUse",
            "passwordAuthEnabled",
            "SCIMenabled",
        }
    ),
    # Not Flagstaff's: the application's page as Unleash's server sends it (docs/extensions.md,
    # where Flagstaff follows Unleash's server rather than its document).
    "GET /api/admin/metrics/applications/{appName}": frozenset(
        {"createdBy", "createdAt", "updatedAt", "instances", "seenToggles", "links"}
    ),
}

# Other differences, (check, operation) -> why Flagstaff answers so.
ALLOWED: dict[tuple[str, str], str] = {
    ("response_schema_conformance", "GET /api/admin/tag-types"): (
        "a tag type without a description has description: null, as Unleash's server sends"
    ),
    ("response_schema_conformance", "POST /api/admin/tag-types"): (
        "a tag type without a description has description: null, as Unleash's server sends"
    ),
    ("response_schema_conformance", "GET /api/admin/metrics/applications/{appName}"): (
        "description, url, color and icon are null until set, as in Unleash's server"
    ),
}
UNEXPECTED_KEYS = re.compile(
    r"Additional properties are not allowed \(([^)]*) (?:was|were) unexpected"
)


def is_extension(finding: fuzzing.Finding) -> bool:
    """A closed schema broken only by keys Flagstaff adds on purpose to that operation."""
    allowed = EXTENSION_KEYS.get(finding.operation)
    match = UNEXPECTED_KEYS.search(finding.detail)
    if finding.check != "response_schema_conformance" or allowed is None or match is None:
        return False
    return set(re.findall(r"'([^']+)'", match.group(1))) <= allowed


def unleash_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(UNLEASH_DOCUMENT.read_text())
    return document


@pytest.mark.skipif(not UNLEASH_DOCUMENT.exists(), reason="shared/reference is not beside the repo")
@pytest.mark.parametrize("half", range(fuzzing.HALVES))
def test_unleash_document__fuzzed_as_admin__answers_match_unleash_schemas(
    app: FastAPI, context: AppContext, client: TestClient, half: int
) -> None:
    secret = make_api_token(context, "admin", environment="*", name="fuzzer")
    ours = flagstaff_operations(app.openapi())
    schema = schemathesis.openapi.from_dict(
        unleash_document(), config=fuzzing.config(secret, CHECKS)
    )
    schema.app = fuzzing.without_lifespan(app)
    in_half = fuzzing.in_half(half)

    def shared(operation: str) -> bool:
        method, path = operation.split(" ", 1)
        return (
            (method, normalize(path)) in ours
            and operation not in fuzzing.EXCLUDED
            and in_half(operation)
        )

    findings = (finding for finding in fuzzing.run(schema, shared) if not is_extension(finding))

    unexpected = fuzzing.unexpected(findings, ALLOWED)
    assert unexpected == [], "\n".join(unexpected)
