"""Export, then import elsewhere: the Client API then serves the same flags, and each change was
recorded with its usual event."""

from __future__ import annotations

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import env_url, events, features_url, make_project
from tests.api.transfer.support import IMPORT, build_source, client_payload, export, ok


def _import(client: TestClient, project: str, environment: str, data: object) -> None:
    body = {"project": project, "environment": environment, "data": data}
    ok(client.post(IMPORT, json=body))


def test_roundtrip__other_environment__client_payload_matches(
    admin_client: TestClient, context: AppContext
) -> None:
    build_source(admin_client)
    source = client_payload(admin_client, context, "default", "development")
    assert client_payload(admin_client, context, "default", "production") != source
    data = export(admin_client, project="default", environment="development")

    _import(admin_client, "default", "production", data)

    assert client_payload(admin_client, context, "default", "production") == source
    # The source environment is untouched.
    assert client_payload(admin_client, context, "default", "development") == source


def test_roundtrip__other_project__client_payload_matches(
    admin_client: TestClient, context: AppContext
) -> None:
    build_source(admin_client)
    source = client_payload(admin_client, context, "default", "development")
    data = export(admin_client, project="default", environment="development")
    # Flag names are unique across projects: the source flags go before the copy arrives.
    ok(admin_client.delete(features_url("default", "src-child", "dependencies")))
    for name in ("src-child", "src-parent"):
        assert admin_client.delete(features_url("default", name)).status_code == 202
        ok(admin_client.delete(f"/api/admin/archive/{name}"))
    make_project(context, "target")

    _import(admin_client, "target", "development", data)

    assert client_payload(admin_client, context, "target", "development") == source
    types = [e.type for e in events(context) if e.project == "target"]
    for expected in (
        "feature-created",
        "feature-tagged",
        "feature-strategy-add",
        "feature-environment-variants-updated",
        "feature-environment-enabled",
        "feature-dependency-added",
        "features-imported",
    ):
        assert expected in types, expected
    imported = events(context, "features-imported")[-1]
    assert (imported.project, imported.environment) == ("target", "development")


def test_import__again__replaces_strategies_and_tags(
    admin_client: TestClient, context: AppContext
) -> None:
    build_source(admin_client)
    data = export(admin_client, project="default", environment="development")
    _import(admin_client, "default", "production", data)
    # Production drifts: another strategy, another tag, switched off.
    ok(
        admin_client.post(
            env_url("src-parent", "production") + "/strategies", json={"name": "default"}
        )
    )
    ok(admin_client.post(env_url("src-parent", "production") + "/off"))
    ok(
        admin_client.put(
            "/api/admin/features/src-parent/tags",
            json={"addedTags": [{"type": "team", "value": "drift"}]},
        )
    )
    before = len(events(context))

    _import(admin_client, "default", "production", data)

    new = [e.type for e in events(context)[before:]]
    assert client_payload(admin_client, context, "default", "production") == client_payload(
        admin_client, context, "default", "development"
    )
    tags = ok(admin_client.get("/api/admin/features/src-parent/tags"))["tags"]
    assert tags == []
    # Every strategy the flags had there goes: the parent's two, the child's two.
    assert new.count("feature-strategy-remove") == 4
    assert "feature-untagged" in new
    assert "feature-environment-enabled" in new
    assert new[-1] == "features-imported"


def test_import__empty_document__only_the_import_event(
    admin_client: TestClient, context: AppContext
) -> None:
    data: dict[str, list[object]] = {"features": [], "featureStrategies": [], "tagTypes": []}
    before = len(events(context))

    _import(admin_client, "default", "development", data)

    assert [e.type for e in events(context)[before:]] == ["features-imported"]
