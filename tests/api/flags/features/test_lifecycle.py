"""Flag lifecycle: stages recorded by the flag's own changes and by SDK metrics, completing and
uncompleting, the stage count; and what the flag's body shows (lifecycle, favorite)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.core import revision
from flagstaff.events.service import SYSTEM
from flagstaff.flags.favorites.models import FavoriteFeature
from flagstaff.flags.features.models import FeatureLifecycleStage
from flagstaff.flags.projects.service import ProjectFields, ProjectService
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.caller_kinds import UNPRIVILEGED, make_kind
from tests.api.flags.support import (
    assert_error,
    create_flag,
    env_url,
    events,
    features_url,
    make_caller,
    make_project,
    report,
    snapshot,
)

COUNT = "/api/admin/lifecycle/count"
METRICS = "/api/client/metrics"


def lifecycle_url(feature: str = "f", project: str = "default", action: str = "") -> str:
    return features_url(project, feature, "lifecycle") + (f"/{action}" if action else "")


def stages(client: TestClient, feature: str = "f", project: str = "default") -> list[Any]:
    response = client.get(lifecycle_url(feature, project))
    assert response.status_code == 200, response.text
    body: list[Any] = response.json()
    return body


def names(client: TestClient, feature: str = "f") -> list[str]:
    return [stage["stage"] for stage in stages(client, feature)]


def state(context: AppContext) -> dict[str, Any]:
    """The flag tables, the revision and every stage: equal before and after a refused write."""
    with context.database.session(write=False) as session:
        rows = [
            (row.feature_name, row.stage, row.status, row.status_value, row.created_at)
            for row in session.scalars(
                select(FeatureLifecycleStage).order_by(
                    FeatureLifecycleStage.feature_name, FeatureLifecycleStage.stage
                )
            )
        ]
    return {**snapshot(context), "feature_lifecycles": rows}


def feature_body(client: TestClient, feature: str = "f") -> dict[str, Any]:
    response = client.get(features_url("default", feature))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def flag(admin_client: TestClient) -> str:
    create_flag(admin_client, "f")
    return "f"


# Stages the flag's own changes record


def test_created__initial_at_creation(admin_client: TestClient, flag: str) -> None:
    body = feature_body(admin_client)
    assert stages(admin_client) == [{"stage": "initial", "enteredStageAt": body["createdAt"]}]
    assert body["lifecycle"] == {"stage": "initial", "enteredStageAt": body["createdAt"]}


def test_cloned_and_imported__initial(admin_client: TestClient, flag: str) -> None:
    clone = admin_client.post(features_url("default", "f", "clone"), json={"name": "copy"})
    assert clone.status_code == 201, clone.text
    imported = admin_client.post(
        "/api/admin/features-batch/import",
        json={
            "project": "default",
            "environment": "development",
            "data": {
                "features": [{"name": "imported", "type": "release"}],
                "featureStrategies": [],
                "featureEnvironments": [],
                "tagTypes": [],
            },
        },
    )
    assert imported.status_code == 200, imported.text
    assert names(admin_client, "copy") == ["initial"]
    assert names(admin_client, "imported") == ["initial"]


def test_archived__stage_added_revived__back_to_initial_only(
    admin_client: TestClient, flag: str
) -> None:
    assert admin_client.delete(features_url("default", "f")).status_code == 202
    archived = stages(admin_client)  # an archived flag's stages can still be read
    assert [s["stage"] for s in archived] == ["initial", "archived"]
    assert admin_client.post("/api/admin/archive/revive/f").status_code == 200
    [revived] = stages(admin_client)
    assert revived["stage"] == "initial"
    assert revived["enteredStageAt"] >= archived[1]["enteredStageAt"]


def test_bulk_archived__stage_added(admin_client: TestClient, flag: str) -> None:
    create_flag(admin_client, "g")
    response = admin_client.post(
        "/api/admin/projects/default/archive", json={"features": ["f", "g"]}
    )
    assert response.status_code == 202, response.text
    assert names(admin_client, "f") == names(admin_client, "g") == ["initial", "archived"]


# Stages SDK metrics record


def test_metrics__development__pre_live(
    client: TestClient, admin_client: TestClient, context: AppContext, flag: str
) -> None:
    report(context, client, "development", "f")
    assert names(admin_client) == ["initial", "pre-live"]
    assert feature_body(admin_client)["lifecycle"]["stage"] == "pre-live"


def test_metrics__production_disabled__pre_live_only(
    client: TestClient, admin_client: TestClient, context: AppContext, flag: str
) -> None:
    report(context, client, "production", "f")
    assert names(admin_client) == ["initial", "pre-live"]


def test_metrics__production_enabled__pre_live_then_live(
    client: TestClient, admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(env_url("f", "production") + "/strategies", json={"name": "default"})
    assert admin_client.post(env_url("f", "production") + "/on").status_code == 200
    assert names(admin_client) == ["initial"]  # switching on moves no stage, as Unleash
    report(context, client, "production", "f")
    listed = stages(admin_client)
    assert [s["stage"] for s in listed] == ["initial", "pre-live", "live"]
    assert listed[1]["enteredStageAt"] < listed[2]["enteredStageAt"]
    lifecycle = feature_body(admin_client)["lifecycle"]
    assert lifecycle == {"stage": "live", "enteredStageAt": listed[2]["enteredStageAt"]}


def test_metrics__again__stages_kept_revision_still(
    client: TestClient, admin_client: TestClient, context: AppContext, flag: str
) -> None:
    token = make_api_token(context)
    report(context, client, "development", "f", token=token)
    before = state(context)
    report(context, client, "development", "f", token=token)
    after = state(context)
    assert after["feature_lifecycles"] == before["feature_lifecycles"]
    assert after["revision"] == before["revision"]


def test_metrics__unknown_or_archived_flag__no_stage(
    client: TestClient, admin_client: TestClient, context: AppContext, flag: str
) -> None:
    create_flag(admin_client, "old")
    assert admin_client.delete(features_url("default", "old")).status_code == 202
    before = state(context)["feature_lifecycles"]
    report(context, client, "development", "nope", "old")
    assert state(context)["feature_lifecycles"] == before


def test_metrics__many_flags__one_flush(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    flags = [f"flag-{n}" for n in range(30)]
    for name in flags:
        create_flag(admin_client, name)
    report(context, client, "development", *flags)
    assert admin_client.get(COUNT).json()["preLive"] == len(flags)


# Completing


def test_complete__200_completed_and_event(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    response = admin_client.post(
        lifecycle_url(action="complete"), json={"status": "kept", "statusValue": "blue"}
    )
    assert response.status_code == 200, response.text
    listed = stages(admin_client)
    assert [(s["stage"], s.get("status")) for s in listed] == [
        ("initial", None),
        ("completed", "kept"),
    ]
    assert feature_body(admin_client)["lifecycle"] == {
        "stage": "completed",
        "status": "kept",
        "enteredStageAt": listed[1]["enteredStageAt"],
    }
    [event] = events(context, "feature-completed")
    assert (event.project, event.feature_name, event.created_by) == ("default", "f", "admin")
    assert event.data == {"status": "kept", "statusValue": "blue", "kept": True}


def test_complete__again__new_status_same_time(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    url = lifecycle_url(action="complete")
    assert admin_client.post(url, json={"status": "kept"}).status_code == 200
    first = stages(admin_client)[1]
    assert admin_client.post(url, json={"status": "discarded"}).status_code == 200
    second = stages(admin_client)[1]
    assert (second["status"], second["enteredStageAt"]) == ("discarded", first["enteredStageAt"])
    assert [e.data for e in events(context, "feature-completed")] == [
        {"status": "kept", "kept": True},
        {"status": "discarded", "kept": False},
    ]


def test_uncomplete__200_removed_and_event_once(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    admin_client.post(lifecycle_url(action="complete"), json={"status": "discarded"})
    assert admin_client.post(lifecycle_url(action="uncomplete")).status_code == 200
    assert names(admin_client) == ["initial"]
    assert admin_client.post(lifecycle_url(action="uncomplete")).status_code == 200
    [event] = events(context, "feature-uncompleted")
    assert (event.project, event.feature_name, event.data) == ("default", "f", None)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": "other"},
        {"status": "KEPT"},
        {"status": 1},
        {"status": None},
        {"status": "kept", "statusValue": 5},
        {"status": "kept", "statusValue": "v" * 256},
        {"status": "kept", "statusValue": "a\x00b"},
        [],
        "kept",
    ],
)
def test_complete__bad_body__400_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str, body: Any
) -> None:
    before = state(context)
    assert_error(admin_client.post(lifecycle_url(action="complete"), json=body), 400)
    assert state(context) == before


def test_complete__longest_status_value__200(admin_client: TestClient, flag: str) -> None:
    body = {"status": "kept", "statusValue": "v" * 255}
    assert admin_client.post(lifecycle_url(action="complete"), json=body).status_code == 200


@pytest.mark.parametrize(
    ("project", "feature"),
    [("nope", "f"), ("default", "nope"), ("other", "f"), ("default", "elsewhere")],
)
def test_lifecycle__unknown_project_or_flag__404_nothing_written(
    admin_client: TestClient, context: AppContext, flag: str, project: str, feature: str
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "elsewhere", project="other")
    before = state(context)
    assert_error(admin_client.get(lifecycle_url(feature, project)), 404)
    complete = lifecycle_url(feature, project, "complete")
    assert_error(admin_client.post(complete, json={"status": "kept"}), 404)
    assert_error(admin_client.post(lifecycle_url(feature, project, "uncomplete")), 404)
    assert state(context) == before


def test_complete__archived_flag__404(
    admin_client: TestClient, context: AppContext, flag: str
) -> None:
    assert admin_client.delete(features_url("default", "f")).status_code == 202
    before = state(context)
    assert_error(admin_client.post(lifecycle_url(action="complete"), json={"status": "kept"}), 404)
    assert_error(admin_client.post(lifecycle_url(action="uncomplete")), 404)
    assert state(context) == before


# Callers


@pytest.mark.parametrize("kind", UNPRIVILEGED)
def test_complete__without_update_feature__403_nothing_written(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    admin_client.post(lifecycle_url(action="complete"), json={"status": "kept"})
    caller = make_kind(kind, context, admin_client, new_client)
    before = state(context)
    response = caller.post(lifecycle_url(action="complete"), json={"status": "discarded"})
    assert_error(response, 403)
    assert_error(caller.post(lifecycle_url(action="uncomplete")), 403)
    assert state(context) == before


@pytest.mark.parametrize("kind", ["client-token", "frontend-token"])
def test_reads__sdk_tokens__403(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert_error(caller.get(lifecycle_url()), 403)
    assert_error(caller.get(COUNT), 403)


@pytest.mark.parametrize("kind", ["viewer", "service-viewer", "admin-token"])
def test_reads__any_account__200(
    kind: str,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert names(caller) == ["initial"]
    assert caller.get(COUNT).json()["initial"] == 1


@pytest.mark.parametrize(
    ("kind", "recorded_as"),
    [("editor", None), ("service-admin", "sa-admin"), ("admin-token", None)],
)
def test_complete__callers_with_update_feature__200_events_name_them(
    kind: str,
    recorded_as: str | None,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    caller = make_kind(kind, context, admin_client, new_client)
    assert caller.post(lifecycle_url(action="complete"), json={"status": "kept"}).status_code == 200
    assert caller.post(lifecycle_url(action="uncomplete")).status_code == 200
    recorded = [
        e for e in events(context) if e.type in ("feature-completed", "feature-uncompleted")
    ]
    assert len(recorded) == 2
    assert len({(e.created_by, e.created_by_user_id) for e in recorded}) == 1
    assert recorded[0].created_by != "admin"
    if recorded_as is not None:
        assert recorded[0].created_by == recorded_as


def test_lifecycle__anonymous__401(new_client: Callable[[], TestClient], flag: str) -> None:
    anonymous = new_client()
    assert_error(anonymous.get(lifecycle_url()), 401)
    assert_error(anonymous.get(COUNT), 401)
    assert_error(anonymous.post(lifecycle_url(action="complete"), json={"status": "kept"}), 401)


# The count


def test_count__flags_by_current_stage(
    client: TestClient, admin_client: TestClient, context: AppContext
) -> None:
    assert admin_client.get(COUNT).json() == {
        "initial": 0,
        "preLive": 0,
        "live": 0,
        "completed": 0,
        "archived": 0,
    }
    for name in ("a", "b", "c", "d", "e"):
        create_flag(admin_client, name)
    report(context, client, "development", "b", "c")
    admin_client.post(lifecycle_url("c", action="complete"), json={"status": "kept"})
    # Seen for the first time after completion: still completed, as its body says.
    admin_client.post(lifecycle_url("d", action="complete"), json={"status": "kept"})
    report(context, client, "development", "d")
    assert admin_client.delete(features_url("default", "e")).status_code == 202
    assert admin_client.get(COUNT).json() == {
        "initial": 1,
        "preLive": 1,
        "live": 0,
        "completed": 2,
        "archived": 1,
    }
    assert feature_body(admin_client, "d")["lifecycle"]["stage"] == "completed"


def test_count__private_project__members_and_admins_only(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    with context.database.transaction() as session:
        ProjectService(session).create(
            SYSTEM, None, "secret", ProjectFields(name="Secret", mode="private"), None
        )
    create_flag(admin_client, "hidden", project="secret")
    create_flag(admin_client, "open")
    outsider = make_caller(context, new_client, "Viewer")
    member = make_caller(context, new_client, "Viewer", projects={"secret": 5})
    assert admin_client.get(COUNT).json()["initial"] == 2
    assert outsider.client.get(COUNT).json()["initial"] == 1
    assert member.client.get(COUNT).json()["initial"] == 2


# The flag's body: favorite


def _favorite(context: AppContext, feature: str, account_id: int) -> None:
    with context.database.transaction() as session:
        session.add(FavoriteFeature(feature_name=feature, user_id=account_id))
        session.flush()
        revision.bump(session)
    context.watcher.check_now()


def test_body__favorite__the_callers_own(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    flag: str,
) -> None:
    fan = make_caller(context, new_client, "Viewer")
    other = make_caller(context, new_client, "Viewer")
    token = make_kind("admin-token", context, admin_client, new_client)
    assert feature_body(fan.client)["favorite"] is False  # cached now, for this account
    _favorite(context, "f", fan.id)
    assert feature_body(fan.client)["favorite"] is True
    assert feature_body(other.client)["favorite"] is False
    assert feature_body(token)["favorite"] is False
    assert feature_body(admin_client)["favorite"] is False


def test_body__links_lifecycle_favorite_in_put_and_patch_answers(
    admin_client: TestClient, flag: str
) -> None:
    admin_client.post(features_url("default", "f", "link"), json={"url": "https://x.com"})
    put = admin_client.put(features_url("default", "f"), json={"description": "d"})
    patch = admin_client.patch(
        features_url("default", "f"), json=[{"op": "replace", "path": "/stale", "value": True}]
    )
    for response in (put, patch):
        assert response.status_code == 200, response.text
        body = response.json()
        assert [link["url"] for link in body["links"]] == ["https://x.com"]
        assert body["lifecycle"]["stage"] == "initial"
        assert body["favorite"] is False
