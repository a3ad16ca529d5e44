"""``GET /api/admin/events`` (Admins) and ``GET /api/admin/events/{featureName}`` (anyone)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from flagstaff.core.db import utcnow
from flagstaff.events.models import Event
from flagstaff.events.service import Actor
from flagstaff.http.context import AppContext
from tests.api.events.helpers import all_events, record

EVENTS = "/api/admin/events"
EVENT_KEYS = {
    "id",
    "type",
    "createdAt",
    "createdBy",
    "createdByUserId",
    "data",
    "preData",
    "tags",
    "featureName",
    "project",
    "environment",
    "ip",
    # Flagstaff's audit trail: the token a change was made with, and the caller's user agent.
    "tokenId",
    "tokenHint",
    "userAgent",
}


def test_get_events__admin__version_events_and_total(
    admin_client: TestClient, context: AppContext
) -> None:
    actor = Actor("dana@example.com", 12, "10.0.0.7")
    event_id = record(
        context,
        "feature-environment-enabled",
        actor=actor,
        data={"name": "checkout-v2"},
        project="checkout",
        environment="production",
        feature_name="checkout-v2",
        tags=[{"type": "simple", "value": "beta"}],
    )

    response = admin_client.get(EVENTS)

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["totalEvents"] == len(all_events(context))
    newest = body["events"][0]
    assert set(newest) == EVENT_KEYS
    assert newest == {
        "id": event_id,
        "type": "feature-environment-enabled",
        "createdAt": newest["createdAt"],
        "createdBy": "dana@example.com",
        "createdByUserId": 12,
        "data": {"name": "checkout-v2"},
        "preData": None,
        "tags": [{"type": "simple", "value": "beta"}],
        "featureName": "checkout-v2",
        "project": "checkout",
        "environment": "production",
        "ip": "10.0.0.7",
        "tokenId": None,
        "tokenHint": None,
        "userAgent": None,
    }
    assert newest["createdAt"].endswith("Z")


def test_get_events__several__newest_first(admin_client: TestClient, context: AppContext) -> None:
    first = record(context, "a-happened")
    second = record(context, "b-happened")

    listed = [e["id"] for e in admin_client.get(EVENTS).json()["events"]]

    assert listed.index(second) < listed.index(first)
    assert listed == sorted(listed, reverse=True)


def test_get_events__project_filter__only_that_project(
    admin_client: TestClient, context: AppContext
) -> None:
    mine = record(context, project="checkout")
    record(context, project="payments")

    body = admin_client.get(EVENTS, params={"project": "checkout"}).json()

    assert [e["id"] for e in body["events"]] == [mine]
    assert body["totalEvents"] == 1


def test_get_events__more_than_a_page__100_newest_and_full_total(
    admin_client: TestClient, context: AppContext
) -> None:
    with context.database.transaction() as session:
        session.execute(
            insert(Event),
            [
                {"type": "bulk", "created_by": "loader", "created_at": utcnow(), "tags": []}
                for _ in range(120)
            ],
        )
    total = len(all_events(context))

    body = admin_client.get(EVENTS).json()

    assert len(body["events"]) == 100
    assert body["totalEvents"] == total
    assert body["events"][0]["id"] == all_events(context)[-1].id


@pytest.mark.parametrize("role", ["Editor", "Viewer"])
def test_get_events__not_admin__403_names_admin(
    user_client: Callable[..., TestClient], role: str
) -> None:
    response = user_client(role=role).get(EVENTS)
    assert response.status_code == 403
    assert response.json()["permissions"] == ["ADMIN"]


def test_get_events__anonymous__401(client: TestClient) -> None:
    assert client.get(EVENTS).status_code == 401


@pytest.mark.parametrize("project", ["p" * 101, "bad\x00project"])
def test_get_events__bad_project__400(admin_client: TestClient, project: str) -> None:
    response = admin_client.get(EVENTS, params={"project": project})
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


@pytest.mark.parametrize("role", ["Admin", "Viewer"])
def test_get_feature_events__any_account__only_that_feature(
    user_client: Callable[..., TestClient], context: AppContext, role: str
) -> None:
    older = record(context, "feature-created", project="default", feature_name="checkout-v2")
    newer = record(context, "feature-updated", project="default", feature_name="checkout-v2")
    record(context, "feature-created", project="default", feature_name="checkout-v3")

    response = user_client(role=role).get(f"{EVENTS}/checkout-v2")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["toggleName"] == "checkout-v2"
    assert [e["id"] for e in body["events"]] == [newer, older]
    assert body["totalEvents"] == 2


def test_get_feature_events__unknown_feature__empty(admin_client: TestClient) -> None:
    body = admin_client.get(f"{EVENTS}/never-existed").json()
    assert (body["events"], body["totalEvents"]) == ([], 0)


@pytest.mark.parametrize("name", ["f" * 256, "bad%00name"])
def test_get_feature_events__bad_name__400(admin_client: TestClient, name: str) -> None:
    response = admin_client.get(f"{EVENTS}/{name}")
    assert response.status_code == 400
    assert response.json()["name"] == "BadDataError"


def test_get_feature_events__anonymous__401(client: TestClient) -> None:
    assert client.get(f"{EVENTS}/checkout-v2").status_code == 401
