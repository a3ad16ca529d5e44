"""POST /api/admin/features-batch/validate: Unleash's errors, warnings and permissions, and the
import refusing what validation calls an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.flags.support import (
    add_strategy,
    assert_error,
    create_flag,
    features_url,
    make_caller,
    make_project,
    snapshot,
)
from tests.api.transfer.support import IMPORT, VALIDATE, ok

EMPTY: dict[str, Any] = {"features": [], "featureStrategies": [], "tagTypes": []}


def document(**sections: Any) -> dict[str, Any]:
    return {**EMPTY, **sections}


def body(data: dict[str, Any], project: str = "default", env: str = "development") -> Any:
    return {"project": project, "environment": env, "data": data}


def validate(client: TestClient, data: dict[str, Any], **where: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.post(VALIDATE, json=body(data, **where)))
    return result


def messages(findings: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {f["message"]: f["affectedItems"] for f in findings}


def test_validate__unleash_scenario__errors_warnings_permissions(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    """Unleash's own e2e case (export-import-permissions.e2e.test.ts), asked by a viewer."""
    create_flag(admin_client, "archived_feature")
    assert admin_client.delete(features_url("default", "archived_feature")).status_code == 202
    create_flag(admin_client, "existing_feature")
    add_strategy(admin_client, "existing_feature")
    ok(
        admin_client.post(
            "/api/admin/context",
            json={"name": "validate_context_field", "legalValues": [{"value": "Value1"}]},
        )
    )
    variants = [
        {"name": "variantA", "weight": 500, "weightType": "variable", "stickiness": "default"},
        {"name": "variantB", "weight": 500, "weightType": "variable", "stickiness": "default"},
    ]
    data = document(
        features=[
            {"project": "old_project", "name": name}
            for name in ("archived_feature", "new_feature", "existing_feature")
        ],
        featureStrategies=[{"name": "customStrategy", "featureName": "new_feature"}],
        featureEnvironments=[
            {
                "enabled": True,
                "featureName": "new_feature",
                "name": "new_feature",
                "variants": variants,
            }
        ],
        featureTags=[{"featureName": "new_feature", "tagType": "special_tag", "tagValue": "x1"}],
        tagTypes=[{"name": "special_tag", "description": "special"}] * 2,
        segments=[{"id": 1, "name": "customSegment"}],
        contextFields=[
            {"name": "validate_context_field", "legalValues": [{"value": "Value2"}]},
            {"name": "created_context_field", "legalValues": [{"value": "new_value"}]},
        ],
    )
    viewer = make_caller(context, new_client, "Viewer").client

    result = validate(viewer, data)

    assert result["errors"] == [
        {
            "message": "We detected the following custom strategy that needs to be created first:",
            "affectedItems": ["customStrategy"],
        },
        {
            "message": "We detected the following context fields that do not have matching legal "
            "values with the imported ones:",
            "affectedItems": ["validate_context_field"],
        },
        {
            "message": "We detected the following segments that need to be created first:",
            "affectedItems": ["customSegment"],
        },
    ]
    assert result["warnings"] == [
        {
            "message": "The following features will not be imported as they are currently "
            "archived. To import them, please unarchive them first:",
            "affectedItems": ["archived_feature"],
        },
        {
            "message": "The following features already exist in this project and will be "
            "overwritten:",
            "affectedItems": ["existing_feature"],
        },
    ]
    assert result["permissions"] == [
        {
            "message": "We detected you are missing the following permissions:",
            "affectedItems": [
                "Update feature flags",
                "Create feature flags",
                "Create tag types",
                "Create context fields",
                "Delete activation strategies",
                "Create activation strategies",
                "Update variants",
                "Enable/disable flags",
            ],
        }
    ]


def test_validate__admin__clean_document__nothing_to_say(admin_client: TestClient) -> None:
    data = document(features=[{"name": "fresh"}])
    assert validate(admin_client, data) == {"errors": [], "warnings": [], "permissions": []}


def test_validate__changes_nothing(admin_client: TestClient, context: AppContext) -> None:
    data = document(
        features=[{"name": "fresh"}],
        featureStrategies=[{"name": "default", "featureName": "fresh"}],
        contextFields=[{"name": "brand-new"}],
        featureTags=[{"featureName": "fresh", "tagType": "new-type", "tagValue": "v1"}],
        tagTypes=[{"name": "new-type"}],
    )
    before = snapshot(context)

    assert validate(admin_client, data)["errors"] == []

    assert snapshot(context) == before


def _other_project_flag(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "other")
    create_flag(admin_client, "taken", "other")


def _other_project_field(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "other")
    ok(admin_client.post("/api/admin/projects/other/context", json={"name": "theirs"}))


CASES: list[
    tuple[str, Callable[[TestClient, AppContext], None], dict[str, Any], str, list[str]]
] = [
    (
        "other project",
        _other_project_flag,
        document(features=[{"name": "taken"}]),
        "You cannot import a features that already exist in other projects. You already have "
        "the following features defined outside of project default:",
        ["taken (in project other)"],
    ),
    (
        "duplicates",
        lambda c, x: None,
        document(features=[{"name": "twice"}, {"name": "twice"}, {"name": "once"}]),
        "We detected the following features are duplicate in your import data:",
        ["twice"],
    ),
    (
        "missing parent",
        lambda c, x: None,
        document(
            features=[{"name": "child"}],
            dependencies=[{"feature": "child", "dependencies": [{"feature": "ghost"}]}],
        ),
        "We detected the following dependencies that need to be created first:",
        ["ghost"],
    ),
    (
        "parent in another project",
        _other_project_flag,
        document(
            features=[{"name": "child"}],
            dependencies=[{"feature": "child", "dependencies": [{"feature": "taken"}]}],
        ),
        "We detected the following dependencies that need to be created first:",
        ["taken"],
    ),
    (
        "segment id not listed",
        lambda c, x: None,
        document(
            features=[{"name": "f"}],
            featureStrategies=[{"name": "default", "featureName": "f", "segments": [7]}],
        ),
        "We detected the following segments that need to be created first:",
        ["segment id 7 (not in the import's segments)"],
    ),
    (
        "strategy of no imported flag",
        lambda c, x: None,
        document(features=[{"name": "f"}], featureStrategies=[{"name": "default"}]),
        "The following items belong to features that are not in the import's `features` list:",
        ["strategy default of (no flag)"],
    ),
    (
        "state of no imported flag",
        lambda c, x: None,
        document(featureEnvironments=[{"name": "stray", "enabled": True}]),
        "The following items belong to features that are not in the import's `features` list:",
        ["state of stray"],
    ),
    (
        "unknown tag type",
        lambda c, x: None,
        document(
            features=[{"name": "f"}],
            featureTags=[{"featureName": "f", "tagType": "nowhere", "tagValue": "v1"}],
        ),
        "The following tags use tag types that neither exist nor are imported:",
        ["nowhere:v1"],
    ),
    (
        "invalid flag name",
        lambda c, x: None,
        document(features=[{"name": "x" * 101}]),
        "The following feature names are not valid flag names:",
        ["x" * 101],
    ),
    (
        "field of another project",
        _other_project_field,
        document(contextFields=[{"name": "theirs"}]),
        "We detected the following context fields that do not have matching legal values with "
        "the imported ones:",
        ["theirs"],
    ),
]


@pytest.mark.parametrize(
    ("setup", "data", "message", "affected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_validate__error__reported_and_import_refused_400(
    admin_client: TestClient,
    context: AppContext,
    setup: Callable[[TestClient, AppContext], None],
    data: dict[str, Any],
    message: str,
    affected: list[str],
) -> None:
    setup(admin_client, context)

    assert messages(validate(admin_client, data)["errors"]) == {message: affected}

    before = snapshot(context)
    assert_error(admin_client.post(IMPORT, json=body(data)), 400, message, affected[0])
    assert snapshot(context) == before


def test_validate__environment_not_in_project__error(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "narrow")
    response = admin_client.delete("/api/admin/projects/narrow/environments/production")
    assert response.status_code == 200, response.text

    result = validate(
        admin_client, document(features=[{"name": "f"}]), project="narrow", env="production"
    )

    assert messages(result["errors"]) == {
        "The target project does not use the following environment; add it to the project first:": [
            "production"
        ]
    }


def test_validate__feature_limit__error(admin_client: TestClient, context: AppContext) -> None:
    make_project(context, "small")
    response = admin_client.put(
        "/api/admin/projects/small", json={"name": "Small", "featureLimit": 1}
    )
    assert response.status_code == 200, response.text
    create_flag(admin_client, "first", "small")

    result = validate(
        admin_client, document(features=[{"name": "first"}, {"name": "second"}]), project="small"
    )

    assert result["errors"] == [
        {
            "message": "We detected you want to create 1 new features to a project that already "
            "has 1 existing features, exceeding the maximum limit of 1.",
            "affectedItems": [],
        }
    ]


def test_validate__custom_strategy_and_links__warnings(admin_client: TestClient) -> None:
    ok(admin_client.post("/api/admin/strategies", json={"name": "my-custom", "parameters": []}))
    data = document(
        features=[{"name": "f"}],
        featureStrategies=[{"name": "my-custom", "featureName": "f"}],
        links=[{"feature": "f", "links": [{"url": "https://example.com"}]}],
    )

    result = validate(admin_client, data)

    assert result["errors"] == []
    assert messages(result["warnings"]) == {
        "The following strategy types will be used in import. Please make sure the strategy "
        "type parameters are configured as in source environment:": ["my-custom"],
        "Flagstaff keeps no feature links; the links of these features will not be imported:": [
            "f"
        ],
    }


def test_import__flag_archived_in_another_project__warned_and_skipped(
    admin_client: TestClient, context: AppContext
) -> None:
    make_project(context, "other")
    create_flag(admin_client, "retired", "other")
    assert admin_client.delete(features_url("other", "retired")).status_code == 202
    data = document(
        features=[{"name": "retired"}, {"name": "fresh"}],
        featureStrategies=[
            {"name": "default", "featureName": "retired"},
            {"name": "default", "featureName": "fresh"},
        ],
        featureEnvironments=[{"name": "retired", "enabled": True}],
        featureTags=[{"featureName": "retired", "tagType": "simple", "tagValue": "old"}],
    )

    result = validate(admin_client, data)

    assert result["errors"] == []
    assert messages(result["warnings"]) == {
        "The following features will not be imported as they are currently archived. To "
        "import them, please unarchive them first:": ["retired"]
    }
    ok(admin_client.post(IMPORT, json=body(data)))
    archived = ok(admin_client.get("/api/admin/archive/features/other"))["features"]
    assert [f["name"] for f in archived] == ["retired"]
    assert ok(admin_client.get("/api/admin/features/retired/tags"))["tags"] == []
    assert admin_client.get(features_url("default", "fresh")).status_code == 200
