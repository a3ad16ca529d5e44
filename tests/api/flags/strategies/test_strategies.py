"""A flag's strategies per environment: CRUD, sort order, constraints, variants, segments."""

from __future__ import annotations

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
    make_project,
    snapshot,
)

ALL_OPERATORS: list[dict[str, Any]] = [
    {"contextName": "userId", "operator": "IN", "values": ["1", "2"]},
    {"contextName": "userId", "operator": "NOT_IN", "values": []},
    {"contextName": "email", "operator": "STR_CONTAINS", "values": ["@"], "caseInsensitive": True},
    {"contextName": "email", "operator": "STR_STARTS_WITH", "values": ["a"]},
    {"contextName": "email", "operator": "STR_ENDS_WITH", "values": [".com"], "inverted": True},
    {"contextName": "age", "operator": "NUM_EQ", "value": "12"},
    {"contextName": "age", "operator": "NUM_GT", "value": "12.5"},
    {"contextName": "age", "operator": "NUM_GTE", "value": "-3"},
    {"contextName": "age", "operator": "NUM_LT", "value": "1e3"},
    {"contextName": "age", "operator": "NUM_LTE", "value": "0"},
    {"contextName": "currentTime", "operator": "DATE_AFTER", "value": "2022-01-29T13:00:00.000Z"},
    {"contextName": "currentTime", "operator": "DATE_BEFORE", "value": "2022-01-22T13:00:00+02:00"},
    {"contextName": "version", "operator": "SEMVER_EQ", "value": "1.2.2"},
    {"contextName": "version", "operator": "SEMVER_GT", "value": "2.0.0-alpha.1"},
    {"contextName": "version", "operator": "SEMVER_LT", "value": "2.0.0-rc"},
    {"contextName": "version", "operator": "SEMVER_GTE", "value": "1.0.0+build.5"},
    {"contextName": "version", "operator": "SEMVER_LTE", "value": "10.20.30"},
    {"contextName": "userId", "operator": "REGEX", "value": "^[[:alpha:]]+$"},
    {"contextName": "userId", "operator": "REGEX", "value": "^(?i)abc$"},
    {"contextName": "remoteAddress", "operator": "IN_CIDR", "values": ["10.0.0.0/8", "bad::cidr"]},
]


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


def strategies_url(env: str = "development", feature: str = "f", project: str = "default") -> str:
    return env_url(feature, env, project) + "/strategies"


def test_add_strategy__full__200_stored_as_given_with_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    segment = admin_client.post("/api/admin/segments", json={"name": "s", "constraints": []})
    body = {
        "name": "flexibleRollout",
        "title": "Half",
        "parameters": {"rollout": "50", "stickiness": "userId", "groupId": "f"},
        "constraints": [ALL_OPERATORS[0]],
        "variants": [
            {"name": "blue", "weight": 1, "stickiness": "default", "weightType": "variable"},
            {"name": "red", "weight": 1, "payload": {"type": "json", "value": "{}"}},
        ],
        "segments": [segment.json()["id"]],
    }
    response = admin_client.post(strategies_url(), json=body)
    assert response.status_code == 200, response.text
    strategy = response.json()
    assert strategy["name"] == "flexibleRollout"
    assert strategy["title"] == "Half"
    assert strategy["parameters"] == body["parameters"]
    assert strategy["constraints"] == body["constraints"]
    assert strategy["variants"] == body["variants"]
    assert strategy["segments"] == [segment.json()["id"]]
    assert (strategy["sortOrder"], strategy["disabled"]) == (0, False)
    [event] = events(context, "feature-strategy-add")
    assert (event.project, event.environment, event.feature_name) == (
        "default",
        "development",
        "f",
    )
    assert event.data["id"] == strategy["id"]
    assert admin_client.get(strategies_url()).json() == [strategy]


def test_add_strategy__every_client_spec_operator__accepted(
    admin_client: TestClient, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag, constraints=ALL_OPERATORS)
    assert strategy["constraints"][0] == ALL_OPERATORS[0]
    assert [c["operator"] for c in strategy["constraints"]] == [
        c["operator"] for c in ALL_OPERATORS
    ]


def test_add_strategy__multi_value_without_values__stored_with_empty_list(
    admin_client: TestClient, flag: str
) -> None:
    strategy = add_strategy(
        admin_client, flag, constraints=[{"contextName": "userId", "operator": "IN"}]
    )
    assert strategy["constraints"] == [{"contextName": "userId", "operator": "IN", "values": []}]


def test_add_strategy__legacy_built_ins__accepted(admin_client: TestClient, flag: str) -> None:
    for name, parameters in [
        ("userWithId", {"userIds": "1,2"}),
        ("gradualRolloutUserId", {"percentage": "50", "groupId": "g"}),
        ("gradualRolloutSessionId", {"percentage": "50", "groupId": "g"}),
        ("gradualRolloutRandom", {"percentage": "50"}),
        ("remoteAddress", {"IPs": "10.0.0.1"}),
        ("applicationHostname", {"hostNames": "web-1"}),
    ]:
        assert add_strategy(admin_client, flag, name=name, parameters=parameters)["name"] == name


@pytest.mark.parametrize(
    ("constraint", "fragment"),
    [
        ({"contextName": "x", "operator": "NOT_A_VALID_OPERATOR", "values": ["a"]}, "operator"),
        ({"contextName": "v", "operator": "SEMVER_EQ", "value": "v2.0.0"}, "semantic version"),
        ({"contextName": "v", "operator": "SEMVER_GT", "value": "1.2"}, "semantic version"),
        ({"contextName": "u", "operator": "REGEX", "value": "(regex"}, "regular expression"),
        ({"contextName": "u", "operator": "REGEX", "value": "^(?=a)b$"}, "look-around"),
        ({"contextName": "u", "operator": "REGEX", "value": "^(a)\\1$"}, "back-reference"),
        ({"contextName": "n", "operator": "NUM_EQ", "value": "twelve"}, "number"),
        ({"contextName": "n", "operator": "NUM_GT"}, "value"),
        ({"contextName": "d", "operator": "DATE_AFTER", "value": "yesterday"}, "date"),
        ({"contextName": "", "operator": "IN", "values": []}, "contextName"),
        ({"operator": "IN", "values": []}, "contextName"),
        ({"contextName": "u"}, "operator"),
        ({"contextName": "u", "operator": "IN", "values": [1]}, "values"),
        ({"contextName": "u", "operator": "IN", "values": "a"}, "values"),
        ({"contextName": "u", "operator": "IN", "values": [], "inverted": "yes"}, "inverted"),
        ({"contextName": "n", "operator": "NUM_EQ", "value": 12}, "value"),
    ],
)
def test_add_strategy__invalid_constraint__400_naming_it_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    constraint: dict[str, Any],
    fragment: str,
) -> None:
    before = snapshot(context)
    response = admin_client.post(
        strategies_url(), json={"name": "default", "constraints": [constraint]}
    )
    assert_error(response, 400, fragment)
    assert snapshot(context) == before


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 400, "name"),
        ({"name": 1}, 400, "name"),
        ({"name": "nosuch"}, 400, "nosuch"),
        ({"name": "default", "parameters": {"rollout": 50}}, 400, "parameters"),
        ({"name": "default", "parameters": []}, 400, "parameters"),
        ({"name": "default", "segments": [-1]}, 400, "segments"),
        ({"name": "default", "segments": [2**31]}, 400, "segments"),
        ({"name": "default", "segments": ["1"]}, 400, "segments"),
        ({"name": "default", "sortOrder": "1"}, 400, "sortOrder"),
        ({"name": "default", "title": "t" * 256}, 400, "title"),
        ({"name": "default", "variants": [{"name": "a"}]}, 400, "weight"),
        ({"name": "default", "variants": [{"name": "a", "weight": 1001}]}, 400, "1000"),
        (
            {
                "name": "default",
                "variants": [{"name": "a", "weight": 1}, {"name": "a", "weight": 1}],
            },
            400,
            "unique",
        ),
        (
            {"name": "default", "variants": [{"name": "a", "weight": 1, "weightType": "heavy"}]},
            400,
            "weightType",
        ),
        (
            {
                "name": "default",
                "variants": [{"name": "a", "weight": 1, "payload": {"type": "xml", "value": ""}}],
            },
            400,
            "payload",
        ),
        (
            {
                "name": "default",
                "variants": [
                    {"name": "a", "weight": 1, "overrides": [{"contextName": "u", "values": []}]}
                ],
            },
            400,
            "overrides",
        ),
    ],
)
def test_add_strategy__bad_body__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    flag: str,
    body: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(strategies_url(), json=body), status, fragment)
    assert snapshot(context) == before


def test_add_strategy__unknown_flag__404(admin_client: TestClient) -> None:
    response = admin_client.post(strategies_url(feature="nope"), json={"name": "default"})
    assert_error(response, 404, "nope")


def test_add_strategy__unknown_project__404(admin_client: TestClient) -> None:
    response = admin_client.post(strategies_url(project="nope"), json={"name": "default"})
    assert_error(response, 404, "nope")


def test_add_strategy__environment_not_in_project__400_as_unleash(
    admin_client: TestClient, flag: str
) -> None:
    admin_client.delete("/api/admin/projects/default/environments/production")
    response = admin_client.post(strategies_url("production"), json={"name": "default"})
    assert_error(response, 400, "not added the current environment")
    response = admin_client.post(strategies_url("mars"), json={"name": "default"})
    assert_error(response, 400, "not added the current environment")


def test_add_strategy__not_json__415(admin_client: TestClient, flag: str) -> None:
    response = admin_client.post(
        strategies_url(), content="name=default", headers={"content-type": "text/plain"}
    )
    assert_error(response, 415)


def test_list_strategies__unknown_environment__404(admin_client: TestClient, flag: str) -> None:
    assert_error(admin_client.get(strategies_url("mars")), 404, "mars")


def test_strategies__sort_order__defaults_to_next_and_can_be_set(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    first = add_strategy(admin_client, flag)
    second = add_strategy(admin_client, flag, name="userWithId", parameters={"userIds": "1"})
    assert (first["sortOrder"], second["sortOrder"]) == (0, 1)
    response = admin_client.post(
        strategies_url() + "/set-sort-order",
        json=[{"id": first["id"], "sortOrder": 5}, {"id": second["id"], "sortOrder": 2}],
    )
    assert response.status_code == 200, response.text
    assert [s["id"] for s in admin_client.get(strategies_url()).json()] == [
        second["id"],
        first["id"],
    ]
    [event] = events(context, "strategy-order-changed")
    assert event.feature_name == "f"


def test_strategies__sort_order_unknown_id__404_unchanged(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    first = add_strategy(admin_client, flag)
    before = snapshot(context)
    response = admin_client.post(
        strategies_url() + "/set-sort-order",
        json=[{"id": first["id"], "sortOrder": 9}, {"id": "nope", "sortOrder": 1}],
    )
    assert_error(response, 404, "nope")
    assert snapshot(context) == before
    assert admin_client.get(strategies_url()).json()[0]["sortOrder"] == 0


def test_update_strategy__put__replaced_with_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag)
    response = admin_client.put(
        f"{strategies_url()}/{strategy['id']}",
        json={
            "name": "flexibleRollout",
            "parameters": {"rollout": "10", "stickiness": "default", "groupId": "f"},
            "constraints": [ALL_OPERATORS[12]],
            "disabled": True,
        },
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["disabled"], updated["constraints"]) == (
        "flexibleRollout",
        True,
        [ALL_OPERATORS[12]],
    )
    [event] = events(context, "feature-strategy-update")
    assert (event.pre_data["name"], event.data["name"]) == ("default", "flexibleRollout")


def test_update_strategy__invalid_regex__400_unchanged(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag)
    before = snapshot(context)
    response = admin_client.put(
        f"{strategies_url()}/{strategy['id']}",
        json={
            "name": "default",
            "constraints": [{"contextName": "u", "operator": "REGEX", "value": "[a-"}],
        },
    )
    assert_error(response, 400, "regular expression")
    assert snapshot(context) == before


def test_patch_strategy__json_patch__applied_and_checked(
    admin_client: TestClient, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag)
    url = f"{strategies_url()}/{strategy['id']}"
    response = admin_client.patch(
        url,
        json=[
            {"op": "replace", "path": "/title", "value": "Everyone"},
            {"op": "add", "path": "/constraints/-", "value": ALL_OPERATORS[0]},
        ],
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Everyone"
    assert response.json()["constraints"] == [ALL_OPERATORS[0]]
    bad = admin_client.patch(
        url,
        json=[{"op": "add", "path": "/constraints/-", "value": {"contextName": "x"}}],
    )
    assert_error(bad, 400, "operator")


def test_strategy__unknown_id__404(admin_client: TestClient, flag: str) -> None:
    url = f"{strategies_url()}/nope"
    assert_error(admin_client.get(url), 404, "nope")
    assert_error(admin_client.put(url, json={"name": "default"}), 404)
    assert_error(admin_client.delete(url), 404)


def test_strategy__id_of_other_environment__404(admin_client: TestClient, flag: str) -> None:
    strategy = add_strategy(admin_client, flag, "production")
    assert_error(admin_client.get(f"{strategies_url()}/{strategy['id']}"), 404)


def test_delete_strategy__last_one__environment_switched_off(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    strategy = add_strategy(admin_client, flag)
    admin_client.post(env_url(flag) + "/on")
    assert admin_client.delete(f"{strategies_url()}/{strategy['id']}").status_code == 200
    environment = admin_client.get(env_url(flag)).json()
    assert (environment["enabled"], environment["strategies"]) == (False, [])
    types = [e.type for e in events(context)][-2:]
    assert types == ["feature-strategy-remove", "feature-environment-disabled"]


def test_strategy__in_other_project_path__404(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    make_project(context, "checkout")
    strategy = add_strategy(admin_client, flag)
    url = f"{strategies_url(project='checkout')}/{strategy['id']}"
    assert_error(admin_client.get(url), 404)


def test_update_strategy__segments_not_sent__kept_sent_empty__cleared(
    admin_client: TestClient, flag: str
) -> None:
    segment = admin_client.post("/api/admin/segments", json={"name": "s", "constraints": []})
    strategy = add_strategy(admin_client, flag, segments=[segment.json()["id"]])
    url = f"{strategies_url()}/{strategy['id']}"
    kept = admin_client.put(url, json={"name": "default", "title": "t"})
    assert kept.json()["segments"] == [segment.json()["id"]]
    cleared = admin_client.put(url, json={"name": "default", "segments": []})
    assert cleared.json()["segments"] == []
