"""Bad input on every user and login endpoint: a 4xx in Unleash's error body, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.accounts.support import (
    MAX_ID,
    assert_error,
    counts,
    load_account,
    login_failures,
)
from tests.factories import PASSWORD, UserHandle, make_user

BASE = "/api/admin/user-admin"
STRONG = "Str0ng-Enough!"
LONG = "x" * 256

# Endpoints that take a JSON body: (method, path with {id}, a valid body).
BODY_ENDPOINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/auth/simple/login", {"username": "target", "password": PASSWORD}),
    ("POST", BASE, {"username": "fresh", "rootRole": 3}),
    ("PUT", f"{BASE}/{{id}}", {"name": "Renamed"}),
    ("POST", f"{BASE}/{{id}}/change-password", {"password": STRONG}),
    ("POST", f"{BASE}/validate-password", {"password": STRONG}),
    (
        "POST",
        "/api/admin/user/change-password",
        {"password": STRONG, "confirmPassword": STRONG, "oldPassword": PASSWORD},
    ),
]
ENDPOINT_IDS = [f"{m} {p}" for m, p, _ in BODY_ENDPOINTS]


@pytest.fixture
def target(context: AppContext) -> UserHandle:
    return make_user(context, username="target", name="Target", email="target@example.com")


def state(context: AppContext, target: UserHandle) -> tuple[Any, ...]:
    """Everything a failed write could have touched."""
    account = load_account(context, target.id)
    assert account is not None
    return (
        counts(context),
        account.name,
        account.email,
        account.root_role_id,
        account.password_hash,
        login_failures(context),
    )


def send(client: TestClient, method: str, path: str, target: UserHandle, **kwargs: Any) -> Any:
    return client.request(method, path.format(id=target.id), **kwargs)


@pytest.mark.parametrize(("method", "path", "valid"), BODY_ENDPOINTS, ids=ENDPOINT_IDS)
def test_body_endpoint__valid_body__accepted(
    admin_client: TestClient,
    target: UserHandle,
    method: str,
    path: str,
    valid: dict[str, Any],
) -> None:
    """The baseline the failures below are measured against."""
    response = send(admin_client, method, path, target, json=valid)

    assert response.status_code in (200, 201), response.text


NON_JSON_TYPES = ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""]
MALFORMED_JSON = [b"{bad", b'{"username": ', b"\xff\xfe", b"{'a': 1}"]
NOT_AN_OBJECT = [b"", b"null", b"[]", b'"text"', b"42", b"true", b"[{}]"]


@pytest.mark.parametrize(("method", "path", "valid"), BODY_ENDPOINTS, ids=ENDPOINT_IDS)
def test_body_endpoint__non_json_content_type__415(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    subtests: pytest.Subtests,
    method: str,
    path: str,
    valid: dict[str, Any],
) -> None:
    before = state(context, target)
    for content_type in NON_JSON_TYPES:
        with subtests.test(content_type=content_type):
            headers = {"Content-Type": content_type} if content_type else {}
            response = send(
                admin_client, method, path, target, content=str(valid).encode(), headers=headers
            )

            assert response.status_code == 415
            assert_error(response.json(), "ContentTypeError")
            assert state(context, target) == before


@pytest.mark.parametrize(("method", "path", "valid"), BODY_ENDPOINTS, ids=ENDPOINT_IDS)
def test_body_endpoint__malformed_or_not_an_object__400(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    subtests: pytest.Subtests,
    method: str,
    path: str,
    valid: dict[str, Any],
) -> None:
    before = state(context, target)
    for raw in MALFORMED_JSON + NOT_AN_OBJECT:
        with subtests.test(body=raw):
            response = send(
                admin_client,
                method,
                path,
                target,
                content=raw,
                headers={"Content-Type": "application/json"},
            )

            assert response.status_code == 400
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before


@pytest.mark.parametrize(("method", "path", "valid"), BODY_ENDPOINTS, ids=ENDPOINT_IDS)
def test_body_endpoint__over_one_megabyte__413(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    method: str,
    path: str,
    valid: dict[str, Any],
) -> None:
    before = state(context, target)
    limit = context.settings.max_body_bytes
    chunk = b" " * 65536

    def chunked() -> Iterator[bytes]:
        # No Content-Length to refuse up front: the body is counted as it arrives.
        yield b'{"name": "'
        for _ in range(limit // len(chunk) + 2):
            yield chunk
        yield b'"}'

    declared = send(admin_client, method, path, target, json={**valid, "name": "n" * limit})
    streamed = send(
        admin_client,
        method,
        path,
        target,
        content=chunked(),
        headers={"Content-Type": "application/json"},
    )

    for response in (declared, streamed):
        assert response.status_code == 413
        assert_error(response.json(), "PayloadTooLargeError")
    assert state(context, target) == before


WRONG_CREATE_BODIES: list[dict[str, Any]] = [
    {"username": 5, "rootRole": 3},
    {"username": True, "rootRole": 3},
    {"username": ["a"], "rootRole": 3},
    {"username": {"a": 1}, "rootRole": 3},
    {"username": LONG, "rootRole": 3},
    {"username": "ok", "name": LONG, "rootRole": 3},
    {"username": "ok", "name": 5, "rootRole": 3},
    {"username": "ok", "name": ["n"], "rootRole": 3},
    {"email": 5, "rootRole": 3},
    {"email": "not-an-email", "rootRole": 3},
    {"email": "a@" + "b" * 250 + ".com", "rootRole": 3},
    {"email": ["a@example.com"], "rootRole": 3},
    {"username": "ok", "password": 12345678901, "rootRole": 3},
    {"username": "ok", "password": True, "rootRole": 3},
    {"username": "ok", "password": "Aa1!" + "x" * 300, "rootRole": 3},
    {"username": "ok", "rootRole": True},
    {"username": "ok", "rootRole": None},
    {"username": "ok", "rootRole": [1]},
    {"username": "ok", "rootRole": {"id": 1}},
    {"username": "ok", "rootRole": 2.5},
    {"username": "ok", "rootRole": "2"},
    {"username": "ok", "rootRole": -1},
    {"username": "ok", "rootRole": MAX_ID + 1},
    {"username": "ok", "rootRole": 10**30},
    {"username": "ok", "rootRole": LONG},
    {"username": "ok"},
    {"username": "ok", "rootRole": 3, "sendEmail": "yes"},
    {"username": None, "email": None, "rootRole": 3},
    {},
]


def test_create__bad_field__400_nothing_written(
    admin_client: TestClient, context: AppContext, target: UserHandle, subtests: pytest.Subtests
) -> None:
    before = state(context, target)
    for body in WRONG_CREATE_BODIES:
        with subtests.test(body=body):
            response = admin_client.post(BASE, json=body)

            assert response.status_code == 400, response.text
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before


WRONG_UPDATE_BODIES: list[dict[str, Any]] = [
    {"name": 5},
    {"name": True},
    {"name": ["n"]},
    {"name": LONG},
    {"email": 5},
    {"email": "not-an-email"},
    {"email": ["a@example.com"]},
    {"rootRole": True},
    {"rootRole": [1]},
    {"rootRole": 2.5},
    {"rootRole": 99},
    {"rootRole": -1},
    {"rootRole": 10**30},
    {"rootRole": "Owner"},
    {"rootRole": LONG},
    {"name": "Good", "rootRole": "Nope"},
]


def test_update__bad_field__400_nothing_written(
    admin_client: TestClient, context: AppContext, target: UserHandle, subtests: pytest.Subtests
) -> None:
    before = state(context, target)
    for body in WRONG_UPDATE_BODIES:
        with subtests.test(body=body):
            response = admin_client.put(f"{BASE}/{target.id}", json=body)

            assert response.status_code == 400, response.text
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before


WRONG_PASSWORD_BODIES: list[dict[str, Any]] = [
    {},
    {"password": None},
    {"password": 1234567890},
    {"password": True},
    {"password": ["Str0ng-Enough!"]},
    {"password": "Aa1!" + "x" * 300},
]


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/{{id}}/change-password",
        f"{BASE}/validate-password",
        "/api/admin/user/change-password",
    ],
)
def test_password_endpoint__bad_field__400_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    subtests: pytest.Subtests,
    path: str,
) -> None:
    before = state(context, target)
    for body in WRONG_PASSWORD_BODIES:
        with subtests.test(body=body):
            response = admin_client.post(path.format(id=target.id), json=body)

            assert response.status_code == 400, response.text
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before


WRONG_LOGIN_BODIES: list[dict[str, Any]] = [
    {},
    {"username": "target"},
    {"password": PASSWORD},
    {"username": 5, "password": PASSWORD},
    {"username": "target", "password": 5},
    {"username": None, "password": PASSWORD},
    {"username": ["target"], "password": PASSWORD},
    {"username": "target", "password": [PASSWORD]},
    {"username": "", "password": PASSWORD},
    {"username": LONG, "password": PASSWORD},
    {"username": "target", "password": "p" * 10_000},
]


def test_login__bad_field__400_no_session_no_attempt_counted(
    client: TestClient, context: AppContext, target: UserHandle, subtests: pytest.Subtests
) -> None:
    before = state(context, target)
    for body in WRONG_LOGIN_BODIES:
        with subtests.test(body=body):
            response = client.post("/auth/simple/login", json=body)

            assert response.status_code == 400, response.text
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before
            assert "set-cookie" not in response.headers


ID_ROUTES = [
    ("GET", f"{BASE}/{{id}}", None),
    ("PUT", f"{BASE}/{{id}}", {"name": "Renamed"}),
    ("DELETE", f"{BASE}/{{id}}", None),
    ("POST", f"{BASE}/{{id}}/change-password", {"password": STRONG}),
]


UNKNOWN_IDS = ["9999", str(MAX_ID)]
MALFORMED_IDS = [
    *("abc", "0", "-5", "1.0", "1e2", "0x10", "+1", " 1", "\u0661"),
    *(str(MAX_ID + 1), "9" * 100, "null"),
]


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
def test_id_route__unknown_id__404_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    subtests: pytest.Subtests,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    before = state(context, target)
    for user_id in UNKNOWN_IDS:
        with subtests.test(user_id=user_id):
            response = admin_client.request(method, path.format(id=user_id), json=body)

            assert response.status_code == 404
            assert_error(response.json(), "NotFoundError")
            assert state(context, target) == before


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
def test_id_route__malformed_id__400_nothing_written(
    admin_client: TestClient,
    context: AppContext,
    target: UserHandle,
    subtests: pytest.Subtests,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    before = state(context, target)
    for user_id in MALFORMED_IDS:
        with subtests.test(user_id=user_id):
            response = admin_client.request(method, path.format(id=user_id), json=body)

            assert response.status_code == 400, response.text
            assert_error(response.json(), "BadDataError")
            assert state(context, target) == before


@pytest.mark.parametrize(
    "query",
    ["q=" + "x" * 256, "q=a&q=b", "q=%00", "q=a%00b", "q=%ff", "q=%ED%BF%BF", "q=%", "q=%zz"],
)
def test_search__bad_query__4xx_never_500(admin_client: TestClient, query: str) -> None:
    response = admin_client.get(f"{BASE}/search?{query}")

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert_error(response.json(), "BadDataError")


def test_search__nul_in_query__400(admin_client: TestClient) -> None:
    response = admin_client.get(f"{BASE}/search?q=a%00")

    assert response.status_code == 400
    assert_error(response.json(), "BadDataError")


def test_create__unicode_and_edge_values__stored_exactly(
    admin_client: TestClient, context: AppContext
) -> None:
    name = "Zoë 名前 🚀" + "x" * 240

    response = admin_client.post(BASE, json={"username": "ünïcode", "name": name, "rootRole": 3})

    assert response.status_code == 201
    assert response.json()["name"] == name
    assert admin_client.get(f"{BASE}/{response.json()['id']}").json()["username"] == "ünïcode"
