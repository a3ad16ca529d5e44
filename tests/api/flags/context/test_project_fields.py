"""/api/admin/projects/{projectId}/context: a project's own fields."""

from __future__ import annotations

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.context.support import CONTEXT, create_field, project_context
from tests.api.flags.support import assert_error, events, make_project, snapshot


def test_create__path_project_wins_over_body(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "shop")
    body = create_field(admin_client, "cart", base=project_context("shop"), project="other")
    assert body["project"] == "shop"
    [event] = events(context, "context-field-created")
    assert event.project == "shop"


def test_list__own_fields_and_root_on_request(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "shop")
    make_project(context, "bank")
    create_field(admin_client, "region")
    create_field(admin_client, "cart", base=project_context("shop"))
    create_field(admin_client, "vault", base=project_context("bank"))
    own = admin_client.get(project_context("shop")).json()
    assert [f["name"] for f in own] == ["cart"]
    assert own[0]["usedInFeatures"] == 0
    with_root = [
        f["name"]
        for f in admin_client.get(project_context("shop"), params={"include": "root"}).json()
    ]
    assert {"cart", "region"} <= set(with_root)
    assert "vault" not in with_root


def test_get__own_or_global_field__other_projects_404(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "shop")
    make_project(context, "bank")
    create_field(admin_client, "region")
    create_field(admin_client, "vault", base=project_context("bank"))
    assert admin_client.get(f"{project_context('shop')}/region").status_code == 200
    assert admin_client.get(f"{project_context('bank')}/vault").json()["project"] == "bank"
    assert_error(admin_client.get(f"{project_context('shop')}/vault"), 404, "shop")


def test_changes__only_to_the_projects_own_fields(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "shop")
    create_field(admin_client, "region")
    create_field(admin_client, "cart", base=project_context("shop"))
    base = project_context("shop")
    before = snapshot(context)
    assert_error(admin_client.put(f"{base}/region", json={}), 404, "region")
    assert_error(admin_client.delete(f"{base}/region"), 404)
    assert_error(admin_client.post(f"{base}/region/legal-values", json={"value": "v"}), 404)
    assert snapshot(context) == before
    assert admin_client.put(f"{base}/cart", json={"description": "Cart"}).status_code == 200
    assert admin_client.post(f"{base}/cart/legal-values", json={"value": "v"}).status_code == 200
    assert admin_client.delete(f"{base}/cart/legal-values/v").status_code == 200
    field = admin_client.get(f"{CONTEXT}/cart").json()
    assert (field["description"], field["legalValues"], field["project"]) == ("Cart", [], "shop")
    assert admin_client.post(f"{base}/validate", json={"name": "cart"}).status_code == 409
    assert admin_client.delete(f"{base}/cart").status_code == 200
    [event] = events(context, "context-field-deleted")
    assert event.project == "shop"
