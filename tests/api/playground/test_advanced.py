"""POST /api/admin/playground/advanced: several environments, every combination of the
comma-separated context values, and a limit on how many evaluations one request may ask for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import add_strategy, assert_error, create_flag, snapshot
from tests.api.playground.support import ADVANCED, turn_on

TIER_GOLD = {"contextName": "tier", "operator": "IN", "values": ["gold"]}


def advanced(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(ADVANCED, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_cartesian_product_per_environment(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    add_strategy(admin_client, "checkout", constraints=[TIER_GOLD])
    turn_on(admin_client, "checkout")
    body = {
        "environments": ["development", "production"],
        "projects": ["default"],
        "context": {"appName": "web", "userId": "1,2", "properties": {"tier": "gold,silver"}},
    }
    answer = advanced(admin_client, **body)
    assert answer["input"] == body
    assert "warnings" not in answer
    [flag] = answer["features"]
    assert (flag["name"], flag["projectId"]) == ("checkout", "default")
    assert set(flag["environments"]) == {"development", "production"}
    development = flag["environments"]["development"]
    assert [(r["context"]["userId"], r["context"]["tier"]) for r in development] == [
        ("1", "gold"),
        ("1", "silver"),
        ("2", "gold"),
        ("2", "silver"),
    ]
    assert all(r["context"]["appName"] == "web" for r in development)
    assert [r["isEnabled"] for r in development] == [True, False, True, False]
    assert {r["environment"] for r in development} == {"development"}
    production = flag["environments"]["production"]
    assert len(production) == 4
    assert not any(r["isEnabled"] for r in production)
    assert all(r["isEnabledInCurrentEnvironment"] is False for r in production)
    edit = development[0]["strategies"]["data"][0]["links"]["edit"]
    assert "environmentId=development" in edit


def test_non_string_context_values__dropped_with_a_warning(admin_client: TestClient) -> None:
    create_flag(admin_client, "checkout")
    answer = advanced(
        admin_client,
        environments=["development"],
        context={"appName": "web", "nested": {"a": 1}, "listed": [1], "userId": 5},
    )
    assert answer["warnings"] == {"invalidContextProperties": ["nested", "listed"]}
    [result] = answer["features"][0]["environments"]["development"]
    assert result["context"] == {"userId": "5", "appName": "web"}


def test_limit__too_many_combinations__400_names_the_counts(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "one")
    create_flag(admin_client, "two")
    users = ",".join(str(i) for i in range(100))
    sessions = ",".join(str(i) for i in range(100))
    before = snapshot(context)
    response = admin_client.post(
        ADVANCED,
        json={
            "environments": ["development"],
            "context": {"appName": "web", "userId": users, "sessionId": sessions},
        },
    )
    assert_error(response, 400, "20000 combinations exceeding 15000", "(10000)")
    assert snapshot(context) == before


def test_limit__huge_product_refused_before_expanding(admin_client: TestClient) -> None:
    many = ",".join("x" * 1 for _ in range(1000))
    response = admin_client.post(
        ADVANCED,
        json={
            "environments": ["development"],
            "context": {"appName": "web", "userId": many, "sessionId": many, "tier": many},
        },
    )
    assert_error(response, 400, "exceeding 15000")


def test_within_limit__answers(admin_client: TestClient) -> None:
    create_flag(admin_client, "one")
    users = ",".join(str(i) for i in range(50))
    answer = advanced(
        admin_client,
        environments=["development", "production"],
        context={"appName": "web", "userId": users},
    )
    [flag] = [f for f in answer["features"] if f["name"] == "one"]
    assert len(flag["environments"]["development"]) == 50
