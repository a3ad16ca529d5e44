"""A change the database refuses midway (a pruned role that a person still holds) rolls the
whole apply back: no object, no event. A dry run finds the same refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.provisioning.helpers import applied, apply, event_count, service_account
from tests.factories import make_user

WITH_ROLE = """\
version: 1
roles:
  - name: releaser
    type: project
    permissions: [UPDATE_FEATURE]
serviceAccounts:
  - username: old-bot
    name: Old bot
    rootRole: Viewer
"""
WITHOUT_ROLE = """\
version: 1
serviceAccounts:
  - username: old-bot
    name: Old bot, renamed
    rootRole: Editor
  - username: new-bot
    name: New bot
    rootRole: Viewer
"""


@pytest.mark.parametrize("dry_run", [False, True])
def test_apply__refused_midway__409_naming_the_object_and_nothing_applied(
    admin_client: TestClient, context: AppContext, dry_run: bool
) -> None:
    applied(admin_client, WITH_ROLE)
    person = make_user(context, role="Viewer")
    role_id = next(
        r["id"]
        for r in admin_client.get("/api/admin/roles").json()["roles"]
        if r["name"] == "releaser"
    )
    given = admin_client.post(
        "/api/admin/projects/default/access",
        json={"roles": [role_id], "users": [{"id": person.id}], "groups": []},
    )
    assert given.status_code == 200, given.text
    events = event_count(admin_client)

    response = apply(admin_client, WITHOUT_ROLE, prune=True, dryRun=dry_run)

    assert response.status_code == 409, response.text
    body = response.json()
    assert "nothing was applied" in body["message"]
    assert "role releaser" in body["details"][0]["message"]
    assert "in use" in body["details"][0]["message"]
    assert service_account(admin_client, "new-bot") is None
    old = service_account(admin_client, "old-bot")
    assert old is not None
    assert (old["name"], old["rootRole"]) == ("Old bot", 3)
    assert event_count(admin_client) == events
