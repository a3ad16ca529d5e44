"""``POST /api/admin/constraints/validate``: one constraint, by the rules strategies apply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.support import assert_error, make_caller, snapshot

URL = "/api/admin/constraints/validate"
VALID = {"contextName": "userId", "operator": "IN", "values": ["1"]}


@pytest.mark.parametrize(
    "constraint",
    [
        VALID,
        {"contextName": "userId", "operator": "NOT_IN", "values": [], "inverted": True},
        {"contextName": "email", "operator": "STR_CONTAINS", "caseInsensitive": True},
        {"contextName": "age", "operator": "NUM_GTE", "value": "-3.5"},
        {"contextName": "currentTime", "operator": "DATE_AFTER", "value": "2024-01-01T00:00:00Z"},
        {"contextName": "version", "operator": "SEMVER_LT", "value": "2.0.0-rc.1"},
        {"contextName": "userId", "operator": "REGEX", "value": "^[a-z]+$"},
        {"contextName": "remoteAddress", "operator": "IN_CIDR", "values": ["10.0.0.0/8"]},
        {"contextName": "anyField", "operator": "IN", "values": ["x"], "unknownKey": 1},
    ],
)
def test_validate_constraint__valid__204_nothing_written(
    admin_client: TestClient, context: AppContext, constraint: dict[str, Any]
) -> None:
    before = snapshot(context)
    response = admin_client.post(URL, json=constraint)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("constraint", "fragment"),
    [
        ({"operator": "IN"}, "contextName"),
        ({"contextName": "userId"}, "operator"),
        ({"contextName": "", "operator": "IN"}, "contextName"),
        ({"contextName": "u" * 256, "operator": "IN"}, "contextName"),
        ({"contextName": 1, "operator": "IN"}, "contextName"),
        ({"contextName": "userId", "operator": "LIKE"}, "LIKE"),
        ({"contextName": "userId", "operator": "IN", "values": "1"}, "values"),
        ({"contextName": "userId", "operator": "IN", "values": [1]}, "values"),
        ({"contextName": "userId", "operator": "IN", "inverted": "yes"}, "inverted"),
        ({"contextName": "age", "operator": "NUM_EQ"}, "value"),
        ({"contextName": "age", "operator": "NUM_EQ", "value": "ten"}, "number"),
        ({"contextName": "t", "operator": "DATE_BEFORE", "value": "yesterday"}, "date"),
        ({"contextName": "version", "operator": "SEMVER_EQ", "value": "v1"}, "semantic version"),
        ({"contextName": "userId", "operator": "REGEX", "value": "(unclosed"}, "regular"),
        ({"contextName": "userId", "operator": "REGEX", "value": "x" * 10_001}, "value"),
    ],
)
def test_validate_constraint__invalid__400_naming_the_problem(
    admin_client: TestClient, constraint: dict[str, Any], fragment: str
) -> None:
    assert_error(admin_client.post(URL, json=constraint), 400, fragment)


@pytest.mark.parametrize("sent", [[], "IN", None, 3])
def test_validate_constraint__not_an_object__400(admin_client: TestClient, sent: Any) -> None:
    assert_error(admin_client.post(URL, json=sent), 400)


def test_validate_constraint__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(URL, content="IN", headers={"Content-Type": "text/plain"})
    assert_error(response, 415)


def test_validate_constraint__viewer__allowed(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    viewer = make_caller(context, new_client, "Viewer").client
    assert viewer.post(URL, json=VALID).status_code == 204


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_validate_constraint__sdk_token__403(
    context: AppContext, new_client: Callable[[], TestClient], kind: str
) -> None:
    caller = new_client()
    caller.headers["Authorization"] = make_api_token(context, kind)
    assert_error(caller.post(URL, json=VALID), 403)


def test_validate_constraint__anonymous__401(client: TestClient) -> None:
    assert_error(client.post(URL, json=VALID), 401)
