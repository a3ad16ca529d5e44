"""Trust policies on a service account's pages (Admins): listed on its edit page, added, edited
and deleted on their own pages, refused as the API refuses them; federated tokens marked in the
token tables. One browser test walks the whole flow with a real issuer on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from flagstaff.http.context import AppContext
from tests.factories import UserHandle, make_user
from tests.oidc_issuer import AUDIENCE, Issuer, IssuerServer
from tests.web.conftest import LiveServer
from tests.web.factories import ServiceAccountHandle, make_managers, make_service_account
from tests.web.helpers import assert_form_error, assert_shows, log_in, post_form, web_login

BASE = "/admin/service-accounts"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[IssuerServer]:
    server = IssuerServer()
    yield server
    server.close()


@pytest.fixture
def issuer(issuer_server: IssuerServer, context: AppContext) -> Issuer:
    context.settings.oidc_allow_loopback_http = True
    return issuer_server.issuer()


@pytest.fixture
def account(context: AppContext, admin: UserHandle) -> ServiceAccountHandle:
    return make_service_account(context, name="Deploys", username="service-deploy")


def _form(**fields: str) -> dict[str, str]:
    form = {
        "policy_name": "main branch",
        "issuer": "https://token.actions.githubusercontent.com",
        "audience": AUDIENCE,
        "conditions": "repository = acme/shop\r\nref = refs/heads/main\r\n",
        "lifetime_minutes": "",
        "scope_access": "any",
    }
    form.update(fields)
    return form


def _policies(account_id: int) -> str:
    return f"{BASE}/{account_id}/trust-policies"


def test_edit_page__admin__section_with_an_add_link(
    admin_web: TestClient, account: ServiceAccountHandle
) -> None:
    html = admin_web.get(f"{BASE}/{account.id}/edit").text
    assert_shows(html, "Trust policies", "No trust policies", "Add trust policy")


def test_add__saved_listed_and_recorded(
    admin_web: TestClient, account: ServiceAccountHandle
) -> None:
    assert admin_web.get(f"{_policies(account.id)}/new").status_code == 200
    response = post_form(admin_web, _policies(account.id), _form(lifetime_minutes="30"))
    assert response.status_code == 303, response.text
    html = admin_web.get(f"{BASE}/{account.id}/edit").text
    assert_shows(html, "main branch", "repository = acme/shop", "ref = refs/heads/main", "30 min")
    api = admin_web.get(f"/api/admin/service-account/{account.id}/trust-policies").json()
    [policy] = api["trustPolicies"]
    assert policy["maxTokenLifetimeSeconds"] == 1800
    assert policy["conditions"] == {"ref": "refs/heads/main", "repository": "acme/shop"}
    events = admin_web.get(
        "/api/admin/search/events?type=IS:service-account-trust-policy-created"
    ).json()["events"]
    assert [e["createdBy"] for e in events] == ["admin"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"conditions": ""}, "at least one condition"),
        ({"conditions": "repository acme/shop"}, "claim = value"),
        ({"conditions": "sub = *"}, "narrower than"),
        ({"conditions": "ref = a\nref = b"}, "named twice"),
        ({"issuer": "http://issuer.example.com"}, "https URL"),
        ({"lifetime_minutes": "600"}, "at most 3600"),
        ({"lifetime_minutes": "ten"}, "whole number of minutes"),
        ({"policy_name": ""}, "This field is required"),
        ({"scope_access": "chosen"}, "Tick"),
    ],
)
def test_add__bad_form__400_shown_again_nothing_saved(
    admin_web: TestClient, account: ServiceAccountHandle, fields: dict[str, str], message: str
) -> None:
    response = post_form(admin_web, _policies(account.id), _form(**fields))
    assert_form_error(response, message)
    api = admin_web.get(f"/api/admin/service-account/{account.id}/trust-policies").json()
    assert api["trustPolicies"] == []


def test_add__name_taken__400_under_the_name(
    admin_web: TestClient, account: ServiceAccountHandle
) -> None:
    assert post_form(admin_web, _policies(account.id), _form()).status_code == 303
    response = post_form(admin_web, _policies(account.id), _form())
    assert_form_error(response, "has a policy with that name")


def test_edit_and_delete(admin_web: TestClient, account: ServiceAccountHandle) -> None:
    post_form(admin_web, _policies(account.id), _form(scope_access="read"))
    [policy] = admin_web.get(f"/api/admin/service-account/{account.id}/trust-policies").json()[
        "trustPolicies"
    ]
    url = f"{_policies(account.id)}/{policy['id']}"
    html = admin_web.get(f"{url}/edit").text
    assert_shows(html, 'value="main branch"', "ref = refs/heads/main", 'value="read" checked')
    updated = post_form(
        admin_web, f"{url}/edit", _form(policy_name="any branch", conditions="sub = repo:acme/*")
    )
    assert updated.status_code == 303, updated.text
    assert_shows(admin_web.get(f"{BASE}/{account.id}/edit").text, "any branch", "sub = repo:acme/*")
    assert "Delete trust policy?" in admin_web.get(f"{url}/delete").text
    assert post_form(admin_web, f"{url}/delete").status_code == 303
    assert admin_web.get(f"{url}/edit").status_code == 404
    assert "No trust policies" in admin_web.get(f"{BASE}/{account.id}/edit").text


def test_without_csrf__refused(admin_web: TestClient, account: ServiceAccountHandle) -> None:
    response = post_form(admin_web, _policies(account.id), _form(), csrf="")
    assert response.status_code == 403
    assert admin_web.get(f"/api/admin/service-account/{account.id}/trust-policies").json() == {
        "trustPolicies": []
    }


def test_manager_and_editor__no_policies(
    new_client: Callable[[], TestClient],
    context: AppContext,
    admin_web: TestClient,
    account: ServiceAccountHandle,
) -> None:
    post_form(admin_web, _policies(account.id), _form())
    mia = make_user(context, username="mia", role="Editor")
    make_managers(context, account.id, mia.id)
    manager = web_login(new_client(), "mia")
    edit = manager.get(f"{BASE}/{account.id}/edit")
    assert edit.status_code == 200
    assert "Trust policies" not in edit.text
    assert manager.get(f"{_policies(account.id)}/new").status_code == 403
    assert post_form(manager, _policies(account.id), _form(policy_name="x")).status_code == 403


def test_browser__add_a_policy_exchange_an_id_token_then_see_the_token_marked_federated(
    live_server: LiveServer,
    context: AppContext,
    account: ServiceAccountHandle,
    issuer: Issuer,
    page: Page,
) -> None:
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}{BASE}/{account.id}/edit")
    page.get_by_role("link", name="Add trust policy").click()
    page.get_by_label("Name", exact=True).fill("deploys from main")
    page.get_by_label("Issuer").fill(issuer.url)
    page.get_by_label("Audience").fill(AUDIENCE)
    page.get_by_label("Conditions").fill("repository = acme/shop\nref = refs/heads/*")
    page.get_by_label("Token lifetime in minutes").fill("20")
    page.get_by_role("button", name="Save trust policy").click()

    row = page.locator("tr[data-trust-policy='deploys from main']")
    expect(row).to_contain_text(issuer.url)
    expect(row).to_contain_text("ref = refs/heads/*")
    expect(row).to_contain_text("20 min")

    with httpx.Client(base_url=base) as api:
        answer = api.post(
            "/api/auth/oidc/token",
            data={
                "grant_type": GRANT_TYPE,
                "subject_token": issuer.sign(),
                "subject_token_type": ID_TOKEN,
            },
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["expires_in"] == 1200
        secret = answer.json()["access_token"]
        me = api.get("/api/admin/user/tokens/self", headers={"Authorization": secret})
        assert me.json()["account"]["username"] == "service-deploy"

    page.reload()
    badge = page.locator("#tokens [data-token-federated]")
    expect(badge).to_have_text("Federated")
    assert issuer.url in (badge.get_attribute("title") or "")
    page.goto(f"{base}/admin/tokens")
    expect(page.locator("[data-token-federated]")).to_have_count(1)

    page.goto(f"{base}{BASE}/{account.id}/edit")
    page.get_by_role("link", name="Edit policy deploys from main").click()
    page.get_by_label("Token lifetime in minutes").fill("10")
    page.get_by_role("button", name="Save trust policy").click()
    expect(page.locator("tr[data-trust-policy='deploys from main']")).to_contain_text("10 min")
    page.get_by_role("link", name="Delete policy deploys from main").click()
    page.get_by_role("button", name="Delete trust policy").click()
    expect(page.get_by_text("No trust policies")).to_be_visible()
    assert re.search(r"/edit", page.url)
