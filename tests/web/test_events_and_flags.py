"""The event log and the flag pages over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.strategies.models import FeatureStrategy
from flagstaff.http.context import AppContext
from tests.web.factories import make_sa_token, make_service_account
from tests.web.helpers import (
    assert_form_error,
    assert_shows,
    confirm_then_post,
    post_form,
    web_login_new_user,
)


def _create_flag(client: TestClient, name: str = "checkout") -> None:
    response = post_form(client, "/projects/default/flags", {"name": name, "type": "release"})
    assert response.status_code == 303, response.text


def _post_strategy(client: TestClient, **fields: str) -> Response:
    """A flexible rollout for checkout in development; ``fields`` add or replace fields."""
    form = {
        "feature": "checkout",
        "environment": "development",
        "strategy": "flexibleRollout",
        "p.flexibleRollout.rollout": "100",
        "p.flexibleRollout.stickiness": "default",
        "p.flexibleRollout.groupId": "checkout",
    }
    return post_form(client, "/projects/default/strategy", form | fields)


def _strategies(context: AppContext, feature: str) -> list[FeatureStrategy]:
    with context.database.session(write=False) as session:
        return list(
            session.scalars(select(FeatureStrategy).where(FeatureStrategy.feature_name == feature))
        )


def _enabled(context: AppContext, feature: str, env: str) -> bool:
    with context.database.session(write=False) as session:
        row = session.get(FeatureEnvironment, (feature, env))
        assert row is not None
        return row.enabled


def test_events__newest_first_with_actor_and_change(
    admin_web: TestClient, context: AppContext
) -> None:
    account = make_service_account(context, name="First", username="service-first")
    post_form(
        admin_web,
        f"/admin/service-accounts/{account.id}/edit",
        {"name": "Second", "root_role": "2"},
    )

    html = admin_web.get("/history").text

    updated = html.index('data-event-type="service-account-updated"')
    assert updated < html.index('data-event-type="service-account-created"')
    assert "<del>&#34;First&#34;</del>" in html or "<del>First</del>" in html
    assert_shows(html, "<ins>Second</ins>", "data-actor>admin<")


def test_events__filters_type_actor_flag(admin_web: TestClient, context: AppContext) -> None:
    account = make_service_account(context, username="service-bot")
    secret = make_sa_token(context, account.id)
    _create_flag(admin_web, "made-by-admin")
    made = admin_web.post(
        "/api/admin/projects/default/features",
        json={"name": "made-by-bot"},
        headers={"Authorization": secret},
    )
    assert made.status_code == 201

    by_actor = admin_web.get("/history", params={"actor": "service-bot"}).text
    by_flag = admin_web.get("/history", params={"flag": "made-by-admin"}).text
    by_type = admin_web.get("/history", params={"type": "service-account-created"}).text

    def flag_link(name: str) -> str:
        return f'flag <a href="/history?flag={name}">'

    assert flag_link("made-by-bot") in by_actor
    assert flag_link("made-by-admin") not in by_actor
    assert flag_link("made-by-admin") in by_flag
    assert flag_link("made-by-bot") not in by_flag
    assert 'data-event-type="service-account-created"' in by_type
    assert 'data-event-type="feature-created"' not in by_type


def test_events__viewer__only_project_events(client: TestClient, context: AppContext) -> None:
    web_login_new_user(client, context, "viewer", "Viewer")

    html = client.get("/history").text

    assert "user-created" not in html
    assert "account events need the Admin role" in html


def test_flags__create_then_toggle_on_and_off(admin_web: TestClient, context: AppContext) -> None:
    _create_flag(admin_web)

    on = post_form(
        admin_web,
        "/projects/default/toggle",
        {"feature": "checkout", "environment": "production", "enabled": "true"},
    )
    assert on.status_code == 303
    assert _enabled(context, "checkout", "production")
    assert not _enabled(context, "checkout", "development")
    html = admin_web.get("/projects/default").text
    assert 'aria-label="checkout in production"' in html

    post_form(
        admin_web,
        "/projects/default/toggle",
        {"feature": "checkout", "environment": "production", "enabled": "false"},
    )
    assert not _enabled(context, "checkout", "production")


def test_flags__toggle__return_only_to_this_server(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    response = post_form(
        admin_web,
        "/projects/default/toggle",
        {
            "feature": "checkout",
            "environment": "development",
            "enabled": "true",
            "return": "//evil.example",
        },
    )

    assert response.headers["location"] == "/projects/default"


def test_flags__viewer__switch_disabled_and_toggle_forbidden(
    admin_web: TestClient, client: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)
    post_form(admin_web, "/sign-out")
    web_login_new_user(client, context, "viewer", "Viewer")

    html = client.get("/projects/default").text
    response = post_form(
        client,
        "/projects/default/toggle",
        {"feature": "checkout", "environment": "development", "enabled": "true"},
    )

    assert "Your role cannot switch this flag" in html
    assert "New flag" not in html
    assert response.status_code == 403


def test_flags__stored_name_with_slash__detail_page(
    admin_web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flag named before the URL-friendly rule (as Unleash's) still has its page."""
    monkeypatch.setattr("flagstaff.flags.features.service.check_feature_name", lambda _: None)
    _create_flag(admin_web, "team/checkout")

    response = admin_web.get("/projects/default/features/team%2Fcheckout")

    assert response.status_code == 200
    assert "<h1>team/checkout</h1>" in response.text


def test_flags__name_not_url_friendly__error(admin_web: TestClient) -> None:
    response = post_form(admin_web, "/projects/default/flags", {"name": "team/checkout"})

    assert_form_error(response, "must be URL friendly")


def test_flags__duplicate_name__error(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    response = post_form(admin_web, "/projects/default/flags", {"name": "checkout"})

    assert_form_error(response, "A flag with that name already exists.")


def test_strategy__add_with_constraint__edit__remove(
    admin_web: TestClient, context: AppContext
) -> None:
    _create_flag(admin_web)
    form = admin_web.get(
        "/projects/default/strategy", params={"feature": "checkout", "environment": "development"}
    )
    assert form.status_code == 200

    added = _post_strategy(
        admin_web,
        **{
            "p.flexibleRollout.rollout": "25",
            "p.flexibleRollout.stickiness": "userId",
            "c_context": "region",
            "c_operator": "IN",
            "c_values": "eu, us\nasia",
            "c_inverted": "no",
            "c_case": "yes",
        },
    )
    assert added.status_code == 303
    [strategy] = _strategies(context, "checkout")
    assert strategy.parameters["rollout"] == "25"
    assert strategy.constraints == [
        {
            "contextName": "region",
            "operator": "IN",
            "values": ["eu", "us", "asia"],
            "caseInsensitive": True,
        }
    ]
    detail = admin_web.get("/projects/default/features/checkout").text
    assert "region" in detail
    assert "eu, us, asia" in detail

    edited = _post_strategy(
        admin_web,
        id=strategy.id,
        title="Quarter",
        c_context="",
        **{"p.flexibleRollout.rollout": "50"},
    )
    assert edited.status_code == 303
    [changed] = _strategies(context, "checkout")
    assert (changed.title, changed.parameters["rollout"], changed.constraints) == (
        "Quarter",
        "50",
        [],
    )

    params = {"feature": "checkout", "environment": "development", "id": strategy.id}
    confirm, removed = confirm_then_post(admin_web, "/projects/default/strategy/delete", params)
    assert "Remove strategy?" in confirm
    assert removed.status_code == 303
    assert _strategies(context, "checkout") == []


def test_strategy__bad_constraint__error_keeps_the_form(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    response = _post_strategy(
        admin_web, c_context="version", c_operator="SEMVER_GT", c_values="not-a-version"
    )

    assert_form_error(response, "not a valid semantic version")
    assert 'value="version"' in response.text


def test_strategy__rollout_over_100__error(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    response = _post_strategy(admin_web, **{"p.flexibleRollout.rollout": "150"})

    assert_form_error(response, "A percentage from 0 to 100.")


def test_flags__archive_then_revive(admin_web: TestClient, context: AppContext) -> None:
    _create_flag(admin_web)
    post_form(
        admin_web,
        "/projects/default/toggle",
        {"feature": "checkout", "environment": "development", "enabled": "true"},
    )

    confirm, archived = confirm_then_post(
        admin_web, "/projects/default/archive", {"feature": "checkout"}
    )

    assert "Archive flag?" in confirm
    assert archived.status_code == 303
    assert 'aria-label="checkout in' not in admin_web.get("/projects/default").text
    assert '<span class="row-title">checkout</span>' in admin_web.get("/flags/archived").text

    revived = post_form(admin_web, "/flags/revive", {"feature": "checkout"})

    assert revived.status_code == 303
    assert revived.headers["location"] == "/projects/default/features/checkout"
    with context.database.session(write=False) as session:
        feature = session.get(Feature, "checkout")
        assert feature is not None
        assert feature.archived_at is None
    assert not _enabled(context, "checkout", "development")


def test_flags__overview__every_project(admin_web: TestClient) -> None:
    _create_flag(admin_web, "one")
    _create_flag(admin_web, "two")

    html = admin_web.get("/flags").text

    assert_shows(html, "one", "two", 'aria-label="one in development"')


def test_projects__list__default_project(admin_web: TestClient) -> None:
    html = admin_web.get("/projects").text

    assert 'href="/projects/default"' in html


def test_flags__revive_active_flag__error_page_not_json(admin_web: TestClient) -> None:
    _create_flag(admin_web)

    response = post_form(admin_web, "/flags/revive", {"feature": "checkout"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "is not archived" in response.text
