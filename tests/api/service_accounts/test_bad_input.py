"""Every service-account endpoint refuses bad input with a 4xx and writes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.service_accounts.helpers import BASE, create_account


def _counts(client: TestClient) -> tuple[int, int]:
    accounts = len(client.get(BASE).json()["serviceAccounts"])
    events = client.get("/api/admin/search/events?limit=1").json()["total"]
    return accounts, events


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "s", "name": "n"},
        {"username": "s", "rootRole": 3},
        {"name": "n", "rootRole": 3},
        {"username": 5, "name": "n", "rootRole": 3},
        {"username": "s", "name": 5, "rootRole": 3},
        {"username": "s", "name": "n", "rootRole": True},
        {"username": "s", "name": "n", "rootRole": None},
        {"username": "s", "name": "n", "rootRole": [3]},
        {"username": "s", "name": "n", "rootRole": 3.5},
        {"username": "", "name": "n", "rootRole": 3},
        {"username": "s", "name": "", "rootRole": 3},
        {"username": "s" * 256, "name": "n", "rootRole": 3},
        {"username": "s", "name": "n" * 256, "rootRole": 3},
        {"username": "has space", "name": "n", "rootRole": 3},
        {"username": "<script>", "name": "n", "rootRole": 3},
        {"username": "s", "name": "n", "rootRole": 999999},
        {"username": "s", "name": "n", "rootRole": "Member"},
    ],
)
def test_create__bad_body__400_and_nothing_written(
    admin_client: TestClient, body: dict[str, object]
) -> None:
    before = _counts(admin_client)
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert _counts(admin_client) == before


def test_create__not_json__415_and_malformed_json__400(admin_client: TestClient) -> None:
    before = _counts(admin_client)
    assert (
        admin_client.post(BASE, content="x", headers={"content-type": "text/plain"}).status_code
        == 415
    )
    malformed = admin_client.post(BASE, content="{", headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    assert _counts(admin_client) == before


def test_create__body_over_one_megabyte__413(admin_client: TestClient) -> None:
    body = '{"username": "s", "name": "' + "n" * 1_100_000 + '", "rootRole": 3}'
    response = admin_client.post(BASE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["name"] == "PayloadTooLargeError"


@pytest.mark.parametrize("path_id", ["999999", "0", "-1", "abc", "1.5", "99999999999999999999"])
def test_unknown_or_invalid_id__4xx_never_500(admin_client: TestClient, path_id: str) -> None:
    for method, path, body in (
        ("PUT", f"{BASE}/{path_id}", {"name": "x"}),
        ("DELETE", f"{BASE}/{path_id}", None),
        ("GET", f"{BASE}/{path_id}/token", None),
        (
            "POST",
            f"{BASE}/{path_id}/token",
            {"description": "x", "expiresAt": "2099-01-01T00:00:00Z"},
        ),
        ("DELETE", f"{BASE}/{path_id}/token/1", None),
        ("GET", f"{BASE}/{path_id}/permissions", None),
    ):
        response = admin_client.request(method, path, json=body)
        assert response.status_code in (400, 404), (method, path, response.status_code)
        assert "message" in response.json()


def test_update__bad_body__400_and_unchanged(admin_client: TestClient) -> None:
    account = create_account(admin_client)
    for body in ({"name": 5}, {"rootRole": "nope"}, {"rootRole": False}, {"name": "x" * 300}):
        response = admin_client.put(f"{BASE}/{account['id']}", json=body)
        assert response.status_code == 400, (body, response.text)
    unchanged = admin_client.get(BASE).json()["serviceAccounts"][0]
    assert (unchanged["name"], unchanged["rootRole"]) == ("CI", 2)


def test_name__with_markup__stored_and_returned_verbatim(admin_client: TestClient) -> None:
    response = admin_client.post(
        BASE, json={"username": "service-x", "name": "<script>alert(1)</script>", "rootRole": 3}
    )
    assert response.status_code == 201
    assert response.json()["name"] == "<script>alert(1)</script>"
