"""Instance statistics: Unleash's fields, real counts, Admins only."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.accounts.support import assert_error, make_service_account
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.flags.caller_kinds import make_kind
from tests.api.flags.support import add_strategy, create_flag, make_project
from tests.factories import make_user

URL = "/api/admin/instance-admin/statistics"
# The keys and their order in Unleash 8.2's response (and CSV header).
UNLEASH_KEYS = [
    "timestamp", "instanceId", "versionOSS", "versionEnterprise", "users", "serviceAccounts",
    "apiTokens", "activeUsers", "licensedUsers", "featureToggles", "archivedFeatureToggles",
    "projects", "contextFields", "roles", "customRootRoles", "customRootRolesInUse", "groups",
    "environments", "segments", "strategies", "SAMLenabled", "OIDCenabled",
    "passwordAuthEnabled", "SCIMenabled", "clientApps", "featureExports", "featureImports",
    "productionChanges", "previousDayMetricsBucketsCount", "maxEnvironmentStrategies",
    "maxConstraintValues", "maxConstraints", "releaseTemplates", "releasePlans",
    "edgeInstanceUsage", "readOnlyUsers", "sum",
]  # fmt: skip


def stats(client: TestClient) -> dict[str, object]:
    response = client.get(URL)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_statistics__admin__unleash_fields_in_order_and_signed(admin_client: TestClient) -> None:
    body = stats(admin_client)
    assert list(body) == UNLEASH_KEYS
    signed = "".join(
        str(body[k])
        for k in (
            "instanceId", "users", "featureToggles", "projects", "roles", "groups",
            "environments", "segments",
        )
    )  # fmt: skip
    assert body["sum"] == hashlib.sha256(signed.encode()).hexdigest()
    assert body["groups"] == 0
    assert body["SAMLenabled"] is False
    assert body["passwordAuthEnabled"] is True
    assert [a["range"] for a in body["clientApps"]] == ["7d", "30d", "allTime"]  # type: ignore[attr-defined]
    assert len(body["edgeInstanceUsage"]) == 12  # type: ignore[arg-type]
    # Logged in just now: the caller counts as active.
    assert body["activeUsers"] == {"last7": 1, "last30": 1, "last60": 1, "last90": 1}


def test_statistics__instance_id__stable_between_requests(admin_client: TestClient) -> None:
    first, second = stats(admin_client)["instanceId"], stats(admin_client)["instanceId"]
    assert first == second
    assert isinstance(first, str)
    assert len(first) == 36


def test_statistics__things_created__figures_follow(
    admin_client: TestClient, context: AppContext
) -> None:
    before = stats(admin_client)
    make_user(context, email="someone@example.com")
    make_service_account(context)
    make_project(context, "second")
    create_flag(admin_client, "kept")
    create_flag(admin_client, "gone")
    add_strategy(
        admin_client,
        "kept",
        constraints=[
            {"contextName": "userId", "operator": "IN", "values": ["a", "b", "c"]},
            {"contextName": "userId", "operator": "IN", "values": ["d"]},
        ],
    )
    add_strategy(admin_client, "kept")
    assert admin_client.delete("/api/admin/projects/default/features/gone").status_code == 202
    make_api_token(context, "client")
    make_api_token(context, "frontend")
    response = admin_client.post("/api/admin/segments", json={"name": "beta", "constraints": []})
    assert response.status_code == 201, response.text

    after = stats(admin_client)
    assert after["users"] == before["users"] + 1  # type: ignore[operator]
    assert after["licensedUsers"] == before["licensedUsers"] + 1  # type: ignore[operator]
    assert after["serviceAccounts"] == before["serviceAccounts"] + 1  # type: ignore[operator]
    assert after["projects"] == before["projects"] + 1  # type: ignore[operator]
    assert after["featureToggles"] == before["featureToggles"] + 1  # type: ignore[operator]
    assert after["archivedFeatureToggles"] == before["archivedFeatureToggles"] + 1  # type: ignore[operator]
    assert after["segments"] == before["segments"] + 1  # type: ignore[operator]
    assert after["apiTokens"] == {"client": 1, "frontend": 1}
    assert after["maxEnvironmentStrategies"] == 2
    assert after["maxConstraints"] == 2
    assert after["maxConstraintValues"] == 3
    assert after["sum"] != before["sum"]


def test_statistics_csv__admin__unleash_header_and_row(admin_client: TestClient) -> None:
    response = admin_client.get(URL + "/csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="unleash-')
    header, row = response.text.split("\n")
    assert header == ",".join(f'"{k}"' for k in UNLEASH_KEYS)
    assert ',false,false,true,false,"[{""range"":""7d""' in row


@pytest.mark.parametrize("path", [URL, URL + "/csv"])
@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("editor", 403),
        ("viewer", 403),
        ("service-viewer", 403),
        ("client-token", 403),
        ("frontend-token", 403),
        ("admin-token", 200),
        ("service-admin", 200),
    ],
)
def test_statistics__caller_kind__admin_only(
    path: str,
    kind: str,
    status: int,
    context: AppContext,
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
) -> None:
    response = make_kind(kind, context, admin_client, new_client).get(path)
    assert response.status_code == status, response.text
    if status == 403:
        assert_error(response.json(), response.json()["name"])


def test_statistics__anonymous__401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(URL + "/csv").status_code == 401
