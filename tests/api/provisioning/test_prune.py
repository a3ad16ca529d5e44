"""Prune: deletes what an apply of the same file created and the file no longer declares;
never people, never what was made by hand or by another file, never the last Admin."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.accounts.models import Account
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.api.provisioning.helpers import actions, applied, apply, event_count, service_account
from tests.api.service_accounts.helpers import create_account
from tests.factories import make_user

FULL = """\
version: 1
name: team-a
roles:
  - name: releaser
    type: project
    permissions: [UPDATE_FEATURE]
projects:
  - id: payments
    name: Payments
serviceAccounts:
  - username: bot-one
    name: Bot one
    rootRole: Viewer
    projectRoles:
      - {project: payments, role: releaser}
  - username: bot-two
    name: Bot two
    rootRole: Viewer
"""
EMPTY = "version: 1\nname: team-a\n"


def test_prune__objects_the_file_dropped__deleted_accounts_first(
    admin_client: TestClient,
) -> None:
    applied(admin_client, FULL)

    plan = applied(admin_client, EMPTY, prune=True)

    assert actions(plan) == {
        "serviceAccount bot-one": "delete",
        "serviceAccount bot-two": "delete",
        "project payments": "delete",
        "role releaser": "delete",
    }
    assert service_account(admin_client, "bot-one") is None
    assert admin_client.get("/api/admin/projects/payments").status_code == 404
    names = {r["name"] for r in admin_client.get("/api/admin/roles").json()["roles"]}
    assert "releaser" not in names
    # and pruning again finds nothing left to do
    events = event_count(admin_client)
    assert applied(admin_client, EMPTY, prune=True)["changes"] == []
    assert event_count(admin_client) == events


def test_prune__without_the_flag__dropped_objects_stay(admin_client: TestClient) -> None:
    applied(admin_client, FULL)

    plan = applied(admin_client, EMPTY)

    assert plan["changes"] == []
    assert service_account(admin_client, "bot-one") is not None


def test_prune__objects_made_by_hand_or_by_another_file__left_alone(
    admin_client: TestClient, context: AppContext
) -> None:
    create_account(admin_client, "hand-made", role="Viewer")
    make_user(context, role="Viewer", username="person")
    applied(admin_client, FULL.replace("name: team-a", "name: team-b"))
    # A file that declares a hand-made account updates it, but does not make it its own.
    adopting = (
        EMPTY + "serviceAccounts:\n  - {username: hand-made, name: Renamed, rootRole: Viewer}\n"
    )
    assert actions(applied(admin_client, adopting)) == {"serviceAccount hand-made": "update"}

    plan = applied(admin_client, EMPTY, prune=True)

    assert plan["changes"] == []
    assert service_account(admin_client, "hand-made") is not None
    assert service_account(admin_client, "bot-one") is not None


def test_prune__dry_run__lists_deletions_and_deletes_nothing(admin_client: TestClient) -> None:
    applied(admin_client, FULL)

    plan = applied(admin_client, EMPTY, prune=True, dryRun=True)

    assert set(actions(plan).values()) == {"delete"}
    assert service_account(admin_client, "bot-one") is not None
    assert admin_client.get("/api/admin/projects/payments").status_code == 200


def test_prune__object_deleted_and_recreated_by_hand__no_longer_the_files(
    admin_client: TestClient,
) -> None:
    applied(admin_client, FULL)
    bot = service_account(admin_client, "bot-two")
    assert bot is not None
    assert admin_client.delete(f"/api/admin/service-account/{bot['id']}").status_code == 200
    create_account(admin_client, "bot-two", role="Viewer")

    plan = applied(admin_client, FULL.split("  - username: bot-two")[0], prune=True)

    assert "serviceAccount bot-two" not in actions(plan)
    assert service_account(admin_client, "bot-two") is not None


def test_prune__the_last_admin__refused_with_nothing_applied(
    admin_client: TestClient, new_client: Callable[[], TestClient], context: AppContext
) -> None:
    admin_file = EMPTY + "serviceAccounts:\n  - {username: root-bot, name: Root, rootRole: Admin}\n"
    applied(admin_client, admin_file)
    # No person holds Admin any more: the file's account is the last one.
    with context.database.transaction() as session:
        session.execute(update(Account).where(Account.username == "admin").values(root_role_id=2))
    pipeline = new_client()
    pipeline.headers["Authorization"] = make_api_token(context, "admin", environment="*")
    events = event_count(pipeline)

    response = apply(pipeline, EMPTY, prune=True)

    assert response.status_code == 400, response.text
    assert "no account with the Admin role" in response.json()["details"][0]["message"]
    assert service_account(pipeline, "root-bot") is not None
    assert event_count(pipeline) == events
