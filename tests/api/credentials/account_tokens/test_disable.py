"""Disabling and enabling service accounts, users and single tokens: refused at once with a
message that says why, restored by enabling, shown in lists, recorded as events."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    create_token,
    events_of,
    sa_with_token,
    tokens,
    whoami,
)
from tests.factories import PASSWORD, login, make_user


def test_service_account__disabled__its_tokens_refused_with_reason(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client)
    assert whoami(client, token["secret"]).status_code == 200

    assert admin_client.post(f"{BASE}/{account_id}/disable").status_code == 200

    assert_error(whoami(client, token["secret"]), 401, "account this token belongs to is disabled")
    listed = admin_client.get(BASE).json()["serviceAccounts"]
    assert [a["disabled"] for a in listed] == [True]
    assert tokens(admin_client, account_id)[0]["state"] == "disabled"
    assert [e.data["id"] for e in events_of(context, "service-account-disabled")] == [account_id]


def test_service_account__enabled_again__its_tokens_work_again(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client)
    admin_client.post(f"{BASE}/{account_id}/disable")
    assert whoami(client, token["secret"]).status_code == 401

    assert admin_client.post(f"{BASE}/{account_id}/enable").status_code == 200

    assert whoami(client, token["secret"]).status_code == 200
    assert tokens(admin_client, account_id)[0]["state"] == "active"
    assert len(events_of(context, "service-account-enabled")) == 1


def test_service_account__disabled_twice__one_event(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, _ = sa_with_token(admin_client)
    admin_client.post(f"{BASE}/{account_id}/disable")
    assert admin_client.post(f"{BASE}/{account_id}/disable").status_code == 200
    assert len(events_of(context, "service-account-disabled")) == 1


def test_service_account__disabled__cannot_disable_itself_or_others(
    admin_client: TestClient, client: TestClient
) -> None:
    account_id, token = sa_with_token(admin_client, role="Admin")
    response = client.post(
        f"{BASE}/{account_id}/disable", headers={"Authorization": token["secret"]}
    )
    assert_error(response, 403, "cannot disable or enable itself")


def test_service_account__disable__viewer_refused_unknown_404(
    admin_client: TestClient, user_client: Callable[..., TestClient]
) -> None:
    account_id, _ = sa_with_token(admin_client)
    viewer = user_client("Viewer")
    assert viewer.post(f"{BASE}/{account_id}/disable").status_code == 403
    assert_error(admin_client.post(f"{BASE}/999999/disable"), 404)
    assert admin_client.post(f"{BASE}/0/disable").status_code == 400
    assert admin_client.post(f"{BASE}/abc/enable").status_code == 400


def test_token__disabled__refused_others_of_the_account_still_work(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, first = sa_with_token(admin_client)
    second = create_token(admin_client, account_id, "second")

    response = admin_client.post(f"{BASE}/{account_id}/token/{first['id']}/disable")
    assert response.status_code == 200

    assert_error(whoami(client, first["secret"]), 401, "token is disabled")
    assert whoami(client, second["secret"]).status_code == 200
    states = {t["id"]: t["state"] for t in tokens(admin_client, account_id)}
    assert states == {first["id"]: "disabled", second["id"]: "active"}
    assert [e.data["id"] for e in events_of(context, "service-account-token-disabled")] == [
        first["id"]
    ]

    admin_client.post(f"{BASE}/{account_id}/token/{first['id']}/enable")
    assert whoami(client, first["secret"]).status_code == 200
    assert len(events_of(context, "service-account-token-enabled")) == 1


def test_token__disable_another_accounts_token__404(admin_client: TestClient) -> None:
    first_id, _ = sa_with_token(admin_client, "service-a")
    _, other = sa_with_token(admin_client, "service-b")
    response = admin_client.post(f"{BASE}/{first_id}/token/{other['id']}/disable")
    assert_error(response, 404)


def test_user__disabled__cannot_log_in_same_answer_as_wrong_password(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    user = make_user(context, role="Editor")
    wrong = new_client().post(
        "/auth/simple/login", json={"username": user.username, "password": "wrong-password"}
    )
    assert admin_client.post(f"/api/admin/user-admin/{user.id}/disable").status_code == 200

    refused = new_client().post(
        "/auth/simple/login", json={"username": user.username, "password": PASSWORD}
    )
    assert refused.status_code == wrong.status_code == 401
    assert {**refused.json(), "id": None} == {**wrong.json(), "id": None}
    assert [e.data["id"] for e in events_of(context, "user-disabled")] == [user.id]


def test_user__disabled__open_session_refused_enabled__accepted_again(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    user = make_user(context, role="Editor")
    session = login(new_client(), user.username)
    assert session.get("/api/admin/user").status_code == 200

    admin_client.post(f"/api/admin/user-admin/{user.id}/disable")
    assert_error(session.get("/api/admin/user"), 401, "disabled")
    assert admin_client.get(f"/api/admin/user-admin/{user.id}").json()["disabled"] is True

    admin_client.post(f"/api/admin/user-admin/{user.id}/enable")
    assert session.get("/api/admin/user").status_code == 200
    assert len(events_of(context, "user-enabled")) == 1


def test_user__disabled__personal_tokens_refused(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    user = make_user(context, role="Editor")
    session = login(new_client(), user.username)
    pat = session.post(
        "/api/admin/user/tokens",
        json={"description": "laptop", "expiresAt": "2099-01-01T00:00:00Z"},
    ).json()
    admin_client.post(f"/api/admin/user-admin/{user.id}/disable")
    assert_error(whoami(new_client(), pat["secret"]), 401, "disabled")


def test_user__disable_yourself__refused(admin_client: TestClient, admin: object) -> None:
    me = admin_client.get("/api/admin/user").json()["user"]["id"]
    assert_error(admin_client.post(f"/api/admin/user-admin/{me}/disable"), 403, "your own")


def test_user__disable_the_last_admin_who_can_log_in__refused(
    admin_client: TestClient, client: TestClient, admin: object
) -> None:
    """An Admin service account may not leave the instance without a person who can log in."""
    _, token = sa_with_token(admin_client, "service-root", role="Admin")
    me = admin_client.get("/api/admin/user").json()["user"]["id"]
    response = client.post(
        f"/api/admin/user-admin/{me}/disable", headers={"Authorization": token["secret"]}
    )
    assert_error(response, 403, "last admin")


def test_user__disable_service_account_through_user_admin__404(admin_client: TestClient) -> None:
    account_id, _ = sa_with_token(admin_client)
    assert_error(admin_client.post(f"/api/admin/user-admin/{account_id}/disable"), 404)


def test_pat__owner_disables_and_enables_own_token(
    new_client: Callable[[], TestClient], context: AppContext
) -> None:
    user = make_user(context, role="Viewer")
    session = login(new_client(), user.username)
    pat = session.post(
        "/api/admin/user/tokens",
        json={"description": "laptop", "expiresAt": "2099-01-01T00:00:00Z"},
    ).json()
    assert session.post(f"/api/admin/user/tokens/{pat['id']}/disable").status_code == 200
    assert_error(whoami(new_client(), pat["secret"]), 401, "disabled")
    assert session.get("/api/admin/user/tokens").json()["pats"][0]["state"] == "disabled"
    assert session.post(f"/api/admin/user/tokens/{pat['id']}/enable").status_code == 200
    assert whoami(new_client(), pat["secret"]).status_code == 200
    assert len(events_of(context, "pat-disabled")) == len(events_of(context, "pat-enabled")) == 1
