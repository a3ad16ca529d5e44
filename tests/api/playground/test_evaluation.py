"""POST /api/admin/playground: what each flag gives a context, and why, as Unleash shows it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from yggdrasil_engine.engine import UnleashEngine  # type: ignore[import-untyped]

from flagstaff.http.context import AppContext
from tests.api.flags.support import (
    add_strategy,
    create_flag,
    make_project,
    seed_environment_variants,
)
from tests.api.playground.support import PLAYGROUND, play, turn_on

TIER_GOLD = {"contextName": "tier", "operator": "IN", "values": ["gold"]}


def _strategy_results(flag: dict[str, Any]) -> list[Any]:
    return [s["result"]["enabled"] for s in flag["strategies"]["data"]]


def test_answer__echoes_input_and_has_unleash_shape(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    strategy = add_strategy(admin_client, "checkout", constraints=[TIER_GOLD])
    turn_on(admin_client, "checkout")
    body = {
        "environment": "development",
        "projects": "*",
        "context": {"appName": "web", "userId": "7", "properties": {"tier": "gold"}},
    }
    response = admin_client.post(PLAYGROUND, json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["input"] == body
    [flag] = [f for f in answer["features"] if f["name"] == "checkout"]
    assert flag == {
        "isEnabled": True,
        "isEnabledInCurrentEnvironment": True,
        "hasUnsatisfiedDependency": False,
        "variant": {
            "feature_enabled": True,
            "featureEnabled": True,
            "name": "disabled",
            "enabled": False,
        },
        "variants": [],
        "name": "checkout",
        "projectId": "default",
        "strategies": {
            "result": True,
            "data": [
                {
                    "name": "default",
                    "id": strategy["id"],
                    "disabled": False,
                    "parameters": {},
                    "result": {"enabled": True, "evaluationStatus": "complete"},
                    "constraints": [{**TIER_GOLD, "result": True}],
                    "segments": [],
                    "links": {
                        "edit": "/projects/default/features/checkout/strategies/edit"
                        f"?environmentId=development&strategyId={strategy['id']}"
                    },
                }
            ],
        },
    }


def test_constraints__decide_per_context(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", constraints=[TIER_GOLD])
    turn_on(admin_client, "checkout")
    silver = play(admin_client, properties={"tier": "silver"})["checkout"]
    assert silver["isEnabled"] is False
    assert silver["strategies"]["result"] is False
    assert silver["strategies"]["data"][0]["constraints"][0]["result"] is False
    assert silver["variant"] == {"name": "disabled", "enabled": False, "feature_enabled": False}
    # A custom field given at the top level counts as a property, as in Unleash.
    assert play(admin_client, tier="gold")["checkout"]["isEnabled"] is True


def test_flag_off_in_environment__strategies_still_shown(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", constraints=[TIER_GOLD])
    flag = play(admin_client, properties={"tier": "gold"})["checkout"]
    assert (flag["isEnabled"], flag["isEnabledInCurrentEnvironment"]) == (False, False)
    assert flag["strategies"]["result"] is True


def test_disabled_strategy__unevaluated_but_constraints_checked(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", disabled=True, constraints=[TIER_GOLD])
    turn_on(admin_client, "checkout")
    flag = play(admin_client, properties={"tier": "gold"})["checkout"]
    [strategy] = flag["strategies"]["data"]
    assert strategy["disabled"] is True
    assert strategy["result"] == {"enabled": "unknown", "evaluationStatus": "unevaluated"}
    assert strategy["constraints"][0]["result"] is True
    assert flag["strategies"]["result"] == "unknown"


def test_custom_strategy__incomplete_and_unknown(admin_client: TestClient) -> None:
    definition = admin_client.post(
        "/api/admin/strategies", json={"name": "byRegion", "parameters": []}
    )
    assert definition.status_code == 201, definition.text
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", name="byRegion", constraints=[TIER_GOLD])
    turn_on(admin_client, "checkout")
    gold = play(admin_client, properties={"tier": "gold"})["checkout"]
    assert gold["strategies"]["data"][0]["result"] == {
        "enabled": "unknown",
        "evaluationStatus": "incomplete",
    }
    assert gold["strategies"]["result"] == "unknown"
    assert gold["isEnabled"] is False
    silver = play(admin_client, properties={"tier": "silver"})["checkout"]
    assert silver["strategies"]["data"][0]["result"]["enabled"] is False


def test_no_strategies__result_is_the_environment_state(admin_client: TestClient) -> None:
    create_flag(admin_client, "bare")
    assert play(admin_client)["bare"]["strategies"] == {"result": False, "data": []}


def test_rollout__each_strategy_result_matches_the_engine_on_the_client_payload(
    admin_client: TestClient,
) -> None:
    create_flag(admin_client, "half")
    add_strategy(
        admin_client,
        "half",
        name="flexibleRollout",
        parameters={"rollout": "50", "stickiness": "userId", "groupId": "half"},
    )
    turn_on(admin_client, "half")
    token = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": "sdk", "type": "client", "environment": "development"},
    ).json()["secret"]
    payload = admin_client.get("/api/client/features", headers={"Authorization": token})
    engine = UnleashEngine()
    engine.take_state(payload.text)
    seen = set()
    for user in range(40):
        flag = play(admin_client, userId=str(user))["half"]
        expected = engine.check_enabled("half", {"userId": str(user)}).is_enabled
        assert flag["isEnabled"] is expected
        assert _strategy_results(flag) == [expected]
        seen.add(expected)
    assert seen == {True, False}


def test_variants__flag_and_strategy(admin_client: TestClient) -> None:
    create_flag(admin_client, "colour")
    variant = {"name": "blue", "weight": 1000, "weightType": "variable", "stickiness": "default"}
    seed_environment_variants(admin_client, "colour", [variant])
    add_strategy(admin_client, "colour")
    turn_on(admin_client, "colour")
    flag = play(admin_client, userId="1")["colour"]
    assert flag["variant"]["name"] == "blue"
    assert flag["variant"]["featureEnabled"] is True
    assert [v["name"] for v in flag["variants"]] == ["blue"]

    create_flag(admin_client, "shape")
    square = {
        "name": "square",
        "weight": 1000,
        "weightType": "variable",
        "stickiness": "default",
        "payload": {"type": "string", "value": "x"},
    }
    add_strategy(
        admin_client,
        "shape",
        name="flexibleRollout",
        parameters={"rollout": "100", "stickiness": "default", "groupId": "shape"},
        variants=[square],
    )
    turn_on(admin_client, "shape")
    shape = play(admin_client, userId="1")["shape"]
    # As Unleash: a strategy's variant is shown without featureEnabled.
    payload = {"type": "string", "value": "x"}
    assert shape["variant"] == {
        "name": "square",
        "enabled": True,
        "payload": payload,
        "feature_enabled": True,
    }
    result = shape["strategies"]["data"][0]["result"]
    assert result["variant"] == {"name": "square", "enabled": True, "payload": payload}
    assert [v["name"] for v in result["variants"]] == ["square"]
    assert [v["name"] for v in shape["variants"]] == ["square"]


def test_segments__result_and_constraints(admin_client: TestClient) -> None:
    segment = admin_client.post(
        "/api/admin/segments", json={"name": "gold-tier", "constraints": [TIER_GOLD]}
    ).json()
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", segments=[segment["id"]])
    turn_on(admin_client, "checkout")
    for tier, expected in (("gold", True), ("silver", False)):
        flag = play(admin_client, properties={"tier": tier})["checkout"]
        [shown] = flag["strategies"]["data"][0]["segments"]
        assert shown == {
            "id": segment["id"],
            "name": "gold-tier",
            "result": expected,
            "constraints": [{**TIER_GOLD, "result": expected}],
        }
        assert flag["isEnabled"] is expected


def test_dependencies__unsatisfied_when_parent_off(admin_client: TestClient) -> None:
    create_flag(admin_client, "parent")
    create_flag(admin_client, "child")
    response = admin_client.post(
        "/api/admin/projects/default/features/child/dependencies", json={"feature": "parent"}
    )
    assert response.status_code == 200, response.text
    turn_on(admin_client, "child")
    child = play(admin_client)["child"]
    assert (child["isEnabled"], child["hasUnsatisfiedDependency"]) == (False, True)
    turn_on(admin_client, "parent")
    child = play(admin_client)["child"]
    assert (child["isEnabled"], child["hasUnsatisfiedDependency"]) == (True, False)
    assert play(admin_client)["parent"]["hasUnsatisfiedDependency"] is False


def test_projects__filter(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "shop")
    create_flag(admin_client, "in-default")
    create_flag(admin_client, "in-shop", project="shop")
    assert set(play(admin_client, projects=["shop"])) == {"in-shop"}
    assert {"in-default", "in-shop"} <= set(play(admin_client, projects="*"))
    assert {"in-default", "in-shop"} <= set(play(admin_client))
    assert play(admin_client, projects=[]) == {}


def test_change__seen_at_once(admin_client: TestClient) -> None:
    create_flag(admin_client, "quick")
    add_strategy(admin_client, "quick")
    assert play(admin_client)["quick"]["isEnabled"] is False
    turn_on(admin_client, "quick")
    assert play(admin_client)["quick"]["isEnabled"] is True
    archived = admin_client.delete("/api/admin/projects/default/features/quick")
    assert archived.status_code == 202, archived.text
    assert "quick" not in play(admin_client)
