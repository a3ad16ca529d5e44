"""Bad playground requests: 400 with Unleash's error body, naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.flags.support import assert_error
from tests.api.playground.support import ADVANCED, PLAYGROUND

CONTEXT = {"appName": "web"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "environment"),
        ({"environment": "development"}, "context"),
        ({"environment": "development", "context": {}}, "appName"),
        ({"environment": "development", "context": {"appName": ""}}, "appName"),
        ({"environment": "development", "context": {"appName": None}}, "appName"),
        ({"environment": "development", "context": "appName=web"}, "context"),
        ({"environment": "development", "context": [CONTEXT]}, "context"),
        ({"environment": 3, "context": CONTEXT}, "environment"),
        ({"environment": "", "context": CONTEXT}, "environment"),
        ({"environment": "e" * 101, "context": CONTEXT}, "environment"),
        ({"environment": "nope", "context": CONTEXT}, '"nope"'),
        ({"environment": "development", "projects": "x", "context": CONTEXT}, "projects"),
        ({"environment": "development", "projects": [1], "context": CONTEXT}, "projects"),
        ({"environment": "development", "projects": ["nope"], "context": CONTEXT}, '"nope"'),
        (
            {"environment": "development", "projects": ["p" * 101], "context": CONTEXT},
            "projects",
        ),
        (
            {"environment": "development", "context": {**CONTEXT, "userId": {"id": 1}}},
            "userId",
        ),
        ({"environment": "development", "context": {**CONTEXT, "other": [1]}}, "other"),
        ({"environment": "development", "context": {**CONTEXT, "properties": "x"}}, "properties"),
        (
            {"environment": "development", "context": {**CONTEXT, "properties": {"a": {}}}},
            "properties/a",
        ),
        (
            {"environment": "development", "context": {**CONTEXT, "currentTime": "garbage"}},
            "date-time",
        ),
        (
            {"environment": "development", "context": {**CONTEXT, "currentTime": "2024-01-01"}},
            "date-time",
        ),
        ({"environment": "development", "context": {"appName": "nul\x00"}}, "NUL"),
    ],
)
def test_playground__bad_body__400(
    admin_client: TestClient, body: dict[str, Any], fragment: str
) -> None:
    assert_error(admin_client.post(PLAYGROUND, json=body), 400, fragment)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"context": CONTEXT}, "environments"),
        ({"environments": [], "context": CONTEXT}, "environments"),
        ({"environments": "development", "context": CONTEXT}, "environments"),
        ({"environments": ["has space"], "context": CONTEXT}, "environments"),
        ({"environments": ["development", "nope"], "context": CONTEXT}, '"nope"'),
        ({"environments": ["development"]}, "context"),
        ({"environments": ["development"], "context": {"userId": "1"}}, "appName"),
        ({"environments": ["development"], "projects": ["nope"], "context": CONTEXT}, '"nope"'),
        (
            {"environments": ["development"], "context": {**CONTEXT, "userId": ["1"]}},
            "userId",
        ),
        (
            {"environments": ["development"], "context": {**CONTEXT, "currentTime": "a,b"}},
            "date-time",
        ),
    ],
)
def test_advanced__bad_body__400(
    admin_client: TestClient, body: dict[str, Any], fragment: str
) -> None:
    assert_error(admin_client.post(ADVANCED, json=body), 400, fragment)


def test_current_time__valid__accepted(admin_client: TestClient) -> None:
    body = {
        "environment": "development",
        "context": {**CONTEXT, "currentTime": "2024-07-05T12:56:41+02:00"},
    }
    assert admin_client.post(PLAYGROUND, json=body).status_code == 200
    advanced = {
        "environments": ["development"],
        "context": {**CONTEXT, "currentTime": "2024-07-05T12:56:41Z,2025-01-01T00:00:00Z"},
    }
    assert admin_client.post(ADVANCED, json=advanced).status_code == 200


def test_not_json__400(admin_client: TestClient) -> None:
    response = admin_client.post(
        PLAYGROUND, content=b"{", headers={"content-type": "application/json"}
    )
    assert_error(response, 400)
