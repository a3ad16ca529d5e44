"""The webhook pages: listed, added (the signing secret shown once), changed with secrets kept,
the delivery log, deleted; refused as the API refuses. One browser test adds a webhook, makes
an event and reads the delivery log, with a real receiver on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from flagstaff.addons.models import Addon
from flagstaff.addons.signing import Secrets
from flagstaff.http.context import AppContext
from tests.web.conftest import LiveServer
from tests.web.helpers import assert_form_error, assert_shows, log_in, post_form, web_login_new_user
from tests.webhook_receiver import Receiver, receiver

BASE = "/admin/webhooks"


@pytest.fixture
def hook(context: AppContext) -> Iterator[Receiver]:
    context.settings.webhooks_allow_private_addresses = True
    with receiver() as found:
        yield found


def _form(url: str, **fields: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "description": "release bot",
        "url": url,
        "content_type": "application/json",
        "events": ["feature-created"],
        "enabled": "yes",
    }
    form.update(fields)
    return form


def _create(admin_web: TestClient, url: str, **fields: str | list[str]) -> str:
    response = post_form(admin_web, f"{BASE}/new", _form(url, **fields))
    assert response.status_code == 200, response.text
    match = re.search(r'value="(whsec_[0-9a-f]+)"', response.text)
    assert match, "the signing secret is not shown"
    return match.group(1)


def test_list__admin__empty_with_a_new_link(admin_web: TestClient) -> None:
    html = admin_web.get(BASE).text
    assert_shows(html, "Webhooks", "No webhooks yet", 'href="/admin/webhooks/new"')
    assert 'href="/admin/webhooks"' in admin_web.get("/profile").text


def test_create__shown_once_then_listed(admin_web: TestClient) -> None:
    secret = _create(admin_web, "https://hooks.example.com/a", authorization="Bearer s3cret")
    html = admin_web.get(BASE).text
    assert_shows(html, "release bot", "https://hooks.example.com/a", "feature-created")
    assert secret not in html
    assert "s3cret" not in admin_web.get(f"{BASE}/1/edit").text


def test_edit__masked_secret_kept__cleared_secret_removed(
    admin_web: TestClient, context: AppContext
) -> None:
    _create(admin_web, "https://hooks.example.com/a", authorization="Bearer keep-me")
    [addon_id] = re.findall(r'data-webhook="(\d+)"', admin_web.get(BASE).text)
    edit = admin_web.get(f"{BASE}/{addon_id}/edit").text
    assert 'value="*****"' in edit
    saved = post_form(
        admin_web,
        f"{BASE}/{addon_id}/edit",
        _form("https://hooks.example.com/b", authorization="*****", description="renamed"),
    )
    assert saved.status_code == 303, saved.text
    assert _sealed(context, int(addon_id)) == {"authorization": "Bearer keep-me"}
    cleared = post_form(admin_web, f"{BASE}/{addon_id}/edit", _form("https://x.example.com/"))
    assert cleared.status_code == 303
    assert _sealed(context, int(addon_id)) == {}


def _sealed(context: AppContext, addon_id: int) -> dict[str, str]:
    with context.database.session(write=False) as session:
        addon = session.get(Addon, addon_id)
        assert addon is not None
        return Secrets(context.keys).unseal(addon.sealed_parameters)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://hooks.example.com/"}, "http:// or https://"),
        ({"url": ""}, "Give the URL"),
        ({"url": "http://10.0.0.1/"}, "not a public address"),
        ({"body_template": "{{#event}}x{{/event}}"}, "cannot be rendered"),
        ({"custom_headers": "not json"}, "JSON object"),
        ({"description": "d" * 1001}, "too long"),
    ],
)
def test_create__bad_input__form_again_with_the_reason(
    admin_web: TestClient, fields: dict[str, str], message: str
) -> None:
    form = _form("https://hooks.example.com/a")
    form.update(fields)
    response = post_form(admin_web, f"{BASE}/new", form)
    assert_form_error(response, message)
    assert "No webhooks yet" in admin_web.get(BASE).text


def test_delete__confirmed__gone(admin_web: TestClient) -> None:
    _create(admin_web, "https://hooks.example.com/a")
    [addon_id] = re.findall(r'data-webhook="(\d+)"', admin_web.get(BASE).text)
    assert admin_web.get(f"{BASE}/{addon_id}/delete").status_code == 200
    assert post_form(admin_web, f"{BASE}/{addon_id}/delete").status_code == 303
    assert "No webhooks yet" in admin_web.get(BASE).text


@pytest.mark.parametrize("path", [f"{BASE}/new", f"{BASE}/1/edit", f"{BASE}/1/log"])
def test_viewer__forbidden_and_no_nav_item(
    client: TestClient, context: AppContext, path: str
) -> None:
    web_login_new_user(client, context, "viewer", "Viewer")
    assert client.get(path, follow_redirects=False).status_code == 403
    assert 'href="/admin/webhooks"' not in client.get("/profile").text


def test_browser__add_a_webhook_make_an_event_read_the_log(
    live_server: LiveServer, hook: Receiver, page: Page, admin_web: TestClient
) -> None:
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}{BASE}")
    page.get_by_role("link", name="New webhook").click()
    page.get_by_label("Description").fill("release bot")
    page.get_by_label("URL").fill(hook.url)
    page.get_by_label("Events").select_option(["feature-created"])
    page.get_by_role("button", name="Save webhook").click()
    dialog = page.locator("dialog[data-show-once]")
    expect(dialog).to_be_visible()
    secret = page.locator("[data-secret]").input_value()
    assert secret.startswith("whsec_")
    hook.secrets.append(secret)
    page.get_by_role("link", name="Close").click()

    made = admin_web.post("/api/admin/projects/default/features", json={"name": "from-ui"})
    assert made.status_code in (200, 201), made.text
    [received] = hook.wait_for(1)
    assert received.verified

    page.get_by_role("link", name=re.compile("Delivery log of webhook")).click()
    row = page.locator("[data-delivery-log] tr[data-attempt-state='success']")
    for _ in range(50):  # the log is written just after the receiver answered
        if row.count():
            break
        page.wait_for_timeout(100)
        page.reload()
    expect(row).to_contain_text("from-ui")
    expect(row).to_contain_text("Delivered")
