"""Rotation with a grace window, self-rotation, and reuse detection."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    assert_error,
    bearer,
    events_of,
    in_days,
    load_token,
    rotate,
    sa_with_token,
    set_token,
    tokens,
    whoami,
)
from tests.factories import login, make_user

SELF_ROTATE = "/api/admin/user/tokens/self/rotate"


def test_rotate__grace_window__both_work_list_shows_rotated_until(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client, days=30)
    response = rotate(admin_client, account_id, old["id"], graceSeconds=3600)

    assert response.status_code == 201, response.text
    new = response.json()
    assert new["secret"] != old["secret"]
    assert new["description"] == old["description"]
    assert new["familyId"] == old["id"]
    assert response.headers["location"] == f"{BASE}/{account_id}/token/{new['id']}"
    assert whoami(client, old["secret"]).status_code == 200
    assert whoami(client, new["secret"]).status_code == 200
    listed = {t["id"]: t for t in tokens(admin_client, account_id)}
    assert listed[old["id"]]["state"] == "rotated"
    assert listed[old["id"]]["successorId"] == new["id"]
    valid_until = datetime.fromisoformat(listed[old["id"]]["validUntil"])
    assert timedelta(minutes=59) < valid_until - datetime.now(UTC) <= timedelta(hours=1)
    assert listed[new["id"]]["state"] == "active"
    assert "secret" not in str(listed)
    [event] = events_of(context, "service-account-token-rotated")
    assert event.data["previousId"] == old["id"]
    assert event.data["id"] == new["id"]


def test_rotate__default_expiry__same_lifetime_as_the_old_token(admin_client: TestClient) -> None:
    account_id, old = sa_with_token(admin_client, days=10)
    new = rotate(admin_client, account_id, old["id"]).json()
    lifetime = datetime.fromisoformat(new["expiresAt"]) - datetime.fromisoformat(new["createdAt"])
    assert timedelta(days=10) - timedelta(minutes=1) < lifetime <= timedelta(days=10)


def test_rotate__given_expiry__used(admin_client: TestClient) -> None:
    account_id, old = sa_with_token(admin_client, days=10)
    new = rotate(admin_client, account_id, old["id"], expiresAt="2031-05-01T00:00:00Z").json()
    assert new["expiresAt"].startswith("2031-05-01T00:00:00")


def test_rotate__grace_never_outlives_the_old_expiry(admin_client: TestClient) -> None:
    account_id, old = sa_with_token(admin_client, days=1)
    rotate(admin_client, account_id, old["id"], graceSeconds=7 * 24 * 3600)
    [listed] = [t for t in tokens(admin_client, account_id) if t["id"] == old["id"]]
    assert listed["validUntil"] == listed["expiresAt"]


def test_rotate__no_grace__old_token_presented_again__family_revoked_once(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client)
    new = rotate(admin_client, account_id, old["id"]).json()

    assert_error(whoami(client, old["secret"]), 401, "replaced by rotation")
    assert_error(whoami(client, new["secret"]), 401, "revoked")
    assert_error(whoami(client, old["secret"]), 401, "revoked")

    [event] = events_of(context, "token-reuse-detected")
    assert event.data["familyId"] == old["id"]
    assert event.data["tokenId"] == old["id"]
    assert sorted(event.data["revokedIds"]) == sorted([old["id"], new["id"]])
    assert event.data["ip"] == "testclient"
    assert tokens(admin_client, account_id) == []
    retired = tokens(admin_client, account_id, state="revoked")
    assert {t["revokeReason"] for t in retired} == {"reuse-detected"}


def test_rotate__grace_ends__old_token_refused_and_family_revoked(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client)
    new = rotate(admin_client, account_id, old["id"], graceSeconds=1).json()
    assert whoami(client, old["secret"]).status_code == 200  # cached while the window lasts

    time.sleep(1.2)

    assert_error(whoami(client, old["secret"]), 401, "replaced by rotation")
    assert whoami(client, new["secret"]).status_code == 401
    assert len(events_of(context, "token-reuse-detected")) == 1


def test_rotate__twice__409_naming_the_successor(admin_client: TestClient) -> None:
    account_id, old = sa_with_token(admin_client)
    new = rotate(admin_client, account_id, old["id"], graceSeconds=60).json()
    again = rotate(admin_client, account_id, old["id"], graceSeconds=60)
    assert_error(again, 409, f"successor is token {new['id']}")


def test_rotate__in_parallel__one_successor_and_a_409(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client)
    clients = [new_client(), new_client()]
    cookies = dict(admin_client.cookies)
    for c in clients:
        c.cookies.update(cookies)

    def attempt(c: TestClient) -> int:
        return rotate(c, account_id, old["id"], graceSeconds=60).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(attempt, clients))

    assert statuses == [201, 409]
    assert len(events_of(context, "service-account-token-rotated")) == 1
    assert len(tokens(admin_client, account_id)) == 2  # the successor, and the old in grace


def test_rotate__racing_a_revocation__never_a_live_successor_of_a_revoked_token(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    account_id, old = sa_with_token(admin_client)
    rotator, revoker = new_client(), new_client()
    for c in (rotator, revoker):
        c.cookies.update(dict(admin_client.cookies))
    with ThreadPoolExecutor(2) as pool:
        rotated = pool.submit(rotate, rotator, account_id, old["id"], graceSeconds=60)
        revoked = pool.submit(revoker.delete, f"{BASE}/{account_id}/token/{old['id']}")
        statuses = (rotated.result().status_code, revoked.result().status_code)

    assert statuses in ((201, 200), (409, 200), (201, 404))
    live = tokens(admin_client, account_id)
    if statuses == (409, 200):
        assert live == []  # revoked first: nothing to rotate
    else:
        assert [t["description"] for t in live if t["state"] == "active"] == ["deploy"]


def test_rotate__revoked_token__409(admin_client: TestClient) -> None:
    account_id, old = sa_with_token(admin_client)
    admin_client.delete(f"{BASE}/{account_id}/token/{old['id']}")
    assert_error(rotate(admin_client, account_id, old["id"]), 409, "revoked")


def test_rotate__bad_grace_or_expiry__400_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client)
    for body in (
        {"graceSeconds": -1},
        {"graceSeconds": 7 * 24 * 3600 + 1},
        {"graceSeconds": "60"},
        {"graceSeconds": 1.5},
        {"expiresAt": 12},
        {"expiresAt": "tomorrow"},
        {"expiresAt": "2001-01-01T00:00:00Z"},
    ):
        assert_error(rotate(admin_client, account_id, old["id"], **body), 400)
    assert load_token(context, old["id"]).rotated_at is None  # type: ignore[union-attr]
    assert len(tokens(admin_client, account_id)) == 1


def test_rotate__unknown_or_other_accounts_token__404(admin_client: TestClient) -> None:
    first_id, _ = sa_with_token(admin_client, "service-a")
    _, other = sa_with_token(admin_client, "service-b")
    assert_error(rotate(admin_client, first_id, other["id"]), 404)
    assert_error(rotate(admin_client, first_id, 999_999), 404)
    assert_error(rotate(admin_client, 999_999, other["id"]), 404)


def test_rotate__viewer_anonymous_or_non_admin_token__refused(
    admin_client: TestClient,
    new_client: Callable[[], TestClient],
    user_client: Callable[..., TestClient],
) -> None:
    account_id, old = sa_with_token(admin_client)
    assert rotate(user_client("Viewer"), account_id, old["id"]).status_code == 403
    anonymous = new_client()
    assert anonymous.post(f"{BASE}/{account_id}/token/{old['id']}/rotate").status_code == 401
    response = anonymous.post(
        f"{BASE}/{account_id}/token/{old['id']}/rotate",
        json={},
        headers=bearer(old["secret"]),
    )
    assert response.status_code == 403  # an Editor service account is no admin


def test_pat__owner_rotates_own_token(
    new_client: Callable[[], TestClient], context: AppContext
) -> None:
    user = make_user(context, role="Viewer")
    session = login(new_client(), user.username)
    old = session.post(
        "/api/admin/user/tokens", json={"description": "laptop", "expiresAt": in_days(5)}
    ).json()
    response = session.post(f"/api/admin/user/tokens/{old['id']}/rotate", json={"graceSeconds": 60})
    assert response.status_code == 201, response.text
    assert whoami(new_client(), response.json()["secret"]).status_code == 200
    assert [e.data["previousId"] for e in events_of(context, "pat-rotated")] == [old["id"]]


def _self_rotating(
    admin: TestClient, username: str = "service-ci"
) -> tuple[int, dict[str, object]]:
    account = admin.post(BASE, json={"username": username, "name": "CI", "rootRole": "Editor"})
    account_id = account.json()["id"]
    token = admin.post(
        f"{BASE}/{account_id}/token",
        json={"description": "pipeline", "expiresAt": in_days(30), "selfRotation": True},
    ).json()
    return account_id, token


def test_self_rotate__allowed__token_mints_its_own_successor(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    _, old = _self_rotating(admin_client)
    assert old["selfRotation"] is True
    response = client.post(SELF_ROTATE, json={"graceSeconds": 300}, headers=bearer(old["secret"]))
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["selfRotation"] is True
    assert whoami(client, new["secret"]).status_code == 200
    assert whoami(client, str(old["secret"])).status_code == 200  # in its grace window
    [event] = events_of(context, "service-account-token-rotated")
    assert event.created_by == "service-ci"


def test_self_rotate__not_allowed__403(admin_client: TestClient, client: TestClient) -> None:
    _, token = sa_with_token(admin_client)
    response = client.post(SELF_ROTATE, json={}, headers=bearer(token["secret"]))
    assert_error(response, 403, "may not rotate itself")


def test_self_rotate__allowed_later_by_an_admin(
    admin_client: TestClient, client: TestClient
) -> None:
    account_id, token = sa_with_token(admin_client)
    response = admin_client.put(
        f"{BASE}/{account_id}/token/{token['id']}/self-rotation", json={"enabled": True}
    )
    assert response.status_code == 200
    assert client.post(SELF_ROTATE, json={}, headers=bearer(token["secret"])).status_code == 201


def test_self_rotate__session_or_api_token__refused(
    admin_client: TestClient, client: TestClient
) -> None:
    assert_error(admin_client.post(SELF_ROTATE, json={}), 403, "only an account token")
    admin_token = admin_client.post(
        "/api/admin/api-tokens", json={"tokenName": "ops", "type": "admin"}
    ).json()["secret"]
    assert client.post(SELF_ROTATE, json={}, headers=bearer(admin_token)).status_code == 403


def test_self_rotate__rotated_token_rotates_again__stolen_family_revoked(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    _, old = _self_rotating(admin_client)
    first = client.post(SELF_ROTATE, json={"graceSeconds": 300}, headers=bearer(str(old["secret"])))
    assert first.status_code == 201

    again = client.post(SELF_ROTATE, json={"graceSeconds": 300}, headers=bearer(str(old["secret"])))

    assert_error(again, 401, "replaced by rotation")
    assert whoami(client, first.json()["secret"]).status_code == 401
    [event] = events_of(context, "token-reuse-detected")
    assert event.data["tokenId"] == old["id"]


def test_self_rotate__successor_rotates_itself_in_turn(
    admin_client: TestClient, client: TestClient
) -> None:
    _, old = _self_rotating(admin_client)
    second = client.post(SELF_ROTATE, json={"graceSeconds": 60}, headers=bearer(str(old["secret"])))
    third = client.post(
        SELF_ROTATE, json={"graceSeconds": 60}, headers=bearer(second.json()["secret"])
    )
    assert third.status_code == 201
    assert third.json()["familyId"] == old["id"]


def test_rotation__old_token_answers_carry_the_rotation_warning(
    admin_client: TestClient, client: TestClient
) -> None:
    account_id, old = sa_with_token(admin_client)
    rotate(admin_client, account_id, old["id"], graceSeconds=600)
    response = whoami(client, old["secret"])
    assert "rotated" in response.headers["flagstaff-token-expiry-warning"]
    until = datetime.fromisoformat(response.headers["flagstaff-token-expires-at"])
    assert until - utcnow() <= timedelta(minutes=10)


def test_rotation__record_of_the_old_token_after_its_window(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, old = sa_with_token(admin_client)
    new = rotate(admin_client, account_id, old["id"], graceSeconds=60).json()
    set_token(context, old["id"], grace_until=utcnow() - timedelta(seconds=1))
    assert [t["id"] for t in tokens(admin_client, account_id)] == [new["id"]]
    [record] = tokens(admin_client, account_id, state="revoked")
    assert (record["id"], record["state"]) == (old["id"], "rotated")
