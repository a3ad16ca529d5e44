"""An invalid file: 400 with every problem and its line, and nothing applied. Files never hold
secrets. Oversized files are refused before they are read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.provisioning.helpers import EXAMPLE, apply, event_count, service_account
from tests.api.service_accounts.helpers import create_account, create_token
from tests.factories import make_user


def _problems(response: object) -> list[tuple[int | None, str]]:
    body = response.json()  # type: ignore[attr-defined]
    return [(int(d["line"]) if "line" in d else None, d["message"]) for d in body["details"]]


def test_invalid__many_problems__each_with_its_line_and_nothing_applied(
    admin_client: TestClient,
) -> None:
    text = """\
version: 1
roles:
  - name: ok-role
    type: project
    permissions: [CREATE_FEATURE]
  - name: bad-role
    type: project
    permissions: [NOT_A_PERMISSION, ADMIN]
projects:
  - id: good
    name: Good
  - id: "has space"
    name: Bad
    colour: red
serviceAccounts:
  - username: first
    name: First
    rootRole: Admiral
  - username: second
    rootRole: Viewer
"""
    events = event_count(admin_client)

    response = apply(admin_client, text)

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["name"] == "BadDataError"
    assert "nothing was applied" in body["message"]
    problems = _problems(response)
    lines = [line for line, _ in problems]
    assert lines == sorted(lines)
    assert (
        12,
        "line 12: projects[1].id: String should match pattern '^[A-Za-z0-9_~.-]+$'",
    ) in problems
    assert (14, "line 14: projects[1].colour: unknown key `colour`") in problems
    assert (19, "line 19: serviceAccounts[1].name: `name` is required here") in problems
    # A file whose form is wrong is not compared with the database: the references come next.
    assert event_count(admin_client) == events
    assert service_account(admin_client, "first") is None


def test_invalid__references_and_rules__each_with_its_line(
    admin_client: TestClient, context: AppContext
) -> None:
    make_user(context, role="Viewer", username="person")
    text = """\
version: 1
roles:
  - name: bad-role
    type: project
    permissions:
      - NOT_A_PERMISSION
      - CREATE_PROJECT
      - UPDATE_FEATURE_ENVIRONMENT
      - name: UPDATE_FEATURE
        environments: [production]
      - name: UPDATE_FEATURE_ENVIRONMENT
        environments: [nowhere]
  - name: Admin
    type: root
serviceAccounts:
  - username: first
    name: First
    rootRole: Admiral
    projectRoles:
      - project: missing
        role: bad-role
      - project: default
        role: Viewer
    managers: [nobody]
  - username: person
    name: A person
    rootRole: Viewer
  - username: first
    name: Again
    rootRole: Viewer
"""
    events = event_count(admin_client)

    response = apply(admin_client, text)

    assert response.status_code == 400, response.text
    lines = {line for line, _ in _problems(response)}
    assert lines == {6, 7, 8, 10, 12, 13, 18, 20, 23, 24, 25, 28}, _problems(response)
    messages = " | ".join(m for _, m in _problems(response))
    assert "Unknown permission 'NOT_A_PERMISSION'" in messages
    assert "CREATE_PROJECT is a root permission" in messages
    assert "name an environment" in messages
    assert "UPDATE_FEATURE is not an environment permission" in messages
    assert "no environment is named 'nowhere'" in messages
    assert "'Admin' is a built-in role" in messages
    assert "'Admiral' is not a role that exists or is declared" in messages
    assert "no project has the id 'missing'" in messages
    assert "'Viewer' is a root role" in messages
    assert "no user has the username or e-mail 'nobody'" in messages
    assert "a person has this username" in messages
    assert "'first' is declared twice" in messages
    assert event_count(admin_client) == events


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("", None, "the file is empty"),
        ("version: 1\nroles: [\n", 3, "not valid YAML"),
        ("version: 1\nversion: 1\n", 2, "this key appears twice"),
        ("version: 2\n", 1, "Input should be 1"),
        ("- version: 1\n", 1, "valid dictionary"),
        ("version: 1\nroles: &r []\nprojects: *r\n", 3, "anchors and aliases"),
        ("version: 1\nroles: !!python/object:os.system {}\n", 2, "is not allowed"),
        ("version: 1\nname: !!python/name:os.system\n", 2, "cannot read this value"),
        ("version: 1\nprojects:\n  - id: 0123\n    name: x\n", 3, "valid string"),
        ("version: 1\n---\nversion: 1\n", 2, "not valid YAML"),
        ("version: 1\nname: a\x01b\n", 2, "special characters are not allowed"),
        ("version: 1\nroles: " + "[" * 500 + "]" * 500 + "\n", None, "nested too deeply"),
        ("version: 1\nroles: " + "[" * 30 + "]" * 30 + "\n", 2, "nested too deeply"),
    ],
)
def test_invalid__malformed_files__400_with_the_line(
    admin_client: TestClient, text: str, line: int | None, expected: str
) -> None:
    response = apply(admin_client, text)

    assert response.status_code == 400, response.text
    problems = _problems(response)
    assert any(found == line and expected in message for found, message in problems), problems


def test_invalid__secret_keys_and_values__refused_with_where_tokens_come_from(
    admin_client: TestClient,
) -> None:
    account = create_account(admin_client, "existing", role="Viewer")
    secret = create_token(admin_client, account["id"])["secret"]
    text = f"""\
version: 1
serviceAccounts:
  - username: deployer
    name: Deployer
    rootRole: Viewer
    token: abc
    password: hunter2
  - username: other
    name: "{secret}"
    rootRole: Viewer
    apiKey: x
"""

    response = apply(admin_client, text)

    assert response.status_code == 400
    problems = _problems(response)
    assert [line for line, _ in problems] == [6, 7, 9, 11]
    assert all("never holds secrets" in message for _, message in problems)
    assert all("/api/auth/oidc/token" in message for _, message in problems)
    assert secret not in response.text


def test_invalid__oversized_file__413_naming_the_limit(admin_client: TestClient) -> None:
    text = EXAMPLE + "#" + "x" * (256 * 1024) + "\n"

    response = apply(admin_client, text)

    assert response.status_code == 413
    assert "the limit is 262144 bytes" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"file": 1},
        {"file": EXAMPLE, "dryRun": "yes"},
        {"file": EXAMPLE, "prune": 1},
        [EXAMPLE],
    ],
)
def test_invalid__wrong_body__400(admin_client: TestClient, body: object) -> None:
    response = admin_client.post("/api/admin/provisioning/apply", json=body)

    assert response.status_code == 400, response.text


def test_invalid__yaml_body__415(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/admin/provisioning/apply",
        content=EXAMPLE,
        headers={"Content-Type": "application/yaml"},
    )

    assert response.status_code == 415
