"""The addons API: providers, create, read, update, delete, masking of sensitive parameters,
the events every change records, and who may do what."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.events.models import Event, OutboxEntry
from flagstaff.http.context import AppContext
from tests.api.addons.helpers import BASE, create, create_flag, webhook
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.webhook_receiver import Receiver


def test_list__fresh_server__no_addons_and_the_webhook_provider(admin_client: TestClient) -> None:
    body = admin_client.get(BASE).json()
    assert body["addons"] == []
    [provider] = body["providers"]
    assert provider["name"] == "webhook"
    names = [p["name"] for p in provider["parameters"]]
    assert names == ["url", "contentType", "bodyTemplate", "authorization", "customHeaders"]
    sensitive = {p["name"] for p in provider["parameters"] if p["sensitive"]}
    assert sensitive == {"authorization", "customHeaders"}
    for lifecycle in ("pat-expiring", "token-reuse-detected", "token-leak-reported"):
        assert lifecycle in provider["events"]


def test_create__webhook__returned_with_signing_secret_once(admin_client: TestClient) -> None:
    created = create(
        admin_client,
        webhook(
            "https://hooks.example.com/x",
            ["feature-created", "feature-archived"],
            projects=["default"],
            environments=[],
            parameters={"authorization": "Bearer top-secret", "contentType": "application/json"},
        ),
    )
    assert created["signingSecret"].startswith("whsec_")
    assert created["parameters"] == {
        "url": "https://hooks.example.com/x",
        "contentType": "application/json",
        "authorization": "*****",
    }
    assert created["events"] == ["feature-created", "feature-archived"]
    assert created["projects"] == ["default"]
    read = admin_client.get(f"{BASE}/{created['id']}").json()
    listed = admin_client.get(BASE).json()["addons"]
    for shown in (read, *listed):
        assert "signingSecret" not in shown
        assert shown["parameters"]["authorization"] == "*****"
        assert "top-secret" not in str(shown)


def test_changes__recorded_as_events__without_secrets(admin_client: TestClient) -> None:
    body = webhook("https://hooks.example.com/x", parameters={"authorization": "Bearer zzsecret"})
    created = create(admin_client, body)
    addon_id = created["id"]
    body["description"] = "changed"
    assert admin_client.put(f"{BASE}/{addon_id}", json=body).status_code == 200
    assert admin_client.delete(f"{BASE}/{addon_id}").status_code == 200
    found = admin_client.get(
        "/api/admin/search/events?type=IS_ANY_OF:addon-config-created,"
        "addon-config-updated,addon-config-deleted"
    ).json()
    types = sorted(e["type"] for e in found["events"])
    assert types == ["addon-config-created", "addon-config-deleted", "addon-config-updated"]
    assert "zzsecret" not in str(found)
    assert created["signingSecret"] not in str(found)


def test_update__masked_value_sent_back__stored_value_kept(
    admin_client: TestClient, hook: Receiver
) -> None:
    body = webhook(hook.url, parameters={"authorization": "Bearer original"})
    created = create(admin_client, body)
    hook.secrets.append(created["signingSecret"])
    body["parameters"] = {"url": hook.url, "authorization": "*****"}
    body["description"] = "renamed"
    updated = admin_client.put(f"{BASE}/{created['id']}", json=body)
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "renamed"
    assert updated.json()["parameters"]["authorization"] == "*****"
    create_flag(admin_client, "masked-kept")
    [received] = hook.wait_for(1)
    assert received.headers["authorization"] == "Bearer original"


def test_update__sensitive_parameter_left_out__removed(admin_client: TestClient) -> None:
    body = webhook("https://hooks.example.com/x", parameters={"authorization": "Bearer a"})
    created = create(admin_client, body)
    body["parameters"] = {"url": "https://hooks.example.com/x"}
    updated = admin_client.put(f"{BASE}/{created['id']}", json=body).json()
    assert "authorization" not in updated["parameters"]


def test_update__provider_changed__400(admin_client: TestClient) -> None:
    body = webhook("https://hooks.example.com/x")
    created = create(admin_client, body)
    body["provider"] = "slack"
    assert admin_client.put(f"{BASE}/{created['id']}", json=body).status_code == 400


def test_delete__addon__gone_with_its_pending_deliveries(
    admin_client: TestClient, context: AppContext
) -> None:
    # A receiver nobody listens on: the entry waits in the outbox.
    created = create(admin_client, webhook("http://127.0.0.1:9/none"))
    create_flag(admin_client, "pending-flag")
    assert admin_client.delete(f"{BASE}/{created['id']}").status_code == 200
    assert admin_client.get(f"{BASE}/{created['id']}").status_code == 404
    with context.database.session(write=False) as session:
        pending = session.scalar(
            select(func.count(OutboxEntry.id)).where(OutboxEntry.subscription_id == created["id"])
        )
    assert pending == 0


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("put", ""), ("delete", ""), ("get", "/events")],
)
def test_unknown_id__404(admin_client: TestClient, method: str, suffix: str) -> None:
    body = webhook("https://hooks.example.com/x")
    kwargs = {"json": body} if method == "put" else {}
    response = admin_client.request(method.upper(), f"{BASE}/4242{suffix}", **kwargs)
    assert response.status_code == 404, response.text
    assert response.json()["name"] == "NotFoundError"


@pytest.mark.parametrize("addon_id", ["abc", "0", "-1", "99999999999"])
def test_bad_id__400(admin_client: TestClient, addon_id: str) -> None:
    response = admin_client.get(f"{BASE}/{addon_id}")
    assert response.status_code == 400, response.text


# --- who may do what ---


def test_viewer__reads_yes_changes_and_log_no(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    created = create(admin_client, webhook("https://hooks.example.com/x"))
    viewer = user_client("Viewer")
    assert viewer.get(BASE).status_code == 200
    assert viewer.get(f"{BASE}/{created['id']}").json()["parameters"]["url"]
    body = webhook("https://hooks.example.com/y")
    for method, path, expected in (
        ("POST", BASE, "CREATE_ADDON"),
        ("PUT", f"{BASE}/{created['id']}", "UPDATE_ADDON"),
        ("DELETE", f"{BASE}/{created['id']}", "DELETE_ADDON"),
        ("GET", f"{BASE}/{created['id']}/events", "UPDATE_ADDON"),
    ):
        response = viewer.request(method, path, json=body if method != "DELETE" else None)
        assert response.status_code == 403, (method, path, response.text)
        assert expected in response.text


def test_editor__holds_the_addon_permissions_as_in_unleash(
    user_client: Callable[..., TestClient],
) -> None:
    editor = user_client("Editor")
    created = create(editor, webhook("https://hooks.example.com/x"))
    assert editor.get(f"{BASE}/{created['id']}/events").status_code == 200
    assert editor.delete(f"{BASE}/{created['id']}").status_code == 200


@pytest.mark.parametrize("kind", ["client", "frontend"])
def test_sdk_token__wrong_kind__403(client: TestClient, context: AppContext, kind: str) -> None:
    headers = auth(make_api_token(context, kind))
    assert client.get(BASE, headers=headers).status_code == 403
    response = client.post(BASE, json=webhook("https://hooks.example.com/x"), headers=headers)
    assert response.status_code == 403


def test_admin_api_token__creates(client: TestClient, context: AppContext) -> None:
    headers = auth(make_api_token(context, "admin", environment="*"))
    response = client.post(BASE, json=webhook("https://hooks.example.com/x"), headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("POST", ""), ("GET", "/1/events")])
def test_no_credential__401(client: TestClient, method: str, suffix: str) -> None:
    body = webhook("https://hooks.example.com/x") if method == "POST" else None
    assert client.request(method, f"{BASE}{suffix}", json=body).status_code == 401


def test_event_count__unchanged_by_reads(admin_client: TestClient, context: AppContext) -> None:
    create(admin_client, webhook("https://hooks.example.com/x"))
    with context.database.session(write=False) as session:
        before = session.scalar(select(func.count(Event.id)))
    admin_client.get(BASE)
    with context.database.session(write=False) as session:
        assert session.scalar(select(func.count(Event.id))) == before
