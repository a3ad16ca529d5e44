from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.predefined import ADMIN_ROLE_ID, EDITOR_ROLE_ID, MEMBER_ROLE_ID, VIEWER_ROLE_ID
from tests.api.accounts.support import (
    assert_error,
    counts,
    events_of,
    load_account,
    make_service_account,
)
from tests.factories import PASSWORD, UserHandle, login, make_user

BASE = "/api/admin/user-admin"
STRONG = "Str0ng-Enough!"


# Create


@pytest.mark.parametrize(
    ("root_role", "expected"),
    [(ADMIN_ROLE_ID, ADMIN_ROLE_ID), ("Editor", EDITOR_ROLE_ID), ("Viewer", VIEWER_ROLE_ID)],
)
def test_create__role_by_id_or_name__201_with_location(
    admin_client: TestClient, context: AppContext, root_role: int | str, expected: int
) -> None:
    response = admin_client.post(BASE, json={"username": "newbie", "rootRole": root_role})

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "newbie"
    assert body["rootRole"] == expected
    assert body["accountType"] == "User"
    assert response.headers["location"] == f"{BASE}/{body['id']}"
    assert admin_client.get(response.headers["location"]).json()["id"] == body["id"]


def test_create__with_password__user_can_log_in(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    response = admin_client.post(
        BASE,
        json={
            "email": "Zed@Example.com",
            "name": "Zed",
            "password": STRONG,
            "rootRole": "Editor",
            "sendEmail": False,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "zed@example.com"
    assert body["name"] == "Zed"
    assert "username" not in body
    me = login(new_client(), "zed@example.com", STRONG).get("/api/admin/user").json()
    assert me["user"]["id"] == body["id"]


def test_create__records_event_with_actor(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    response = admin_client.post(
        BASE, json={"username": "evented", "password": STRONG, "rootRole": 3}
    )

    event = events_of(context, "user-created")[-1]
    assert event["createdBy"] == "admin"
    assert event["createdByUserId"] == admin.id
    assert event["data"]["id"] == response.json()["id"]
    assert event["data"]["username"] == "evented"
    assert event["data"]["rootRole"] == VIEWER_ROLE_ID
    assert event["preData"] is None
    account = load_account(context, response.json()["id"])
    assert account is not None
    assert account.created_by_user_id == admin.id


def test_create__actor_with_email__event_created_by_is_email(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_user(context, username="boss", email="boss@example.com", role="Admin")
    client = login(new_client(), "boss")

    client.post(BASE, json={"username": "hired", "rootRole": 3})

    event = events_of(context, "user-created")[-1]
    assert event["data"]["username"] == "hired"
    assert event["createdBy"] == "boss@example.com"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "taken", "rootRole": 3},
        {"username": "other", "email": "taken@example.com", "rootRole": 3},
        {"email": "TAKEN@example.com", "rootRole": 3},
        {"username": "sa-taken", "rootRole": 3},
    ],
)
def test_create__duplicate_username_or_email__400_as_unleash_nothing_written(
    admin_client: TestClient, context: AppContext, body: dict[str, Any]
) -> None:
    make_user(context, username="taken", email="taken@example.com")
    make_service_account(context, "sa-taken")
    before = counts(context)

    response = admin_client.post(BASE, json=body)

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")
    assert response.json()["message"] == "User already exists"
    assert counts(context) == before


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt!", "at least 10 characters"),
        ("alllowercase1!", "uppercase"),
        ("ALLUPPERCASE1!", "lowercase"),
        ("NoNumbersHere!", "number"),
        ("NoSpecial1234", "special character"),
        ("Aaa-repeats-111", "repeated"),
        ("Aa1!" + "x" * 125, "fewer than 128"),
    ],
)
def test_create__weak_password__400_naming_the_rule(
    admin_client: TestClient, context: AppContext, password: str, rule: str
) -> None:
    before = counts(context)

    response = admin_client.post(
        BASE, json={"username": "weak", "password": password, "rootRole": 3}
    )

    assert response.status_code == 400
    assert_error(response.json(), "OwaspValidationError")
    assert any(rule in d["message"] for d in response.json()["details"])
    assert counts(context) == before


def test_create__very_weak_password__lists_every_broken_rule(admin_client: TestClient) -> None:
    response = admin_client.post(BASE, json={"username": "w", "password": "aaa", "rootRole": 3})

    messages = [d["message"] for d in response.json()["details"]]
    assert len(messages) == 5
    assert response.json()["message"] == messages[0]


@pytest.mark.parametrize("root_role", [99, 0, "Nope", "Owner", "Member", "Reader", "admin", 4])
def test_create__unknown_or_project_root_role__400_nothing_written(
    admin_client: TestClient, context: AppContext, root_role: int | str
) -> None:
    before = counts(context)

    response = admin_client.post(BASE, json={"username": "norole", "rootRole": root_role})

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")
    assert counts(context) == before


def test_create__custom_root_role__assigned(admin_client: TestClient, context: AppContext) -> None:
    role = admin_client.post(
        "/api/admin/roles",
        json={"name": "Auditor", "type": "root-custom", "permissions": [{"name": "READ_LOGS"}]},
    )
    assert role.status_code == 200, role.text
    role_id = role.json()["roles"]["id"]

    by_id = admin_client.post(BASE, json={"username": "aud1", "rootRole": role_id})
    by_name = admin_client.post(BASE, json={"username": "aud2", "rootRole": "Auditor"})

    assert by_id.status_code == by_name.status_code == 201
    assert by_id.json()["rootRole"] == by_name.json()["rootRole"] == role_id
    assert role_id in [r["id"] for r in admin_client.get(BASE).json()["rootRoles"]]


@pytest.mark.parametrize(
    "body", [{"rootRole": 3}, {"username": "", "rootRole": 3}, {"username": "  ", "rootRole": 3}]
)
def test_create__no_username_or_email__400(
    admin_client: TestClient, context: AppContext, body: dict[str, Any]
) -> None:
    before = counts(context)

    response = admin_client.post(BASE, json=body)

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")
    assert counts(context) == before


# Update


def test_create__empty_email_with_username__no_email(admin_client: TestClient) -> None:
    response = admin_client.post(BASE, json={"username": "noemail", "email": "", "rootRole": 3})

    assert response.status_code == 201
    assert "email" not in response.json()


def test_create__empty_email_only__400(admin_client: TestClient, context: AppContext) -> None:
    before = counts(context)

    response = admin_client.post(BASE, json={"email": " ", "rootRole": 3})

    assert response.status_code == 400
    assert counts(context) == before


def test_update__empty_email__unchanged(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="hasmail", email="has@example.com")

    response = admin_client.put(f"{BASE}/{user.id}", json={"email": ""})

    assert response.status_code == 200
    assert response.json()["email"] == "has@example.com"


def test_update__email_name_role__changed_with_event(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    user = make_user(context, username="upd", name="Old Name", role="Viewer")

    response = admin_client.put(
        f"{BASE}/{user.id}",
        json={"email": "Upd@Example.com", "name": "New Name", "rootRole": "Editor"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "upd@example.com"
    assert body["name"] == "New Name"
    assert body["rootRole"] == EDITOR_ROLE_ID
    assert body["username"] == "upd"
    (event,) = events_of(context, "user-updated")
    assert event["createdBy"] == "admin"
    assert event["createdByUserId"] == admin.id
    assert event["preData"]["name"] == "Old Name"
    assert event["preData"]["rootRole"] == VIEWER_ROLE_ID
    assert event["preData"]["email"] is None
    assert event["data"]["name"] == "New Name"
    assert event["data"]["rootRole"] == EDITOR_ROLE_ID
    assert event["data"]["email"] == "upd@example.com"


def test_update__only_name__other_fields_kept(
    admin_client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="keep", email="keep@example.com", role="Editor")

    response = admin_client.put(f"{BASE}/{user.id}", json={"name": "Kept"})

    assert response.status_code == 200
    assert response.json()["email"] == "keep@example.com"
    assert response.json()["rootRole"] == EDITOR_ROLE_ID


def test_update__username_in_body__ignored(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="fixed")

    response = admin_client.put(f"{BASE}/{user.id}", json={"username": "renamed", "name": "N"})

    assert response.status_code == 200
    assert response.json()["username"] == "fixed"


def test_update__email_taken__400_nothing_written(
    admin_client: TestClient, context: AppContext
) -> None:
    make_user(context, username="first", email="first@example.com")
    second = make_user(context, username="second", name="Second")
    before = counts(context)

    response = admin_client.put(
        f"{BASE}/{second.id}", json={"email": "first@example.com", "name": "Changed"}
    )

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")
    assert response.json()["message"] == "User already exists"
    assert counts(context) == before
    account = load_account(context, second.id)
    assert account is not None
    assert (account.email, account.name) == (None, "Second")


def test_update__same_email_again__200(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="same", email="same@example.com")

    response = admin_client.put(f"{BASE}/{user.id}", json={"email": "same@example.com"})

    assert response.status_code == 200


@pytest.mark.parametrize("root_role", [99, "Owner", "Nope"])
def test_update__bad_root_role__400_nothing_written(
    admin_client: TestClient, context: AppContext, root_role: int | str
) -> None:
    user = make_user(context, username="roled", role="Viewer")
    before = counts(context)

    response = admin_client.put(f"{BASE}/{user.id}", json={"rootRole": root_role, "name": "X"})

    assert response.status_code == 400
    assert counts(context) == before
    account = load_account(context, user.id)
    assert account is not None
    assert (account.root_role_id, account.name) == (VIEWER_ROLE_ID, None)


def test_update__last_admin_demotes_self__403(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    before = counts(context)

    response = admin_client.put(f"{BASE}/{admin.id}", json={"rootRole": "Viewer"})

    assert response.status_code == 403
    assert_error(response.json(), "OperationDeniedError")
    assert counts(context) == before
    account = load_account(context, admin.id)
    assert account is not None
    assert account.root_role_id == ADMIN_ROLE_ID


def test_update__admin_demotes_self_with_other_admin__200(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_user(context, username="backup-admin", role="Admin")

    response = admin_client.put(f"{BASE}/{admin.id}", json={"rootRole": "Editor"})

    assert response.status_code == 200
    assert admin_client.get(BASE).status_code == 403


def test_update__only_other_admin_has_no_password__403(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_user(context, username="sso-admin", role="Admin", password=None)
    make_service_account(context, "sa-admin", role_id=ADMIN_ROLE_ID)

    response = admin_client.put(f"{BASE}/{admin.id}", json={"rootRole": "Viewer"})

    assert response.status_code == 403


# Delete


def test_delete__user__200_gone_with_event(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    user = make_user(context, username="doomed", email="doomed@example.com")

    response = admin_client.delete(f"{BASE}/{user.id}")

    assert response.status_code == 200
    assert load_account(context, user.id) is None
    assert admin_client.get(f"{BASE}/{user.id}").status_code == 404
    (event,) = events_of(context, "user-deleted")
    assert event["createdBy"] == "admin"
    assert event["createdByUserId"] == admin.id
    assert event["preData"]["id"] == user.id
    assert event["preData"]["username"] == "doomed"
    assert event["data"] is None


def test_delete__twice__second_is_404(admin_client: TestClient, context: AppContext) -> None:
    user = make_user(context, username="once")
    admin_client.delete(f"{BASE}/{user.id}")

    response = admin_client.delete(f"{BASE}/{user.id}")

    assert response.status_code == 404


def test_delete__username_free_again_after_delete(
    admin_client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="reuse")
    admin_client.delete(f"{BASE}/{user.id}")

    response = admin_client.post(BASE, json={"username": "reuse", "rootRole": 3})

    assert response.status_code == 201


def test_delete__yourself__403_nothing_written(
    admin_client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    make_user(context, username="other-admin", role="Admin")
    before = counts(context)

    response = admin_client.delete(f"{BASE}/{admin.id}")

    assert response.status_code == 403
    assert_error(response.json(), "OperationDeniedError")
    assert counts(context) == before


def test_delete__other_admin__200(admin_client: TestClient, context: AppContext) -> None:
    other = make_user(context, username="other-admin", role="Admin")

    response = admin_client.delete(f"{BASE}/{other.id}")

    assert response.status_code == 200


def test_delete__user_with_project_roles__assignments_go_too(
    admin_client: TestClient, context: AppContext
) -> None:
    user = make_user(context, username="member")
    with context.database.transaction() as session:
        session.add(
            ProjectRoleAssignment(account_id=user.id, project="default", role_id=MEMBER_ROLE_ID)
        )

    response = admin_client.delete(f"{BASE}/{user.id}")

    assert response.status_code == 200
    with context.database.session(write=False) as session:
        assert session.get(ProjectRoleAssignment, (user.id, "default", MEMBER_ROLE_ID)) is None


# Passwords


def test_change_password__admin__200_old_password_refused(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user = make_user(context, username="pw")

    response = admin_client.post(f"{BASE}/{user.id}/change-password", json={"password": STRONG})

    assert response.status_code == 200
    assert response.content == b""
    old = new_client().post("/auth/simple/login", json={"username": "pw", "password": PASSWORD})
    assert old.status_code == 401
    login(new_client(), "pw", STRONG)


def test_change_password__weak__400_old_password_still_works(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    user = make_user(context, username="pw2")

    response = admin_client.post(f"{BASE}/{user.id}/change-password", json={"password": "weak"})

    assert response.status_code == 400
    assert_error(response.json(), "OwaspValidationError")
    login(new_client(), "pw2", PASSWORD)


def test_change_password__service_account__404(
    admin_client: TestClient, context: AppContext
) -> None:
    sa_id = make_service_account(context)

    response = admin_client.post(f"{BASE}/{sa_id}/change-password", json={"password": STRONG})

    assert response.status_code == 404
    account = load_account(context, sa_id)
    assert account is not None
    assert account.password_hash is None


def test_change_password__unknown_user__404(admin_client: TestClient) -> None:
    response = admin_client.post(f"{BASE}/9999/change-password", json={"password": STRONG})

    assert response.status_code == 404
    assert_error(response.json(), "NotFoundError")


def test_validate_password__strong__200(user_client: Callable[..., TestClient]) -> None:
    response = user_client(role="Viewer").post(
        f"{BASE}/validate-password", json={"password": STRONG}
    )

    assert response.status_code == 200


def test_validate_password__weak__400_listing_rules(admin_client: TestClient) -> None:
    response = admin_client.post(f"{BASE}/validate-password", json={"password": "weak"})

    assert response.status_code == 400
    body = response.json()
    assert_error(body, "OwaspValidationError")
    messages = " ".join(d["message"] for d in body["details"])
    assert "10 characters" in messages
    assert "uppercase" in messages
    assert "number" in messages
    assert "special character" in messages


def test_change_my_password__right_old_password__200_other_sessions_end(
    context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_user(context, username="self")
    client = login(new_client(), "self")
    other_device = login(new_client(), "self")

    response = client.post(
        "/api/admin/user/change-password",
        json={"password": STRONG, "confirmPassword": STRONG, "oldPassword": PASSWORD},
    )

    assert response.status_code == 200
    assert other_device.get("/api/admin/user").status_code == 401
    assert client.get("/api/admin/user").status_code == 200
    login(new_client(), "self", STRONG)


@pytest.mark.parametrize(
    ("body", "status", "name"),
    [
        (
            {"password": STRONG, "confirmPassword": "Different-1!", "oldPassword": PASSWORD},
            400,
            "BadDataError",
        ),
        ({"password": STRONG, "oldPassword": PASSWORD}, 400, "BadDataError"),
        ({"password": STRONG, "confirmPassword": STRONG}, 400, "BadDataError"),
        (
            {"password": STRONG, "confirmPassword": STRONG, "oldPassword": "Wrong-Old-1!"},
            401,
            "PasswordMismatch",
        ),
        (
            {"password": "weak", "confirmPassword": "weak", "oldPassword": PASSWORD},
            400,
            "OwaspValidationError",
        ),
    ],
)
def test_change_my_password__bad_request__refused_password_unchanged(
    context: AppContext,
    new_client: Callable[[], TestClient],
    body: dict[str, str],
    status: int,
    name: str,
) -> None:
    make_user(context, username="selfbad")
    client = login(new_client(), "selfbad")
    before = counts(context)

    response = client.post("/api/admin/user/change-password", json=body)

    assert response.status_code == status
    assert_error(response.json(), name)
    assert counts(context) == before
    assert client.get("/api/admin/user").status_code == 200
    login(new_client(), "selfbad", PASSWORD)


def test_delete__user_with_personal_token__token_stops_working(
    admin_client: TestClient, context: AppContext, new_client: Callable[[], TestClient]
) -> None:
    make_user(context, username="pat-owner")
    owner = login(new_client(), "pat-owner")
    created = owner.post(
        "/api/admin/user/tokens",
        json={"description": "ci", "expiresAt": "2999-01-01T00:00:00.000Z"},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    headers = {"Authorization": secret}
    assert new_client().get("/api/admin/user", headers=headers).status_code == 200
    user_id = created.json()["userId"]

    response = admin_client.delete(f"{BASE}/{user_id}")

    assert response.status_code == 200
    assert new_client().get("/api/admin/user", headers=headers).status_code == 401
