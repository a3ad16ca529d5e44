"""Deliveries to a real receiver on loopback that verifies each signature: on an event, through
the filters, retried after a failure, given up after the retry period, each attempt in the
delivery log, and once per cluster when two deliverers share the outbox."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flagstaff.addons.delivery import Deliverer
from flagstaff.events.models import OutboxEntry
from flagstaff.http.context import AppContext
from tests.api.addons.helpers import BASE, create, create_flag, log, webhook
from tests.webhook_receiver import Receiver, receiver

WAIT = 10.0


def _hook(client: TestClient, hook: Receiver, events: list[str] | None = None, **kw: Any) -> int:
    created = create(client, webhook(hook.url, events, **kw))
    hook.secrets.append(created["signingSecret"])
    addon_id: int = created["id"]
    return addon_id


def _pending(context: AppContext, addon_id: int | None = None) -> int:
    with context.database.session(write=False) as session:
        query = select(func.count(OutboxEntry.id))
        if addon_id is not None:
            query = query.where(OutboxEntry.subscription_id == addon_id)
        return int(session.scalar(query) or 0)


def _log_until(
    client: TestClient, addon_id: int, done: Any, timeout: float = WAIT
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        entries = log(client, addon_id)
        if done(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.05)


def test_event__matching_webhook__delivered_signed_and_logged(
    admin_client: TestClient, hook: Receiver
) -> None:
    addon_id = _hook(admin_client, hook)
    create_flag(admin_client, "delivered-flag")
    [received] = hook.wait_for(1)
    assert received.verified
    assert received.path == "/hook"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["flagstaff-event"] == "feature-created"
    assert received.headers["user-agent"].startswith("Flagstaff-Webhook/")
    event = received.json()
    assert event["type"] == "feature-created"
    assert event["featureName"] == "delivered-flag"
    entries = _log_until(admin_client, addon_id, lambda e: len(e) == 1)
    [entry] = entries
    assert entry["state"] == "success"
    assert entry["integrationId"] == addon_id
    assert entry["event"]["id"] == event["id"]
    assert entry["details"]["statusCode"] == 200
    assert entry["details"]["deliveryId"] == int(received.headers["flagstaff-delivery"])
    assert entry["id"].isdigit()


def test_signature__other_secret__does_not_verify(admin_client: TestClient, hook: Receiver) -> None:
    created = create(admin_client, webhook(hook.url))
    hook.secrets.append(created["signingSecret"][:-1] + "0")
    create_flag(admin_client, "wrong-secret")
    [received] = hook.wait_for(1)
    assert not received.verified


def test_filters__only_matching_addons_get_an_entry(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    matching = _hook(admin_client, hook, ["feature-created"], projects=["default"])
    wildcard = _hook(admin_client, hook, ["feature-created"], projects=["*"], environments=["*"])
    other_project = _hook(admin_client, hook, ["feature-created"], projects=["elsewhere"])
    other_event = _hook(admin_client, hook, ["feature-archived"])
    disabled = _hook(admin_client, hook, ["feature-created"], enabled=False)
    create_flag(admin_client, "filtered")
    received = hook.wait_for(2)
    assert len(received) == 2
    ids = {r.json()["featureName"] for r in received}
    assert ids == {"filtered"}
    # The others never had an entry: the outbox is written with the event, or not at all.
    for addon_id in (other_project, other_event, disabled):
        assert _pending(context, addon_id) == 0
        assert log(admin_client, addon_id) == []
    _log_until(admin_client, wildcard, lambda e: len(e) == 1)
    _log_until(admin_client, matching, lambda e: len(e) == 1)


def test_environment_filter__toggle_in_other_environment__not_sent(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    create_flag(admin_client, "env-flag")
    events = ["feature-environment-enabled"]
    production = _hook(admin_client, hook, events, environments=["production"])
    development = _hook(admin_client, hook, events, environments=["development"])
    toggle = "/api/admin/projects/default/features/env-flag/environments/development/on"
    assert admin_client.post(toggle).status_code == 200
    [received] = hook.wait_for(1)
    assert received.json()["environment"] == "development"
    assert _pending(context, production) == 0
    assert log(admin_client, production) == []
    _log_until(admin_client, development, lambda e: len(e) == 1)


def test_receiver_fails_once__retried__both_attempts_logged(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    hook.answers.append(500)
    addon_id = _hook(admin_client, hook)
    create_flag(admin_client, "retried")
    first, second = hook.wait_for(2)
    assert first.headers["flagstaff-delivery"] == second.headers["flagstaff-delivery"]
    assert first.verified
    assert second.verified
    entries = _log_until(admin_client, addon_id, lambda e: len(e) == 2)
    newest, oldest = entries
    assert oldest["state"] == "failed"
    assert oldest["details"]["statusCode"] == 500
    assert oldest["details"]["error"] == "the receiver answered 500"
    assert oldest["details"]["retryAt"] is not None
    assert newest["state"] == "success"
    assert newest["details"]["attempt"] == 2
    assert _pending(context, addon_id) == 0


def test_receiver_keeps_failing__given_up_after_the_retry_period(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    hook.answers.extend([503] * 1000)
    addon_id = _hook(admin_client, hook)
    create_flag(admin_client, "given-up")
    entries = _log_until(
        admin_client, addon_id, lambda e: bool(e) and e[0]["details"]["retryAt"] is None
    )
    assert entries[0]["state"] == "failed"
    assert entries[0]["details"]["retryAt"] is None
    assert "Not retried" in entries[0]["stateDetails"]
    assert len(entries) >= 2  # retried with backoff before giving up
    assert all(e["state"] == "failed" for e in entries)
    assert _pending(context, addon_id) == 0


def test_unreachable_receiver__error_logged(admin_client: TestClient) -> None:
    with receiver() as gone:
        url = gone.url
    addon_id = create(admin_client, webhook(url))["id"]
    create_flag(admin_client, "unreachable")
    entries = _log_until(admin_client, addon_id, lambda e: len(e) >= 1)
    assert entries[-1]["state"] == "failed"
    assert entries[-1]["details"]["statusCode"] is None
    assert "Connect" in entries[-1]["details"]["error"]


def test_template_headers_and_authorization__sent(admin_client: TestClient, hook: Receiver) -> None:
    template = '{"text": "{{event.createdBy}} made {{event.featureName}}", "n": {{event.id}}}'
    _hook(
        admin_client,
        hook,
        parameters={
            "bodyTemplate": template,
            "contentType": "application/vnd.example+json",
            "authorization": "Bearer receiver-token",
            "customHeaders": '{"X-Team": "flags"}',
        },
    )
    create_flag(admin_client, "templated")
    [received] = hook.wait_for(1)
    assert received.verified
    body = received.json()
    assert body["text"] == "admin made templated"
    assert isinstance(body["n"], int)
    assert received.headers["content-type"] == "application/vnd.example+json"
    assert received.headers["authorization"] == "Bearer receiver-token"
    assert received.headers["x-team"] == "flags"


def test_loopback_at_delivery_when_not_allowed__refused_and_logged(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    # Saved while allowed, under a name; then private targets are forbidden: the name resolves
    # to loopback at delivery time, and nothing is sent.
    url = hook.url.replace("127.0.0.1", "localhost")
    addon_id = _hook(admin_client, hook)
    put = webhook(url)
    assert admin_client.put(f"{BASE}/{addon_id}", json=put).status_code == 200
    context.settings.webhooks_allow_private_addresses = False
    create_flag(admin_client, "refused")
    entries = _log_until(admin_client, addon_id, lambda e: len(e) >= 1)
    assert entries[-1]["state"] == "failed"
    assert "not a public address" in entries[-1]["details"]["error"]
    assert hook.received == []


def test_log__paged_newest_first(admin_client: TestClient, hook: Receiver) -> None:
    addon_id = _hook(admin_client, hook)
    for n in range(3):
        create_flag(admin_client, f"paged-{n}")
    hook.wait_for(3)
    _log_until(admin_client, addon_id, lambda e: len(e) == 3)
    page = admin_client.get(f"{BASE}/{addon_id}/events?limit=2&offset=1").json()
    entries = page["integrationEvents"]
    assert len(entries) == 2
    assert int(entries[0]["id"]) > int(entries[1]["id"])


def test_two_deliverers__one_outbox__each_entry_sent_once(
    admin_client: TestClient, hook: Receiver, context: AppContext
) -> None:
    # The app's own deliverer is stopped; two others race over the same entries.
    from flagstaff.addons.state import deliverer

    deliverer(context).stop()
    addon_id = _hook(admin_client, hook)
    for n in range(12):
        create_flag(admin_client, f"raced-{n}")
    assert _pending(context, addon_id) == 12
    racers = [Deliverer(context.database, context.settings, context.keys) for _ in range(2)]
    barrier = threading.Barrier(len(racers))

    def race(d: Deliverer) -> None:
        barrier.wait()
        while d.run_once():
            pass

    threads = [threading.Thread(target=race, args=(d,)) for d in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    for racer in racers:
        racer.stop()
    assert _pending(context, addon_id) == 0
    received = hook.wait_for(12)
    deliveries = [r.headers["flagstaff-delivery"] for r in received]
    assert len(deliveries) == 12
    assert len(set(deliveries)) == 12


def test_token_leak_reported__an_ordinary_event__delivered(
    admin_client: TestClient, hook: Receiver, new_client: Any
) -> None:
    _hook(admin_client, hook, ["token-leak-reported"])
    secret = admin_client.post(
        "/api/admin/api-tokens",
        json={"tokenName": "leaky", "type": "client", "environment": "development"},
    ).json()["secret"]
    report = new_client().post("/api/public/token-revocation", json={"tokens": [secret]})
    assert report.status_code == 202
    [received] = hook.wait_for(1)
    assert received.verified
    assert received.json()["type"] == "token-leak-reported"
    assert received.json()["data"]["tokenName"] == "leaky"
    assert secret not in received.body.decode()
