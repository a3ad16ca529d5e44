"""Expiry headers on every answer to a token, and the cluster-wide job: expiry notices once per
token, unused tokens revoked when the policy says so, retired records purged."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from flagstaff.core.db import utcnow
from flagstaff.core.leases import acquire
from flagstaff.credentials.account_tokens.jobs import JOB, TokenJobs
from flagstaff.http.context import AppContext
from tests.api.credentials.account_tokens.helpers import (
    BASE,
    bearer,
    create_token,
    events_of,
    load_token,
    sa_with_token,
    set_token,
    tokens,
    whoami,
)

EXPIRES = "flagstaff-token-expires-at"
WARNING = "flagstaff-token-expiry-warning"


def test_headers__long_lived_token__expiry_without_warning(
    admin_client: TestClient, client: TestClient
) -> None:
    _, token = sa_with_token(admin_client, days=60)
    response = whoami(client, token["secret"])
    expires = datetime.fromisoformat(response.headers[EXPIRES])
    assert expires.isoformat()[:16] == token["expiresAt"][:16]
    assert WARNING not in response.headers


def _in_its_window(context: AppContext, token_id: int) -> None:
    """Created two days ago, expiring in one: the second half of a short life."""
    set_token(context, token_id, created_at=utcnow() - timedelta(days=2))


def test_headers__inside_the_warning_window__warning(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    _, token = sa_with_token(admin_client, days=1)
    assert WARNING not in whoami(client, token["secret"]).headers  # a fresh day-long token
    _in_its_window(context, token["id"])
    response = whoami(client, token["secret"])
    assert "expires at" in response.headers[WARNING]


def test_headers__on_errors_too(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    _, token = sa_with_token(admin_client, days=1, role="Viewer")
    _in_its_window(context, token["id"])
    response = client.post(
        "/api/admin/projects", json={"id": "p", "name": "P"}, headers=bearer(token["secret"])
    )
    assert response.status_code == 403
    assert EXPIRES in response.headers
    assert WARNING in response.headers


def test_headers__sessions_and_never_expiring_tokens__none(
    admin_client: TestClient, client: TestClient
) -> None:
    assert EXPIRES not in admin_client.get("/api/admin/user").headers
    account = admin_client.post(
        BASE, json={"username": "svc-never", "name": "N", "rootRole": "Viewer"}
    ).json()
    forever = admin_client.post(
        f"{BASE}/{account['id']}/token",
        json={"description": "f", "expiresAt": "3025-01-01T00:00:00Z"},
    ).json()
    assert EXPIRES not in whoami(client, forever["secret"]).headers


def test_job__token_enters_its_window__one_notice(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, token = sa_with_token(admin_client, days=10)  # window: the last 5 days
    now = utcnow()
    jobs = context.token_jobs

    assert jobs.run_once(now + timedelta(days=4)).notified == 0
    assert jobs.run_once(now + timedelta(days=6)).notified == 1
    assert jobs.run_once(now + timedelta(days=7)).notified == 0

    [event] = events_of(context, "service-account-token-expiring")
    assert event.data["id"] == token["id"]
    assert event.created_by == "unleash_system_user"
    assert "expiryWarning" not in tokens(admin_client, account_id)[0]  # not yet, in real time


def test_job__disabled_revoked_or_rotated_tokens__no_notice(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, first = sa_with_token(admin_client, days=2)
    second = create_token(admin_client, account_id, "second", 2)
    third = create_token(admin_client, account_id, "third", 2)
    admin_client.post(f"{BASE}/{account_id}/token/{first['id']}/disable")
    admin_client.delete(f"{BASE}/{account_id}/token/{second['id']}")
    successor = admin_client.post(
        f"{BASE}/{account_id}/token/{third['id']}/rotate", json={"graceSeconds": 60}
    ).json()

    context.token_jobs.run_once(utcnow() + timedelta(days=1, hours=12))

    # Only the successor is a usable token in its window.
    notified = [e.data["id"] for e in events_of(context, "service-account-token-expiring")]
    assert notified == [successor["id"]]


def test_job__personal_token__pat_expiring(admin_client: TestClient, context: AppContext) -> None:
    pat = admin_client.post(
        "/api/admin/user/tokens",
        json={"description": "laptop", "expiresAt": (utcnow() + timedelta(days=3)).isoformat()},
    ).json()
    context.token_jobs.run_once(utcnow() + timedelta(days=2))
    assert [e.data["id"] for e in events_of(context, "pat-expiring")] == [pat["id"]]


def test_job__another_process_holds_the_lease__skips(
    admin_client: TestClient, context: AppContext
) -> None:
    sa_with_token(admin_client, days=1)
    with context.database.transaction() as session:
        assert acquire(session, JOB, "another-process", timedelta(minutes=5))
    assert context.token_jobs.run_once(utcnow()).ran is False
    assert events_of(context, "service-account-token-expiring") == []


def test_job__lease_lapsed__taken_over(admin_client: TestClient, context: AppContext) -> None:
    sa_with_token(admin_client, days=1)
    with context.database.transaction() as session:
        assert acquire(session, JOB, "a-process-that-died", timedelta(seconds=-1))
    later = utcnow() + timedelta(hours=18)
    report = TokenJobs(context.database, context.settings).run_once(later)
    assert (report.ran, report.notified) == (True, 1)


def test_job__unused_tokens__revoked_when_the_policy_says(
    admin_client: TestClient, client: TestClient, context: AppContext
) -> None:
    account_id, idle = sa_with_token(admin_client, "service-idle", days=300)
    _, busy = sa_with_token(admin_client, "service-busy", days=300)
    admin_client.put("/api/admin/tokens/policy", json={"revokeUnusedAfterDays": 30})
    later = utcnow() + timedelta(days=31)
    set_token(context, busy["id"], seen_at=later - timedelta(days=1))

    report = context.token_jobs.run_once(later)

    assert report.revoked == 1
    assert whoami(client, idle["secret"]).status_code == 401
    assert whoami(client, busy["secret"]).status_code == 200
    [event] = events_of(context, "service-account-token-revoked")
    assert (event.data["id"], event.data["reason"], event.data["unusedForDays"]) == (
        idle["id"],
        "unused",
        30,
    )
    assert tokens(admin_client, account_id, state="revoked")[0]["revokeReason"] == "unused"


def test_job__unused_policy_off__nothing_revoked(
    admin_client: TestClient, context: AppContext
) -> None:
    sa_with_token(admin_client, days=300)
    assert context.token_jobs.run_once(utcnow() + timedelta(days=200)).revoked == 0


def test_job__retired_records__purged_after_the_retention_period(
    admin_client: TestClient, context: AppContext
) -> None:
    account_id, revoked = sa_with_token(admin_client, days=300)
    kept = create_token(admin_client, account_id, "kept", 300)
    admin_client.delete(f"{BASE}/{account_id}/token/{revoked['id']}")

    assert context.token_jobs.run_once(utcnow() + timedelta(days=89)).purged == 0
    assert context.token_jobs.run_once(utcnow() + timedelta(days=91)).purged == 1

    assert load_token(context, revoked["id"]) is None
    assert load_token(context, kept["id"]) is not None
