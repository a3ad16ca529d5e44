"""Bad addon input: a 400 with Unleash's error body, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.addons.helpers import BASE, create, webhook

URL = "https://hooks.example.com/x"


def _state(client: TestClient) -> tuple[int, int]:
    addons = len(client.get(BASE).json()["addons"])
    events = client.get("/api/admin/search/events?limit=1").json()["total"]
    return addons, events


BAD_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("empty", {}),
    ("no provider", {k: v for k, v in webhook(URL).items() if k != "provider"}),
    ("no parameters", {k: v for k, v in webhook(URL).items() if k != "parameters"}),
    ("no events", {k: v for k, v in webhook(URL).items() if k != "events"}),
    ("unknown provider", webhook(URL, provider="slack")),
    ("provider not a string", webhook(URL, provider=5)),
    ("enabled not a boolean", webhook(URL, enabled="yes")),
    ("events not a list", webhook(URL, events="feature-created")),  # type: ignore[arg-type]
    ("unknown event", webhook(URL, ["feature-created", "feature-exploded"])),
    ("event not a string", webhook(URL, [5])),  # type: ignore[list-item]
    ("projects not a list", webhook(URL, projects="default")),
    ("environment too long", webhook(URL, environments=["e" * 101])),
    ("too many events", webhook(URL, ["feature-created"] * 501)),
    ("description too long", webhook(URL, description="d" * 1001)),
    ("no url", webhook(URL, parameters={"url": ""})),
    ("url not a string", webhook(URL, parameters={"url": 5})),
    ("ftp url", webhook("ftp://hooks.example.com/x")),
    ("no scheme", webhook("hooks.example.com/x")),
    ("javascript url", webhook("javascript:alert(1)")),
    ("url with credentials", webhook("https://user:pw@hooks.example.com/x")),
    ("url with space", webhook("https://hooks.example.com/a b")),
    ("bad port", webhook("https://hooks.example.com:99999/x")),
    ("url too long", webhook("https://hooks.example.com/" + "a" * 2100)),
    ("unknown parameter", webhook(URL, parameters={"channel": "#flags"})),
    ("template section", webhook(URL, parameters={"bodyTemplate": "{{#event}}x{{/event}}"})),
    ("template unclosed", webhook(URL, parameters={"bodyTemplate": "{{event.type"})),
    ("template too long", webhook(URL, parameters={"bodyTemplate": "x" * 10_001})),
    ("bad content type", webhook(URL, parameters={"contentType": "json please"})),
    ("headers not json", webhook(URL, parameters={"customHeaders": "X-A: b"})),
    ("headers a list", webhook(URL, parameters={"customHeaders": '["a"]'})),
    ("header bad name", webhook(URL, parameters={"customHeaders": '{"X A": "b"}'})),
    ("header newline", webhook(URL, parameters={"customHeaders": '{"X-A": "b\\r\\nX-B: c"}'})),
    ("header reserved", webhook(URL, parameters={"customHeaders": '{"Flagstaff-Signature": "x"}'})),
    ("header host", webhook(URL, parameters={"customHeaders": '{"Host": "evil"}'})),
    ("authorization newline", webhook(URL, parameters={"authorization": "a\r\nb"})),
    ("nul in description", webhook(URL, description="a\x00b")),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_BODIES], ids=[n for n, _ in BAD_BODIES])
def test_create__bad_body__400_and_nothing_written(
    admin_client: TestClient, body: dict[str, Any]
) -> None:
    before = _state(admin_client)
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) >= {"id", "name", "message", "details"}
    assert _state(admin_client) == before


@pytest.mark.parametrize("body", [b for _, b in BAD_BODIES], ids=[n for n, _ in BAD_BODIES])
def test_update__bad_body__400_and_nothing_changed(
    admin_client: TestClient, body: dict[str, Any]
) -> None:
    created = create(admin_client, webhook(URL))
    before = _state(admin_client)
    response = admin_client.put(f"{BASE}/{created['id']}", json=body)
    assert response.status_code == 400, response.text
    assert _state(admin_client) == before
    assert admin_client.get(f"{BASE}/{created['id']}").json()["parameters"] == {"url": URL}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://10.0.0.8/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://localhost:8080/x",
        "http://0.0.0.0/x",
    ],
)
def test_create__private_target_when_not_allowed__400(
    admin_client: TestClient, url: str, context: Any
) -> None:
    context.settings.webhooks_allow_private_addresses = False
    response = admin_client.post(BASE, json=webhook(url))
    assert response.status_code == 400, response.text
    assert "public" in response.json()["message"]


def test_create__not_json__415(admin_client: TestClient) -> None:
    response = admin_client.post(BASE, content="x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_create__oversized_body__413(admin_client: TestClient) -> None:
    body = webhook(URL, description="d" * 2_000_000)
    assert admin_client.post(BASE, json=body).status_code == 413


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "offset=-1", "limit=100000"])
def test_log__bad_paging__400(admin_client: TestClient, query: str) -> None:
    created = create(admin_client, webhook(URL))
    assert admin_client.get(f"{BASE}/{created['id']}/events?{query}").status_code == 400
