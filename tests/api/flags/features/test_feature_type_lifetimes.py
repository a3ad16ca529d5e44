"""Flag-type lifetimes: ``PUT /api/admin/feature-types/{id}/lifetime``, shown in the type list
and used for "potentially stale" in the project health report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from flagstaff.core.db import utcnow
from flagstaff.flags.features.models import Feature, FeatureTypeLifetime
from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import assert_error, create_flag, events, snapshot

TYPES = "/api/admin/feature-types"
RELEASE_DESCRIPTION = "Roll out new or incomplete features. Expected lifetime ~40 days"


def lifetime_url(type_id: str) -> str:
    return f"{TYPES}/{type_id}/lifetime"


def listed(client: TestClient) -> dict[str, int | None]:
    response = client.get(TYPES)
    assert response.status_code == 200, response.text
    return {t["id"]: t["lifetimeDays"] for t in response.json()["types"]}


def state(context: AppContext) -> dict[str, Any]:
    with context.database.session(write=False) as session:
        rows = session.execute(select(func.count()).select_from(FeatureTypeLifetime)).scalar_one()
    return {**snapshot(context), "lifetimes": rows}


def test_update_lifetime__200_type_body_listed_and_event(
    admin_client: TestClient, admin: Any, context: AppContext
) -> None:
    response = admin_client.put(lifetime_url("release"), json={"lifetimeDays": 30})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": "release",
        "name": "Release",
        "description": RELEASE_DESCRIPTION,
        "lifetimeDays": 30,
    }
    assert listed(admin_client) == {
        "release": 30,
        "experiment": 40,
        "operational": 7,
        "kill-switch": None,
        "permission": None,
        "sunset": 90,
    }
    [event] = events(context, "feature-type-updated")
    assert event.data == response.json()
    assert event.pre_data == {**response.json(), "lifetimeDays": 40}
    assert (event.created_by, event.created_by_user_id) == (admin.username, admin.id)
    assert (event.project, event.feature_name) == (None, None)


@pytest.mark.parametrize("value", [0, None])
def test_update_lifetime__zero_or_null__never_stale(
    admin_client: TestClient, context: AppContext, value: int | None
) -> None:
    response = admin_client.put(lifetime_url("sunset"), json={"lifetimeDays": value})
    assert response.status_code == 200, response.text
    assert response.json()["lifetimeDays"] is None
    assert listed(admin_client)["sunset"] is None
    [event] = events(context, "feature-type-updated")
    assert (event.pre_data["lifetimeDays"], event.data["lifetimeDays"]) == (90, None)


def test_update_lifetime__again__updates_the_stored_value(
    admin_client: TestClient, context: AppContext
) -> None:
    for days in (5, 2_147_483_647, 12):
        assert admin_client.put(lifetime_url("kill-switch"), json={"lifetimeDays": days}).json()[
            "lifetimeDays"
        ] == (days)
    assert listed(admin_client)["kill-switch"] == 12
    updates = events(context, "feature-type-updated")
    assert [(e.pre_data["lifetimeDays"], e.data["lifetimeDays"]) for e in updates] == [
        (None, 5),
        (5, 2_147_483_647),
        (2_147_483_647, 12),
    ]


def test_update_lifetime__id_any_case__as_unleash(admin_client: TestClient) -> None:
    response = admin_client.put(lifetime_url("RELEASE"), json={"lifetimeDays": 3})
    assert response.status_code == 200, response.text
    assert response.json()["id"] == "release"
    assert listed(admin_client)["release"] == 3


@pytest.mark.parametrize("type_id", ["nope", "x" * 100, "release%2Fx"])
def test_update_lifetime__unknown_type__404_nothing_written(
    admin_client: TestClient, context: AppContext, type_id: str
) -> None:
    before = state(context)
    assert_error(admin_client.put(lifetime_url(type_id), json={"lifetimeDays": 3}), 404)
    assert state(context) == before


@pytest.mark.parametrize("type_id", ["x" * 101, "a%00b"])
def test_update_lifetime__bad_id__400_nothing_written(
    admin_client: TestClient, context: AppContext, type_id: str
) -> None:
    before = state(context)
    assert_error(admin_client.put(lifetime_url(type_id), json={"lifetimeDays": 3}), 400)
    assert state(context) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lifetime": 3},
        {"lifetimeDays": -1},
        {"lifetimeDays": 2_147_483_648},
        {"lifetimeDays": 10**30},
        {"lifetimeDays": 5.5},
        {"lifetimeDays": "5"},
        {"lifetimeDays": True},
        {"lifetimeDays": [5]},
        [],
        "5",
    ],
)
def test_update_lifetime__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, body: Any
) -> None:
    before = state(context)
    assert_error(admin_client.put(lifetime_url("release"), json=body), 400)
    assert state(context) == before
    assert listed(admin_client)["release"] == 40


def test_update_lifetime__not_json__415(admin_client: TestClient, context: AppContext) -> None:
    before = state(context)
    response = admin_client.put(
        lifetime_url("release"), content="lifetimeDays=3", headers={"content-type": "text/plain"}
    )
    assert_error(response, 415)
    assert state(context) == before


@pytest.mark.parametrize("kind", [*UNPRIVILEGED, "editor"])
def test_update_lifetime__without_admin__403_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    before = state(context)
    assert_error(caller.put(lifetime_url("release"), json={"lifetimeDays": 3}), 403)
    assert state(context) == before


@pytest.mark.parametrize("kind", ["service-admin", "admin-token"])
def test_update_lifetime__admin_kinds__200_event_names_caller(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.put(lifetime_url("release"), json={"lifetimeDays": 3}).status_code == 200
    [event] = events(context, "feature-type-updated")
    if kind == "service-admin":
        assert event.created_by == "sa-admin"
    else:
        assert event.created_by_user_id == -42


@pytest.mark.parametrize("kind", ["viewer", "service-viewer", "admin-token"])
def test_list_types__any_admin_caller_sees_stored_lifetimes(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    kind: str,
) -> None:
    admin_client.put(lifetime_url("operational"), json={"lifetimeDays": 70})
    caller = make_kind(kind, context, admin_client, new_client)
    assert listed(caller)["operational"] == 70


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_list_types__sdk_tokens__403(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    kind: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert_error(caller.get(TYPES), 403)


def _age(context: AppContext, name: str, days: int) -> None:
    with context.database.transaction() as session:
        session.execute(
            update(Feature)
            .where(Feature.name == name)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def _potentially_stale(client: TestClient) -> int:
    body = client.get("/api/admin/projects/default/health-report").json()
    count: int = body["potentiallyStaleCount"]
    return count


def test_health_report__potentially_stale_follows_stored_lifetime(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "ten-days")  # release: 40 days by default
    create_flag(admin_client, "switch", type="kill-switch")  # permanent by default
    _age(context, "ten-days", 10)
    _age(context, "switch", 10)
    assert _potentially_stale(admin_client) == 0
    admin_client.put(lifetime_url("release"), json={"lifetimeDays": 10})
    assert _potentially_stale(admin_client) == 1
    admin_client.put(lifetime_url("kill-switch"), json={"lifetimeDays": 9})
    assert _potentially_stale(admin_client) == 2
    admin_client.put(lifetime_url("release"), json={"lifetimeDays": 0})
    admin_client.put(lifetime_url("kill-switch"), json={"lifetimeDays": None})
    assert _potentially_stale(admin_client) == 0
