"""The event log page's audit trail: the token an event was made with (linking to its other
events), the client's address and user agent, and the filter by token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.http.context import AppContext
from tests.factories import UserHandle
from tests.web.factories import make_sa_token, make_service_account, token_id, token_record
from tests.web.helpers import post_form, web_login_new_user

AGENT = "release-bot/2.1 (+https://ci.example)"


def _flag_with(client: TestClient, secret: str, name: str) -> None:
    made = client.post(
        "/api/admin/projects/default/features",
        json={"name": name},
        headers={"Authorization": secret, "User-Agent": AGENT},
    )
    assert made.status_code == 201, made.text


def _events(html: str) -> list[str]:
    return re.findall(r'<article class="event".*?</article>', html, re.S)


def _deploy_token(context: AppContext) -> tuple[str, AccountToken]:
    account = make_service_account(context, username="service-bot")
    secret = make_sa_token(context, account.id, description="deploy")
    return secret, token_record(context, token_id(context, "deploy"))


def test_events__made_with_a_token__hint_link_address_and_user_agent(
    admin_web: TestClient, context: AppContext
) -> None:
    secret, token = _deploy_token(context)
    _flag_with(admin_web, secret, "made-by-bot")

    html = admin_web.get("/history", params={"type": "feature-created"}).text

    [event] = _events(html)
    link = re.search(r'<a class="mono" href="/history\?token=(\d+)"[^>]*>([^<]+)</a>', event)
    assert link is not None
    assert (int(link.group(1)), link.group(2)) == (token.id, token.hint)
    assert re.search(r"data-event-ip>[^<]+<", event)
    assert f'title="{AGENT}" data-event-user-agent>{AGENT}<' in event


def test_events__made_on_the_pages__no_token(admin_web: TestClient, context: AppContext) -> None:
    post_form(admin_web, "/projects/default/flags", {"name": "by-hand", "type": "release"})

    html = admin_web.get("/history", params={"flag": "by-hand"}).text

    [event] = _events(html)
    assert "data-event-token" not in event
    assert "data-event-ip" in event


def test_events__filter_by_token__only_its_events(
    admin_web: TestClient, context: AppContext
) -> None:
    secret, token = _deploy_token(context)
    other = make_sa_token(context, token.account_id, description="nightly")
    _flag_with(admin_web, secret, "made-with-deploy")
    _flag_with(admin_web, other, "made-with-nightly")
    post_form(admin_web, "/projects/default/flags", {"name": "by-hand", "type": "release"})

    html = admin_web.get("/history", params={"token": str(token.id)}).text

    events = _events(html)
    assert len(events) == 1
    assert "made-with-deploy" in events[0]
    assert f'name="token" inputmode="numeric" value="{token.id}"' in html
    assert 'href="/history">Clear</a>' in html


def test_events__filter_by_token__viewer_sees_project_events_of_it(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    secret, token = _deploy_token(context)
    _flag_with(client, secret, "made-with-deploy")
    web_login_new_user(client, context, "vic", "Viewer")

    html = client.get("/history", params={"token": str(token.id)}).text

    [event] = _events(html)
    assert "made-with-deploy" in event


def test_events__filter_by_token__not_an_id__400(admin_web: TestClient) -> None:
    response = admin_web.get("/history", params={"token": "deploy"})

    assert response.status_code == 400
    assert "A token id is a whole number" in response.text
    assert 'aria-invalid="true" aria-describedby="token-error"' in response.text
    assert not _events(response.text)
