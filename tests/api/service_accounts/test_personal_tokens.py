"""Personal access tokens at /api/admin/user/tokens."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.service_accounts.helpers import bearer, in_days

PATS = "/api/admin/user/tokens"


def _create(client: TestClient, description: str = "laptop") -> dict[str, object]:
    response = client.post(PATS, json={"description": description, "expiresAt": in_days(7)})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_pat__any_role_can_create__acts_as_its_owner(
    user_client: Callable[..., TestClient], new_client: Callable[[], TestClient]
) -> None:
    viewer = user_client("Viewer", username="vera")
    pat = _create(viewer)
    assert str(pat["secret"]).startswith("user:fsa_")
    me = new_client().get("/api/admin/user", headers=bearer(str(pat["secret"])))
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "vera"
    assert me.json()["user"]["accountType"] == "User"


def test_pat__list__only_own_tokens_without_secrets(
    user_client: Callable[..., TestClient],
) -> None:
    alice = user_client("Editor", username="alice")
    bob = user_client("Editor", username="bob")
    secret = _create(alice, "alice's")["secret"]
    _create(bob, "bob's")
    listed = alice.get(PATS)
    assert [p["description"] for p in listed.json()["pats"]] == ["alice's"]
    assert str(secret) not in listed.text


def test_pat__delete_someone_elses__404_and_kept(user_client: Callable[..., TestClient]) -> None:
    alice = user_client("Editor", username="alice")
    bob = user_client("Editor", username="bob")
    token = _create(alice)
    assert bob.delete(f"{PATS}/{token['id']}").status_code == 404
    assert len(alice.get(PATS).json()["pats"]) == 1
    assert alice.delete(f"{PATS}/{token['id']}").status_code == 200
    assert alice.get(PATS).json()["pats"] == []


def test_pat__deleted__refused(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    token = _create(admin_client)
    caller = new_client()
    caller.headers.update(bearer(str(token["secret"])))
    assert caller.get("/api/admin/user").status_code == 200
    admin_client.delete(f"{PATS}/{token['id']}")
    assert caller.get("/api/admin/user").status_code == 401


def test_pat__deleting_the_user__kills_the_token(
    admin_client: TestClient,
    user_client: Callable[..., TestClient],
    new_client: Callable[[], TestClient],
) -> None:
    editor = user_client("Editor", username="leaver")
    token = _create(editor)
    caller = new_client()
    caller.headers.update(bearer(str(token["secret"])))
    assert caller.get("/api/admin/user").status_code == 200
    leaver = next(
        u
        for u in admin_client.get("/api/admin/user-admin").json()["users"]
        if u["username"] == "leaver"
    )
    assert admin_client.delete(f"/api/admin/user-admin/{leaver['id']}").status_code == 200
    assert caller.get("/api/admin/user").status_code == 401


def test_pat__creates_pat_with_a_pat__allowed_for_humans(
    admin_client: TestClient, new_client: Callable[[], TestClient]
) -> None:
    token = _create(admin_client)
    caller = new_client()
    caller.headers.update(bearer(str(token["secret"])))
    assert _create(caller, "second")["description"] == "second"


def test_pat__eleventh__403(admin_client: TestClient) -> None:
    for n in range(10):
        _create(admin_client, f"t{n}")
    response = admin_client.post(PATS, json={"description": "t10", "expiresAt": in_days(1)})
    assert response.status_code == 403


def test_pat__bad_input__400(admin_client: TestClient) -> None:
    for body in (
        {},
        {"description": "x"},
        {"description": "x", "expiresAt": "2000-01-01T00:00:00Z"},
        {"description": None, "expiresAt": in_days(1)},
        {"description": "x", "expiresAt": None},
        {"description": "x", "expiresAt": "2030-02-30T00:00:00Z"},
    ):
        response = admin_client.post(PATS, json=body)
        assert response.status_code == 400, (body, response.text)
    assert admin_client.get(PATS).json()["pats"] == []


def test_pat__non_json__415_and_unknown_or_huge_id__4xx(admin_client: TestClient) -> None:
    response = admin_client.post(
        PATS, content="description=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    assert admin_client.delete(f"{PATS}/999").status_code == 404
    assert admin_client.delete(f"{PATS}/99999999999999999999").status_code == 400
    assert admin_client.delete(f"{PATS}/abc").status_code == 400
