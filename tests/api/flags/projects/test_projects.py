"""/api/admin/projects: list, get, create, update, delete, and a project's environments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flagstaff.http.context import AppContext
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.predefined import OWNER_ROLE_ID
from tests.api.flags.support import (
    assert_error,
    create_flag,
    events,
    make_caller,
    make_project,
    snapshot,
)

PROJECTS = "/api/admin/projects"


def test_projects__fresh_install__default_project_with_both_environments(
    admin_client: TestClient,
) -> None:
    response = admin_client.get(PROJECTS)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    [project] = body["projects"]
    assert project["id"] == "default"
    assert project["name"] == "Default"
    assert project["featureCount"] == 0
    assert project["environments"] == ["development", "production"]
    assert project["owners"] == [{"ownerType": "system"}]


def test_projects__viewer__can_read(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    assert viewer.client.get(PROJECTS).status_code == 200
    assert viewer.client.get(f"{PROJECTS}/default").json()["id"] == "default"


def test_projects__anonymous__401(client: TestClient) -> None:
    assert client.get(PROJECTS).status_code == 401


def test_project__counts_active_flags_only(admin_client: TestClient) -> None:
    create_flag(admin_client, "one")
    create_flag(admin_client, "two")
    admin_client.delete(f"{PROJECTS}/default/features/two")
    assert admin_client.get(f"{PROJECTS}/default").json()["featureCount"] == 1


def test_get_project__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.get(f"{PROJECTS}/nope"), 404, "nope")


def test_create_project__admin__201_event_and_creator_owns_it(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(
        PROJECTS, json={"id": "checkout", "name": "Checkout", "description": "Pay"}
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "id": "checkout",
        "name": "Checkout",
        "description": "Pay",
        "featureLimit": None,
        "mode": "open",
        "defaultStickiness": "default",
        "environments": ["development", "production"],
    }
    [event] = events(context, "project-created")
    assert event.project == "checkout"
    assert event.data["name"] == "Checkout"
    with context.database.session(write=False) as session:
        owners = session.scalars(
            select(ProjectRoleAssignment.role_id).where(ProjectRoleAssignment.project == "checkout")
        ).all()
    assert owners == [OWNER_ROLE_ID]


def test_create_project__editor__becomes_owner_and_can_create_flags_there(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    editor = make_caller(context, new_client, "Editor")
    assert editor.client.post(PROJECTS, json={"id": "mine", "name": "Mine"}).status_code == 201
    response = editor.client.post(f"{PROJECTS}/mine/features", json={"name": "in-mine"})
    assert response.status_code == 201, response.text
    project = editor.client.get(f"{PROJECTS}/mine").json()
    assert [o["ownerType"] for o in project["owners"]] == ["user"]
    assert project["memberCount"] == 1


def test_create_project__viewer__403_nothing_written(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    before = snapshot(context)
    response = viewer.client.post(PROJECTS, json={"id": "x", "name": "X"})
    assert_error(response, 403, "CREATE_PROJECT")
    assert snapshot(context) == before


def test_create_project__without_id__id_derived_from_name(admin_client: TestClient) -> None:
    response = admin_client.post(PROJECTS, json={"name": "Team Payments"})
    assert response.status_code == 201
    assert response.json()["id"] == "team-payments"
    again = admin_client.post(PROJECTS, json={"name": "Team Payments"})
    assert again.json()["id"] == "team-payments-2"


def test_create_project__chosen_environments__only_those(admin_client: TestClient) -> None:
    response = admin_client.post(
        PROJECTS, json={"id": "p", "name": "P", "environments": ["production"]}
    )
    assert response.json()["environments"] == ["production"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 400, "name"),
        ({"name": 5}, 400, "name"),
        ({"name": "   "}, 400, "name"),
        ({"name": "x" * 256}, 400, "name"),
        ({"id": "has space", "name": "X"}, 400, "has space"),
        ({"id": "a:b", "name": "X"}, 400, "a:b"),
        ({"id": "x" * 101, "name": "X"}, 400, "id"),
        ({"id": "default", "name": "Again"}, 409, "default"),
        ({"id": "p", "name": "P", "mode": "secret"}, 400, "mode"),
        ({"id": "p", "name": "P", "environments": ["nowhere"]}, 400, "nowhere"),
    ],
)
def test_create_project__bad_input__refused_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    body: dict[str, object],
    status: int,
    fragment: str,
) -> None:
    before = snapshot(context)
    assert_error(admin_client.post(PROJECTS, json=body), status, fragment)
    assert snapshot(context) == before


def test_create_project__not_json__415(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    response = admin_client.post(
        PROJECTS,
        content="id=x&name=X",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 415)
    assert snapshot(context) == before


def test_update_project__owner__renamed_with_event(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout")
    response = admin_client.put(
        f"{PROJECTS}/checkout", json={"name": "Checkout v2", "description": "new"}
    )
    assert response.status_code == 200, response.text
    project = admin_client.get(f"{PROJECTS}/checkout").json()
    assert (project["name"], project["description"]) == ("Checkout v2", "new")
    [event] = events(context, "project-updated")
    assert event.pre_data["name"] == "Checkout"
    assert event.data["name"] == "Checkout v2"


def test_update_project__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.put(f"{PROJECTS}/nope", json={"name": "N"}), 404)


def test_update_project__editor_in_other_project__403(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_project(context, "checkout")
    editor = make_caller(context, new_client, "Editor")
    response = editor.client.put(f"{PROJECTS}/checkout", json={"name": "Mine now"})
    assert_error(response, 403, "UPDATE_PROJECT")


def test_delete_project__empty__200_access_gone_event(
    admin_client: TestClient, context: AppContext
) -> None:
    admin_client.post(PROJECTS, json={"id": "gone", "name": "Gone"})
    assert admin_client.delete(f"{PROJECTS}/gone").status_code == 200
    assert_error(admin_client.get(f"{PROJECTS}/gone"), 404)
    assert [e.project for e in events(context, "project-deleted")] == ["gone"]
    with context.database.session(write=False) as session:
        left = session.scalars(
            select(ProjectRoleAssignment).where(ProjectRoleAssignment.project == "gone")
        ).all()
    assert left == []


def test_delete_project__default__refused(admin_client: TestClient, context: AppContext) -> None:
    before = snapshot(context)
    assert_error(admin_client.delete(f"{PROJECTS}/default"), 403, "default project")
    assert snapshot(context) == before


def test_delete_project__with_active_flag__refused_nothing_deleted(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout")
    create_flag(admin_client, "pay", project="checkout")
    before = snapshot(context)
    assert_error(admin_client.delete(f"{PROJECTS}/checkout"), 403, "active feature flags")
    assert snapshot(context) == before


def test_delete_project__only_archived_flags__deletes_them_too(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout")
    create_flag(admin_client, "old", project="checkout")
    admin_client.delete(f"{PROJECTS}/checkout/features/old")
    assert admin_client.delete(f"{PROJECTS}/checkout").status_code == 200
    assert [e.feature_name for e in events(context, "feature-deleted")] == ["old"]
    assert admin_client.get("/api/admin/archive/features").json()["features"] == []


def test_delete_project__unknown__404(admin_client: TestClient) -> None:
    assert_error(admin_client.delete(f"{PROJECTS}/nope"), 404)


def test_project_environment__remove_then_add__flag_rows_follow(
    admin_client: TestClient, context: AppContext
) -> None:
    create_flag(admin_client, "f")
    admin_client.post(
        f"{PROJECTS}/default/features/f/environments/production/strategies",
        json={"name": "default"},
    )
    response = admin_client.delete(f"{PROJECTS}/default/environments/production")
    assert response.status_code == 200, response.text
    flag = admin_client.get(f"{PROJECTS}/default/features/f").json()
    assert [e["name"] for e in flag["environments"]] == ["development"]

    response = admin_client.post(
        f"{PROJECTS}/default/environments", json={"environment": "production"}
    )
    assert response.status_code == 200, response.text
    flag = admin_client.get(f"{PROJECTS}/default/features/f").json()
    production = flag["environments"][1]
    assert (production["name"], production["enabled"], production["strategies"]) == (
        "production",
        False,
        [],
    )
    types = [e.type for e in events(context) if e.type.startswith("project-environment")]
    assert types == ["project-environment-removed", "project-environment-added"]


def test_project_environment__add_twice__409(admin_client: TestClient) -> None:
    response = admin_client.post(
        f"{PROJECTS}/default/environments", json={"environment": "production"}
    )
    assert_error(response, 409, "production")


def test_project_environment__unknown_environment__404(admin_client: TestClient) -> None:
    response = admin_client.post(f"{PROJECTS}/default/environments", json={"environment": "mars"})
    assert_error(response, 404, "mars")


def test_project_environment__remove_last__400(admin_client: TestClient) -> None:
    admin_client.delete(f"{PROJECTS}/default/environments/production")
    response = admin_client.delete(f"{PROJECTS}/default/environments/development")
    assert_error(response, 400, "one active environment")


def test_project_environment__viewer__403(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    viewer = make_caller(context, new_client, "Viewer")
    response = viewer.client.delete(f"{PROJECTS}/default/environments/production")
    assert_error(response, 403, "UPDATE_PROJECT")


def test_project_environments__listed_for_project(admin_client: TestClient) -> None:
    admin_client.delete(f"{PROJECTS}/default/environments/production")
    response = admin_client.get("/api/admin/environments/project/default")
    assert [e["name"] for e in response.json()["environments"]] == ["development"]
