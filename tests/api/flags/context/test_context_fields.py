"""/api/admin/context: shapes, changes and their events, as Unleash answers them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.context.support import CONTEXT, create_field, get_field
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    events,
    features_url,
    make_project,
    snapshot,
)

GOLD = {"value": "gold", "description": "Paying"}


def test_list__sorted_by_name_with_usage(admin_client: TestClient) -> None:
    create_field(admin_client, "zone")
    create_field(admin_client, "alpha")
    fields = admin_client.get(CONTEXT).json()
    names = [f["name"] for f in fields]
    assert names == sorted(names)
    assert {"alpha", "zone"} <= set(names)
    zone = next(f for f in fields if f["name"] == "zone")
    assert set(zone) == {
        "name",
        "description",
        "stickiness",
        "sortOrder",
        "legalValues",
        "createdAt",
        "usedInProjects",
        "usedInFeatures",
    }
    assert (zone["usedInProjects"], zone["usedInFeatures"]) == (0, 0)


def test_create__201_shape_location_and_event(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(
        CONTEXT,
        json={
            "name": "tier",
            "description": "Subscription",
            "stickiness": True,
            "sortOrder": 5,
            "legalValues": [GOLD, {"value": "silver"}],
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "context/tier"
    body = response.json()
    assert body == {
        "name": "tier",
        "description": "Subscription",
        "stickiness": True,
        "sortOrder": 5,
        "legalValues": [GOLD, {"value": "silver"}],
        "createdAt": body["createdAt"],
    }
    assert body["createdAt"].endswith("Z")
    assert get_field(admin_client, "tier") == body
    [event] = events(context, "context-field-created")
    assert event.data["name"] == "tier"
    assert event.created_by == "admin"


def test_create__defaults(admin_client: TestClient) -> None:
    body = create_field(admin_client, "plain")
    assert (body["description"], body["stickiness"], body["sortOrder"], body["legalValues"]) == (
        None,
        False,
        0,
        [],
    )


def test_create__name_taken__409(admin_client: TestClient, context: AppContext) -> None:
    create_field(admin_client, "taken")
    before = snapshot(context)
    assert_error(admin_client.post(CONTEXT, json={"name": "taken"}), 409, "already exist")
    assert snapshot(context) == before


def test_validate__free_200_taken_409(admin_client: TestClient) -> None:
    create_field(admin_client, "region")
    assert admin_client.post(f"{CONTEXT}/validate", json={"name": "free"}).status_code == 200
    assert_error(admin_client.post(f"{CONTEXT}/validate", json={"name": "region"}), 409)
    assert_error(admin_client.post(f"{CONTEXT}/validate", json={"name": "not free"}), 400)


def test_update__replaces_and_records_before_and_after(
    admin_client: TestClient, context: AppContext
) -> None:
    create_field(admin_client, description="Old", stickiness=True, legalValues=[GOLD])
    response = admin_client.put(
        f"{CONTEXT}/tier", json={"sortOrder": 9, "legalValues": [{"value": "bronze"}]}
    )
    assert response.status_code == 200, response.text
    field = get_field(admin_client, "tier")
    # Unleash's PUT replaces: stickiness back to false; the description is kept when omitted.
    assert (field["description"], field["stickiness"], field["sortOrder"]) == ("Old", False, 9)
    assert field["legalValues"] == [{"value": "bronze"}]
    [event] = events(context, "context-field-updated")
    assert event.pre_data["legalValues"] == [GOLD]
    assert event.data["legalValues"] == [{"value": "bronze"}]


def test_update__unknown__404(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    assert_error(admin_client.put(f"{CONTEXT}/nope", json={}), 404, "nope")
    assert_error(admin_client.get(f"{CONTEXT}/nope"), 404)
    assert snapshot(context) == before


def test_legal_values__add_then_update_then_delete(
    admin_client: TestClient, context: AppContext
) -> None:
    create_field(admin_client, legalValues=[{"value": "a"}, {"value": "b"}])
    url = f"{CONTEXT}/tier/legal-values"
    assert admin_client.post(url, json={"value": "c", "description": "C"}).status_code == 200
    assert admin_client.post(url, json={"value": "a", "description": "A"}).status_code == 200
    assert get_field(admin_client, "tier")["legalValues"] == [
        {"value": "a", "description": "A"},
        {"value": "b"},
        {"value": "c", "description": "C"},
    ]
    assert admin_client.delete(f"{url}/b").status_code == 200
    assert admin_client.delete(f"{url}/absent").status_code == 200
    assert [v["value"] for v in get_field(admin_client, "tier")["legalValues"]] == ["a", "c"]
    assert len(events(context, "context-field-updated")) == 4


def test_legal_values__unknown_field__404(admin_client: TestClient) -> None:
    assert_error(admin_client.post(f"{CONTEXT}/nope/legal-values", json={"value": "a"}), 404)
    assert_error(admin_client.delete(f"{CONTEXT}/nope/legal-values/a"), 404)


def test_strategies__those_whose_constraints_name_the_field(admin_client: TestClient) -> None:
    create_field(admin_client)
    create_flag(admin_client, "uses")
    create_flag(admin_client, "other")
    create_flag(admin_client, "archived")
    constraint = {"contextName": "tier", "operator": "IN", "values": ["gold"]}
    used = add_strategy(admin_client, "uses", constraints=[constraint])
    add_strategy(admin_client, "archived", constraints=[constraint])
    add_strategy(admin_client, "other")
    assert admin_client.delete(features_url("default", "archived")).status_code == 202
    body = admin_client.get(f"{CONTEXT}/tier/strategies").json()
    assert body == {
        "strategies": [
            {
                "id": used["id"],
                "projectId": "default",
                "featureName": "uses",
                "strategyName": "default",
                "environment": "development",
            }
        ]
    }
    [field] = [f for f in admin_client.get(CONTEXT).json() if f["name"] == "tier"]
    assert (field["usedInFeatures"], field["usedInProjects"]) == (1, 1)
    assert admin_client.get(f"{CONTEXT}/nope/strategies").json() == {"strategies": []}


def test_delete__unused__200_and_event(admin_client: TestClient, context: AppContext) -> None:
    create_field(admin_client)
    assert admin_client.delete(f"{CONTEXT}/tier").status_code == 200
    assert_error(admin_client.get(f"{CONTEXT}/tier"), 404)
    [event] = events(context, "context-field-deleted")
    assert event.pre_data["name"] == "tier"


def test_delete__used_by_a_constraint__409_kept(
    admin_client: TestClient, context: AppContext
) -> None:
    create_field(admin_client)
    create_flag(admin_client, "uses")
    add_strategy(
        admin_client,
        "uses",
        constraints=[{"contextName": "tier", "operator": "IN", "values": ["gold"]}],
    )
    before = snapshot(context)
    assert_error(admin_client.delete(f"{CONTEXT}/tier"), 409, "in use")
    assert snapshot(context) == before
    assert get_field(admin_client, "tier")["name"] == "tier"


def test_delete__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.delete(f"{CONTEXT}/nope"), 404)


def test_project_field__listed_with_include_project_only(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "shop")
    create_field(admin_client, "cart", project="shop")
    assert "cart" not in [f["name"] for f in admin_client.get(CONTEXT).json()]
    listed = admin_client.get(CONTEXT, params={"include": "project"}).json()
    [cart] = [f for f in listed if f["name"] == "cart"]
    assert cart["project"] == "shop"
