"""``GET /api/admin/search/events``: Unleash's filters, paging, and who sees what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from flagstaff.core.db import utcnow
from flagstaff.events.models import Event
from flagstaff.events.service import Actor
from flagstaff.http.context import AppContext
from tests.api.events.helpers import SEARCH, all_events, ids, record, search

DANA = Actor("dana@example.com", 12)
ERIN = Actor("erin", 13)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_search__no_filter__events_and_total_newest_first(
    admin_client: TestClient, context: AppContext
) -> None:
    first = record(context, "a-happened")
    second = record(context, "b-happened")

    body = search(admin_client)

    assert set(body) == {"events", "total"}
    assert body["total"] == len(all_events(context))
    assert ids(body)[:2] == [second, first]
    assert ids(body) == sorted(ids(body), reverse=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("IS:feature-created", ["created"]),
        ("feature-created", ["created"]),
        ("IS_ANY_OF:feature-created,feature-archived", ["archived", "created"]),
        ("IS_ANY_OF:feature-created, feature-archived ,", ["archived", "created"]),
        ("IS:feature-nothing", []),
        ("IS:", ["archived", "updated", "created"]),
    ],
)
def test_search__type_filter__matching_types(
    admin_client: TestClient, context: AppContext, value: str, expected: list[str]
) -> None:
    made = {
        "created": record(context, "feature-created"),
        "updated": record(context, "feature-updated"),
        "archived": record(context, "feature-archived"),
    }

    found = ids(search(admin_client, type=value))

    assert [i for i in found if i in made.values()] == [made[name] for name in expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("IS:12", ["dana"]),
        ("12", ["dana"]),
        ("IS:dana@example.com", ["dana"]),
        ("IS:erin", ["erin"]),
        ("IS_ANY_OF:12,13", ["erin", "dana"]),
        ("IS_ANY_OF:12,erin", ["erin", "dana"]),
        ("IS:99", []),
        ("IS:-1337", ["system"]),
    ],
)
def test_search__created_by_filter__user_id_or_name(
    admin_client: TestClient, context: AppContext, value: str, expected: list[str]
) -> None:
    made = {
        "dana": record(context, "x", actor=DANA),
        "erin": record(context, "x", actor=ERIN),
        "system": record(context, "x"),
    }

    found = ids(search(admin_client, type="x", createdBy=value))

    assert found == [made[name] for name in expected]


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("project", "IS:checkout", ["checkout-dev"]),
        ("project", "IS_ANY_OF:checkout,payments", ["payments-prod", "checkout-dev"]),
        ("feature", "IS:pay-v2", ["payments-prod"]),
        ("feature", "pay-v2", ["payments-prod"]),
        ("environment", "IS:development", ["checkout-dev"]),
        ("environment", "IS_ANY_OF:development,production", ["payments-prod", "checkout-dev"]),
    ],
)
def test_search__project_feature_environment__matching_events(
    admin_client: TestClient, context: AppContext, param: str, value: str, expected: list[str]
) -> None:
    made = {
        "checkout-dev": record(
            context, project="checkout", feature_name="co-v2", environment="development"
        ),
        "payments-prod": record(
            context, project="payments", feature_name="pay-v2", environment="production"
        ),
    }
    record(context, project="other", feature_name="other-v2", environment="staging")

    found = ids(search(admin_client, **{param: value}))

    assert found == [made[name] for name in expected]


def test_search__id_filter__those_events(admin_client: TestClient, context: AppContext) -> None:
    first, second, third = (record(context) for _ in range(3))

    assert ids(search(admin_client, id=f"IS:{second}")) == [second]
    assert ids(search(admin_client, id=f"IS_ANY_OF:{first},{third}")) == [third, first]
    assert ids(search(admin_client, id="IS:2147483647")) == []


def test_search__filters_combined__all_must_match(
    admin_client: TestClient, context: AppContext
) -> None:
    wanted = record(context, "feature-updated", actor=DANA, project="checkout")
    record(context, "feature-updated", actor=ERIN, project="checkout")
    record(context, "feature-created", actor=DANA, project="checkout")
    record(context, "feature-updated", actor=DANA, project="payments")

    body = search(admin_client, type="IS:feature-updated", createdBy="IS:12", project="checkout")

    assert ids(body) == [wanted]
    assert body["total"] == 1


class TestDates:
    @pytest.fixture
    def timeline(self, context: AppContext) -> dict[str, int]:
        return {
            "jan30-late": record(context, "t", created_at=at("2024-01-30T23:59:59.999")),
            "jan31-start": record(context, "t", created_at=at("2024-01-31T00:00:00")),
            "jan31-late": record(context, "t", created_at=at("2024-01-31T23:59:59.999")),
            "feb01-start": record(context, "t", created_at=at("2024-02-01T00:00:00")),
        }

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"from": "IS:2024-01-31"}, ["feb01-start", "jan31-late", "jan31-start"]),
            ({"from": "2024-01-31"}, ["feb01-start", "jan31-late", "jan31-start"]),
            ({"to": "IS:2024-01-31"}, ["jan31-late", "jan31-start", "jan30-late"]),
            ({"to": "2024-01-30"}, ["jan30-late"]),
            ({"from": "IS:2024-01-31", "to": "IS:2024-01-31"}, ["jan31-late", "jan31-start"]),
            ({"from": "2024-02-01", "to": "2024-01-31"}, []),
            ({"from": "2024-01-31T12:00:00Z"}, ["feb01-start", "jan31-late"]),
            ({"from": "2024-01-31T13:00:00+01:00"}, ["feb01-start", "jan31-late"]),
            ({"to": "2024-01-31T00:00:00Z"}, ["jan30-late"]),
            ({"to": "2024-01-31T00:00:00.001"}, ["jan31-start", "jan30-late"]),
            ({"to": "9999-12-31"}, ["feb01-start", "jan31-late", "jan31-start", "jan30-late"]),
            ({"from": "0001-01-01"}, ["feb01-start", "jan31-late", "jan31-start", "jan30-late"]),
        ],
    )
    def test_search__date_range__bare_to_date_includes_that_day(
        self,
        admin_client: TestClient,
        timeline: dict[str, int],
        params: dict[str, str],
        expected: list[str],
    ) -> None:
        found = ids(search(admin_client, type="t", **params))
        assert found == [timeline[name] for name in expected]


class TestQuery:
    @pytest.fixture
    def made(self, context: AppContext) -> dict[str, int]:
        return {
            "user": record(context, "user-created", data={"username": "Grace.Hopper"}),
            "pre": record(context, "user-deleted", pre_data={"email": "alan@example.com"}),
            "tag": record(context, "feature-tagged", tags=[{"type": "simple", "value": "QA"}]),
            "feature": record(context, "feature-created", feature_name="search-v2"),
            "percent": record(context, "feature-updated", data={"rollout": "50%"}),
            "accent": record(context, "user-created", data={"name": "Zoë Müller"}),
            "quote": record(context, "user-created", data={"name": 'The "best" one'}),
            "underscore": record(context, "user-created", data={"code": "x_y"}),
            "lookalike": record(context, "user-created", data={"code": "xzy"}),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("grace.hopper", ["user"]),
            ("GRACE", ["user"]),
            ("alan@example", ["pre"]),
            ("qa", ["tag"]),
            ("search-v2", ["feature"]),
            ("50%", ["percent"]),
            ("%", ["percent"]),
            ("x_y", ["underscore"]),
            ("xzy", ["lookalike"]),
            ("zoë", ["accent"]),
            ("müller", ["accent"]),
            ('"best"', ["quote"]),
            ("nothing-like-this", []),
        ],
    )
    def test_search__query__matches_payloads_case_insensitively(
        self, admin_client: TestClient, made: dict[str, int], query: str, expected: list[str]
    ) -> None:
        found = [i for i in ids(search(admin_client, query=query)) if i in made.values()]
        assert sorted(found) == sorted(made[name] for name in expected)


def test_search__paging__newest_first_and_total_counts_everything(
    admin_client: TestClient, context: AppContext
) -> None:
    made = [record(context, "paged") for _ in range(7)]
    newest_first = made[::-1]

    pages = [search(admin_client, type="paged", offset=offset, limit=3) for offset in (0, 3, 6, 9)]

    assert [ids(page) for page in pages] == [
        newest_first[0:3],
        newest_first[3:6],
        newest_first[6:7],
        [],
    ]
    assert {page["total"] for page in pages} == {7}


def test_search__default_limit__50(admin_client: TestClient, context: AppContext) -> None:
    _bulk(context, 60)
    body = search(admin_client, type="bulk")
    assert (len(body["events"]), body["total"]) == (50, 60)


def test_search__limit_1000__up_to_1000(admin_client: TestClient, context: AppContext) -> None:
    _bulk(context, 1005)
    body = search(admin_client, type="bulk", limit=1000)
    assert (len(body["events"]), body["total"]) == (1000, 1005)


def test_search__offset_past_the_end__empty_with_total(
    admin_client: TestClient, context: AppContext
) -> None:
    record(context, "lonely")
    body = search(admin_client, type="lonely", offset=2_147_483_647)
    assert (body["events"], body["total"]) == ([], 1)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "1001"},
        {"limit": "abc"},
        {"limit": "1.5"},
        {"limit": "99999999999999999999"},
        {"offset": "-1"},
        {"offset": "abc"},
        {"offset": "2147483648"},
        {"from": "yesterday"},
        {"from": "IS:2024-13-45"},
        {"from": "IS:2024-02-30"},
        {"from": "IS_ANY_OF:2024-01-01,2024-02-01"},
        {"to": "IS_BEFORE:2024-01-01"},
        {"to": "0000-01-01"},
        {"from": "0001-01-01T00:00:00+14:00"},
        {"id": "IS:abc"},
        {"id": "IS:-5"},
        {"id": "IS:0"},
        {"id": "IS:99999999999"},
        {"id": "IS_ANY_OF:1,x"},
        {"createdBy": "IS:99999999999"},
        {"createdBy": "IS:-99999999999"},
        {"type": "IS_NOT:feature-created"},
        {"project": "IS_NONE_OF:default"},
        {"query": "x" * 1001},
        {"query": "bad\x00query"},
        {"type": "IS:bad\x00type"},
        {"createdBy": "na\x00me"},
        {"feature": "IS:\x00"},
    ],
)
def test_search__bad_parameter__400_unleash_error(
    admin_client: TestClient, params: dict[str, str]
) -> None:
    response = admin_client.get(SEARCH, params=params)

    assert response.status_code == 400, response.text
    body = response.json()
    assert {"id", "name", "message", "details"} <= set(body)
    assert body["name"] == "BadDataError"


@pytest.mark.parametrize("role", ["Editor", "Viewer"])
def test_search__without_admin__only_project_events(
    user_client: Callable[..., TestClient], context: AppContext, role: str
) -> None:
    project_event = record(context, "feature-created", project="default")
    record(context, "user-created", data={"email": "secret-person@example.com"})

    body = search(user_client(role=role))

    assert ids(body) == [project_event]
    assert body["total"] == 1
    assert "secret-person" not in str(body)


def test_search__admin__sees_events_without_project(
    admin_client: TestClient, context: AppContext
) -> None:
    unscoped = record(context, "user-created")
    assert unscoped in ids(search(admin_client))


def test_search__anonymous__401(client: TestClient) -> None:
    assert client.get(SEARCH).status_code == 401


def _bulk(context: AppContext, count: int) -> None:
    rows = [
        {"type": "bulk", "created_by": "loader", "created_at": utcnow(), "tags": []}
        for _ in range(count)
    ]
    with context.database.transaction() as session:
        session.execute(insert(Event), rows)
