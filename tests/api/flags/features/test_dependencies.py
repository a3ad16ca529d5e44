"""Dependencies between flags: parents in the same project, no cycles, no missing parents."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    events,
    features_url,
    make_project,
    seed_environment_variants,
    snapshot,
)


def deps_url(child: str, project: str = "default") -> str:
    return features_url(project, child, "dependencies")


@pytest.fixture
def flags(admin_client: TestClient) -> None:
    for name in ("parent", "child", "grandchild"):
        create_flag(admin_client, name)


@pytest.mark.usefixtures("flags")
def test_add_dependency__shown_on_both_flags_with_event(
    admin_client: TestClient, context: AppContext
) -> None:
    response = admin_client.post(
        deps_url("child"), json={"feature": "parent", "enabled": True, "variants": ["blue"]}
    )
    assert response.status_code == 200, response.text
    child = admin_client.get(features_url("default", "child")).json()
    assert child["dependencies"] == [{"feature": "parent", "enabled": True, "variants": ["blue"]}]
    assert admin_client.get(features_url("default", "parent")).json()["children"] == ["child"]
    [event] = events(context, "feature-dependency-added")
    assert (event.feature_name, event.data["feature"]) == ("child", "parent")


@pytest.mark.usefixtures("flags")
def test_add_dependency__again__updated_not_duplicated(admin_client: TestClient) -> None:
    admin_client.post(deps_url("child"), json={"feature": "parent"})
    admin_client.post(deps_url("child"), json={"feature": "parent", "enabled": False})
    child = admin_client.get(features_url("default", "child")).json()
    assert child["dependencies"] == [{"feature": "parent", "enabled": False, "variants": []}]


@pytest.mark.usefixtures("flags")
def test_add_dependency__chain__allowed_unlike_unleash(admin_client: TestClient) -> None:
    assert admin_client.post(deps_url("child"), json={"feature": "parent"}).status_code == 200
    response = admin_client.post(deps_url("grandchild"), json={"feature": "child"})
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("flags")
def test_add_dependency__cycle__400_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    admin_client.post(deps_url("child"), json={"feature": "parent"})
    admin_client.post(deps_url("grandchild"), json={"feature": "child"})
    before = snapshot(context)
    response = admin_client.post(deps_url("parent"), json={"feature": "grandchild"})
    assert_error(response, 400, "cycle")
    assert snapshot(context) == before


@pytest.mark.usefixtures("flags")
def test_add_dependency__on_itself__400(admin_client: TestClient) -> None:
    assert_error(admin_client.post(deps_url("child"), json={"feature": "child"}), 400, "itself")


@pytest.mark.usefixtures("flags")
def test_add_dependency__missing_or_archived_parent__400(
    admin_client: TestClient, context: AppContext
) -> None:
    before = snapshot(context)
    response = admin_client.post(deps_url("child"), json={"feature": "parent.not.exist"})
    assert_error(response, 400, "parent.not.exist")
    assert snapshot(context) == before
    admin_client.delete(features_url("default", "grandchild"))
    assert_error(admin_client.post(deps_url("child"), json={"feature": "grandchild"}), 400)


@pytest.mark.usefixtures("flags")
def test_add_dependency__parent_in_other_project__400(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "checkout")
    create_flag(admin_client, "elsewhere", project="checkout")
    response = admin_client.post(deps_url("child"), json={"feature": "elsewhere"})
    assert_error(response, 400, "checkout")


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"feature": 1},
        {"feature": "parent", "enabled": "no"},
        {"feature": "parent", "variants": "a"},
    ],
)
def test_add_dependency__bad_body__400(admin_client: TestClient, body: dict[str, object]) -> None:
    assert_error(admin_client.post(deps_url("child"), json=body), 400)


def test_add_dependency__unknown_child__404(admin_client: TestClient) -> None:
    create_flag(admin_client, "parent")
    assert_error(admin_client.post(deps_url("nope"), json={"feature": "parent"}), 404, "nope")


@pytest.mark.usefixtures("flags")
def test_remove_dependency__one_and_all(admin_client: TestClient, context: AppContext) -> None:
    admin_client.post(deps_url("grandchild"), json={"feature": "parent"})
    admin_client.post(deps_url("grandchild"), json={"feature": "child"})
    assert admin_client.delete(deps_url("grandchild") + "/parent").status_code == 200
    body = admin_client.get(features_url("default", "grandchild")).json()
    assert [d["feature"] for d in body["dependencies"]] == ["child"]
    assert admin_client.delete(deps_url("grandchild")).status_code == 200
    assert admin_client.get(features_url("default", "grandchild")).json()["dependencies"] == []
    assert len(events(context, "feature-dependency-removed")) == 1
    assert len(events(context, "feature-dependencies-removed")) == 1


@pytest.mark.usefixtures("flags")
def test_parent_options__exclude_self_and_cycles(admin_client: TestClient) -> None:
    admin_client.post(deps_url("child"), json={"feature": "parent"})
    options = admin_client.get(features_url("default", "parent", "parents")).json()
    assert options == ["grandchild"]
    assert admin_client.get("/api/admin/projects/default/dependencies").json() is True


def variants(*names: str) -> list[dict[str, object]]:
    return [{"name": name, "weight": 1, "weightType": "variable"} for name in names]


def parent_variants_url(parent: str, project: str = "default") -> str:
    return features_url(project, parent, "parent-variants")


@pytest.mark.usefixtures("flags")
def test_parent_variants__from_strategies_and_environments_sorted_once(
    admin_client: TestClient, context: AppContext
) -> None:
    assert admin_client.get(parent_variants_url("parent")).json() == []
    add_strategy(admin_client, "parent", variants=variants("red", "blue"))
    add_strategy(admin_client, "parent", "production", variants=variants("green"))
    seed_environment_variants(admin_client, "parent", variants("yellow", "blue"))
    add_strategy(admin_client, "child", variants=variants("other-flag"))
    before = snapshot(context)
    response = admin_client.get(parent_variants_url("parent"))
    assert response.status_code == 200, response.text
    assert response.json() == ["blue", "green", "red", "yellow"]
    assert snapshot(context) == before


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("project", "parent", "fragment"),
    [("default", "nope", "nope"), ("nope", "parent", "nope"), ("checkout", "parent", "parent")],
)
def test_parent_variants__unknown_flag_or_project_or_other_project__404(
    admin_client: TestClient, context: AppContext, project: str, parent: str, fragment: str
) -> None:
    make_project(context, "checkout")
    assert_error(admin_client.get(parent_variants_url(parent, project)), 404, fragment)


@pytest.mark.usefixtures("flags")
def test_parent_variants__archived_parent__404(admin_client: TestClient) -> None:
    assert admin_client.delete(features_url("default", "grandchild")).status_code == 202
    assert_error(admin_client.get(parent_variants_url("grandchild")), 404, "grandchild")


@pytest.mark.usefixtures("flags")
@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("editor", 200),
        ("viewer", 200),  # any account may read, as in Unleash
        ("service-viewer", 200),
        ("admin-token", 200),
        ("client-token", 403),
        ("frontend-token", 403),
    ],
)
def test_parent_variants__callers(
    admin_client: TestClient,
    context: AppContext,
    new_client: Callable[[], TestClient],
    kind: str,
    status: int,
) -> None:
    add_strategy(admin_client, "parent", variants=variants("blue"))
    caller = make_kind(kind, context, admin_client, new_client)
    response = caller.get(parent_variants_url("parent"))
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json() == ["blue"]
    else:
        assert_error(response, status)
