"""The Tokens page and the token lifetime policy page, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flagstaff.core.db import utcnow
from flagstaff.credentials.account_tokens.lifetimes import TokenPolicy, current_policy
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.http.context import AppContext
from flagstaff.web.routes import token_inventory
from tests.factories import UserHandle
from tests.web.factories import (
    make_pat,
    make_sa_token,
    make_service_account,
    set_policy,
    token_id,
    token_record,
)
from tests.web.helpers import (
    api_status,
    assert_form_error,
    assert_shows,
    post_form,
    web_login_new_user,
)


def _tokens(context: AppContext, admin: UserHandle) -> dict[str, int]:
    """A PAT of the Admin ("laptop"), two service-account tokens ("deploy" and "nightly", the
    latter unused for 40 days and expiring in 3)."""
    make_pat(context, admin.id, description="laptop")
    account = make_service_account(context, name="CI pipeline", username="service-ci")
    make_sa_token(context, account.id, description="deploy", days=90)
    make_sa_token(context, account.id, description="nightly", days=3)
    with context.database.transaction() as session:
        session.execute(
            update(AccountToken)
            .where(AccountToken.description == "nightly")
            .values(created_at=utcnow() - timedelta(days=40))
        )
    return {name: token_id(context, name) for name in ("laptop", "deploy", "nightly")}


def _listed(html: str) -> set[str]:
    return {name for name in ("laptop", "deploy", "nightly") if f'data-token="{name}"' in html}


def test_tokens_page__lists_every_account_token_with_owner_and_kind(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    _tokens(context, admin)

    html = admin_web.get("/admin/tokens").text

    assert _listed(html) == {"laptop", "deploy", "nightly"}
    assert_shows(
        html,
        'href="/admin/tokens" class="nav-link active"',
        "CI pipeline",
        'href="/admin/users/',
        "Service account",
        "Personal",
        ">Expires soon<",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "personal"}, {"laptop"}),
        ({"kind": "service-account"}, {"deploy", "nightly"}),
        ({"owner": "service-ci"}, {"deploy", "nightly"}),
        ({"q": "NIGHT"}, {"nightly"}),
        ({"unused": "30"}, {"nightly"}),
        ({"expires": "7"}, {"nightly"}),
        ({"state": "active", "unused": "", "expires": "7"}, {"nightly"}),
        ({"state": "disabled"}, set()),
        ({"state": "revoked"}, set()),
    ],
)
def test_tokens_page__filters(
    admin_web: TestClient,
    context: AppContext,
    admin: UserHandle,
    params: dict[str, str],
    expected: set[str],
) -> None:
    _tokens(context, admin)

    response = admin_web.get("/admin/tokens", params=params)

    assert response.status_code == 200
    assert _listed(response.text) == expected


def test_tokens_page__bad_filter__form_kept_with_messages(admin_web: TestClient) -> None:
    response = admin_web.get(
        "/admin/tokens", params={"unused": "soon", "state": "sleepy", "q": "deploy"}
    )

    assert_form_error(response, "Enter a number of days from 0 to 36500")
    assert "Choose a state from the list." in response.text
    assert 'value="deploy"' in response.text


def test_tokens_page__paging__keeps_the_filters(
    admin_web: TestClient,
    context: AppContext,
    admin: UserHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _tokens(context, admin)
    monkeypatch.setattr(token_inventory, "PAGE_SIZE", 1)

    first = admin_web.get("/admin/tokens", params={"kind": "service-account"}).text
    second = admin_web.get("/admin/tokens", params={"kind": "service-account", "page": "2"}).text

    assert "Page 1 of 2" in first
    assert "/admin/tokens?kind=service-account&amp;page=2" in first
    assert _listed(first) == {"deploy"}
    assert _listed(second) == {"nightly"}


def test_bulk_revoke__confirm_then_revoke__all_refused(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    ids = _tokens(context, admin)
    account = make_service_account(context, username="service-other")
    secret = make_sa_token(context, account.id, description="other")
    chosen = [ids["deploy"], token_id(context, "other")]

    confirm = admin_web.get("/admin/tokens/revoke", params={"ids": chosen})
    response = post_form(admin_web, "/admin/tokens/revoke", {"ids": [str(i) for i in chosen]})

    assert confirm.status_code == 200
    assert_shows(confirm.text, "Revoke 2 tokens?", "deploy", "other", "CI pipeline")
    assert response.status_code == 303
    assert token_record(context, ids["deploy"]).revoke_reason == "revoked"
    assert token_record(context, ids["nightly"]).revoked_at is None
    assert api_status(admin_web, "/api/admin/user", secret) == 401
    assert "2 tokens revoked" in admin_web.get("/admin/tokens").text


def test_bulk_revoke__one_already_revoked__nothing_revoked(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    ids = _tokens(context, admin)
    post_form(admin_web, "/admin/tokens/revoke", {"ids": str(ids["laptop"])})

    response = post_form(
        admin_web,
        "/admin/tokens/revoke",
        {"ids": [str(ids["deploy"]), str(ids["laptop"])]},
    )

    assert_form_error(response, f"Token {ids['laptop']} is already revoked. Nothing was revoked.")
    assert token_record(context, ids["deploy"]).revoked_at is None


def test_bulk_revoke__unknown_id__not_found_and_nothing_revoked(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    ids = _tokens(context, admin)

    confirm = admin_web.get("/admin/tokens/revoke", params={"ids": [ids["deploy"], 999_999]})
    response = post_form(
        admin_web,
        "/admin/tokens/revoke",
        {"ids": [str(ids["deploy"]), "999999"]},
    )

    assert confirm.status_code == 404
    assert response.status_code == 404
    assert "Nothing was revoked." in response.text
    assert token_record(context, ids["deploy"]).revoked_at is None


@pytest.mark.parametrize("ids", [None, "x"])
def test_bulk_revoke__no_selection_or_not_an_id__refused(
    admin_web: TestClient, ids: str | None
) -> None:
    params = {"ids": ids} if ids else {}

    confirm = admin_web.get("/admin/tokens/revoke", params=params)
    response = post_form(admin_web, "/admin/tokens/revoke", params)

    assert confirm.status_code == 400
    assert response.status_code == 400


def test_tokens_pages__viewer__refused_and_not_in_the_navigation(
    client: TestClient, context: AppContext, admin: UserHandle
) -> None:
    ids = _tokens(context, admin)
    viewer = web_login_new_user(client, context, "viewer", "Viewer")

    assert 'href="/admin/tokens"' not in viewer.get("/flags").text
    for path in (
        "/admin/tokens",
        "/admin/tokens/policy",
        f"/admin/tokens/revoke?ids={ids['deploy']}",
    ):
        assert viewer.get(path).status_code == 403, path
    revoke = post_form(viewer, "/admin/tokens/revoke", {"ids": str(ids["deploy"])})
    policy = post_form(viewer, "/admin/tokens/policy", {"max_lifetime_days": "1"})

    assert revoke.status_code == 403
    assert policy.status_code == 403
    assert token_record(context, ids["deploy"]).revoked_at is None


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/tokens/revoke", {"ids": "{deploy}"}),
        ("/admin/tokens/policy", {"max_lifetime_days": "1", "allow_never": "on"}),
    ],
)
def test_tokens_posts__without_csrf_token__refused(
    admin_web: TestClient,
    context: AppContext,
    admin: UserHandle,
    path: str,
    fields: dict[str, str],
) -> None:
    ids = _tokens(context, admin)
    data = {name: value.format(**ids) for name, value in fields.items()}

    response = post_form(admin_web, path, data, csrf="")

    assert response.status_code == 403
    assert token_record(context, ids["deploy"]).revoked_at is None
    assert "From the environment" in admin_web.get("/admin/tokens/policy").text


def test_policy__from_the_environment_until_saved(
    admin_web: TestClient, context: AppContext
) -> None:
    before = admin_web.get("/admin/tokens/policy").text

    response = post_form(
        admin_web,
        "/admin/tokens/policy",
        {"max_lifetime_days": "30", "revoke_unused_days": "90"},
    )
    after = admin_web.get("/admin/tokens/policy").text

    assert "From the environment" in before
    assert 'name="allow_never" value="on" checked' in before
    assert response.status_code == 303
    assert "Saved by an admin" in after
    assert 'value="30"' in after
    with context.database.session(write=False) as session:
        policy = current_policy(session, context.settings)
    assert policy == TokenPolicy(30, False, 90)


def test_policy__blocks_tokens__counted_and_linked(
    admin_web: TestClient, context: AppContext, admin: UserHandle
) -> None:
    _tokens(context, admin)
    set_policy(context, TokenPolicy(max_lifetime_days=10))

    html = admin_web.get("/admin/tokens/policy").text
    blocked = admin_web.get("/admin/tokens", params={"state": "blocked"}).text

    assert 'href="/admin/tokens?state=blocked">3 tokens</a>' in html
    assert _listed(blocked) == {"laptop", "deploy", "nightly"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_lifetime_days": "a month"}, "Enter a whole number of days, or leave it empty."),
        ({"max_lifetime_days": "0"}, "greater than or equal to 1"),
        ({"revoke_unused_days": "99999"}, "less than or equal to 36500"),
    ],
)
def test_policy__bad_input__form_kept(
    admin_web: TestClient, context: AppContext, fields: dict[str, str], message: str
) -> None:
    response = post_form(admin_web, "/admin/tokens/policy", {"allow_never": "on", **fields})

    assert_form_error(response, message)
    assert next(iter(fields.values())) in response.text
    assert "From the environment" in response.text


def test_tokens_page__editor__refused(client: TestClient, context: AppContext) -> None:
    editor = web_login_new_user(client, context, "editor", "Editor")

    assert editor.get("/admin/tokens").status_code == 403
