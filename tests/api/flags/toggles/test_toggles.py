"""A flag per environment: switching on and off, and variants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    env_url,
    events,
    features_url,
    make_caller,
    seed_environment_variants,
    snapshot,
)

VARIANTS: list[dict[str, Any]] = [
    {"name": "variant1", "weight": 1, "stickiness": "default", "weightType": "variable"},
    {"name": "variant2", "weight": 49, "overrides": [{"contextName": "userId", "values": ["1"]}]},
    {"name": "variant3", "weight": 50, "payload": {"type": "string", "value": "val3"}},
]


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


def test_on__without_strategies__default_rollout_added_and_enabled(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    assert admin_client.post(env_url(flag) + "/on").status_code == 200
    environment = admin_client.get(env_url(flag)).json()
    assert environment["enabled"] is True
    [strategy] = environment["strategies"]
    assert strategy["name"] == "flexibleRollout"
    assert strategy["parameters"] == {"rollout": "100", "stickiness": "default", "groupId": "f"}
    types = [e.type for e in events(context)][-2:]
    assert types == ["feature-strategy-add", "feature-environment-enabled"]
    [enabled] = events(context, "feature-environment-enabled")
    assert (enabled.project, enabled.environment, enabled.feature_name) == (
        "default",
        "development",
        "f",
    )


def test_on__with_strategies__kept_as_they_are(admin_client: TestClient, flag: str) -> None:
    strategy = add_strategy(admin_client, flag)
    admin_client.post(env_url(flag) + "/on")
    assert admin_client.get(env_url(flag)).json()["strategies"] == [
        {**strategy, "featureName": "f"}
    ]


def test_off__enabled__disabled_with_event_and_twice_is_quiet(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(env_url(flag) + "/on")
    assert admin_client.post(env_url(flag) + "/off").status_code == 200
    assert admin_client.post(env_url(flag) + "/off").status_code == 200
    assert admin_client.get(env_url(flag)).json()["enabled"] is False
    assert len(events(context, "feature-environment-disabled")) == 1


def test_on__only_that_environment(admin_client: TestClient, flag: str) -> None:
    admin_client.post(env_url(flag, "production") + "/on")
    flag_body = admin_client.get(features_url("default", flag)).json()
    assert [(e["name"], e["enabled"]) for e in flag_body["environments"]] == [
        ("development", False),
        ("production", True),
    ]


def test_on__unknown_flag_environment_or_project__404(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(env_url("nope") + "/on"), 404, "nope")
    assert_error(admin_client.post(env_url(flag, "mars") + "/on"), 404, "mars")
    assert_error(admin_client.post(env_url(flag, project="nope") + "/on"), 404, "nope")
    assert snapshot(context) == before


def test_environment_variants__put_get_patch(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    seed_environment_variants(admin_client, flag, VARIANTS[:1], env="production")
    url = env_url(flag) + "/variants"
    response = admin_client.put(url, json=VARIANTS)
    assert response.status_code == 200, response.text
    assert response.json() == {"version": 1, "variants": VARIANTS}
    assert admin_client.get(url).json()["variants"] == VARIANTS
    # Weights are kept as given: SDKs divide by the sum.
    patched = admin_client.patch(url, json=[{"op": "remove", "path": "/0"}])
    assert patched.status_code == 200, patched.text
    assert [v["name"] for v in patched.json()["variants"]] == ["variant2", "variant3"]
    assert (
        admin_client.get(env_url(flag, "production") + "/variants").json()["variants"]
        == (VARIANTS[:1])
    )
    [first, second] = events(context, "feature-environment-variants-updated")
    assert (first.environment, first.feature_name) == ("development", "f")
    assert second.pre_data["variants"] == VARIANTS


@pytest.mark.parametrize(
    ("variants", "fragment"),
    [
        ([{"name": "a", "weight": -1}], "weight"),
        ([{"name": "a", "weight": "1"}], "weight"),
        ([{"weight": 1}], "name"),
        (
            [
                {"name": "a", "weight": 600, "weightType": "fix"},
                {"name": "b", "weight": 500, "weightType": "fix"},
            ],
            "1000",
        ),
        ([{"name": "a", "weight": 1, "payload": {"type": "json"}}], "value"),
        (
            [{"name": "a", "weight": 1, "overrides": [{"contextName": "u", "values": [1]}]}],
            "values",
        ),
    ],
)
def test_environment_variants__invalid__400_unchanged(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    variants: list[dict[str, Any]],
    fragment: str,
) -> None:
    seed_environment_variants(admin_client, flag, VARIANTS[:1])
    before = snapshot(context)
    response = admin_client.put(env_url(flag) + "/variants", json=variants)
    assert_error(response, 400, fragment)
    assert snapshot(context) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_environment_variants__flag_without_any__403_deprecated_unchanged(
    admin_client: TestClient, context: AppContext, flag: str, method: str
) -> None:
    """Unleash 8 refuses new environment variants (strategy variants replace them), with
    this 403; the flag stays as it was."""
    body: list[dict[str, Any]] = (
        VARIANTS if method == "PUT" else [{"op": "add", "path": "/0", "value": VARIANTS[0]}]
    )
    before = snapshot(context)

    response = admin_client.request(method, env_url(flag) + "/variants", json=body)

    assert_error(response, 403, "Environment variants deprecated for feature: f.")
    assert response.json()["name"] == "InvalidOperationError"
    assert response.json()["message"] == (
        "Environment variants deprecated for feature: f. Use strategy variants instead."
    )
    assert snapshot(context) == before


def test_environment_variants__unknown_flag__404_before_the_refusal(
    admin_client: TestClient,
) -> None:
    assert_error(admin_client.put(env_url("nope") + "/variants", json=VARIANTS), 404, "nope")


def test_environment_variants__unknown_environment__404(
    admin_client: TestClient, flag: str
) -> None:
    assert_error(admin_client.put(env_url(flag, "mars") + "/variants", json=[]), 404)


def test_feature_variants__legacy_put__every_environment(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    url = features_url("default", flag, "variants")
    response = admin_client.put(url, json=VARIANTS[:1])
    assert response.status_code == 200, response.text
    for env in ("development", "production"):
        assert admin_client.get(env_url(flag, env) + "/variants").json()["variants"] == VARIANTS[:1]
    assert admin_client.get(url).json()["variants"] == VARIANTS[:1]
    patched = admin_client.patch(url, json=[{"op": "add", "path": "/-", "value": VARIANTS[2]}])
    assert [v["name"] for v in patched.json()["variants"]] == ["variant1", "variant3"]
    assert len(events(context, "feature-variants-updated")) == 2


def test_variants_batch__chosen_environments_only(admin_client: TestClient, flag: str) -> None:
    response = admin_client.put(
        features_url("default", flag, "variants-batch"),
        json={"variants": VARIANTS[:1], "environments": ["production"]},
    )
    assert response.status_code == 200, response.text
    assert admin_client.get(env_url(flag, "production") + "/variants").json()["variants"]
    assert admin_client.get(env_url(flag) + "/variants").json()["variants"] == []


def test_get_feature_environment__unknown__404(admin_client: TestClient, flag: str) -> None:
    assert_error(admin_client.get(env_url(flag, "mars")), 404, "mars")


def test_on__project_default_strategy__used_with_flag_group(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    response = admin_client.post(
        "/api/admin/projects/default/environments/development/default-strategy",
        json={
            "name": "flexibleRollout",
            "parameters": {"rollout": "25", "stickiness": "userId"},
            "constraints": [{"contextName": "appName", "operator": "IN", "values": ["web"]}],
        },
    )
    assert response.status_code == 200, response.text
    admin_client.post(env_url(flag) + "/on")
    [strategy] = admin_client.get(env_url(flag)).json()["strategies"]
    assert strategy["parameters"] == {"rollout": "25", "stickiness": "userId", "groupId": "f"}
    assert strategy["constraints"] == [
        {"contextName": "appName", "operator": "IN", "values": ["web"]}
    ]
    assert len(events(context, "default-strategy-updated")) == 1


def test_default_strategy__invalid__400_and_viewer__403(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    url = "/api/admin/projects/default/environments/development/default-strategy"
    bad = {
        "name": "default",
        "constraints": [{"contextName": "v", "operator": "SEMVER_EQ", "value": "x"}],
    }
    assert_error(admin_client.post(url, json=bad), 400, "semantic version")
    viewer = make_caller(context, new_client, "Viewer")
    assert_error(viewer.client.post(url, json={"name": "default"}), 403)
