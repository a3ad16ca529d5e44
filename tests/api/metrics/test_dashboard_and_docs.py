"""The Grafana dashboard queries only metrics a scrape has, and docs/metrics.md lists exactly the
metrics Flagstaff publishes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import auth, make_api_token
from tests.api.metrics.helpers import Scrape, scrape

pytestmark = pytest.mark.engine_independent

DOCS = Path(__file__).resolve().parents[3] / "docs"
NAME = re.compile(r"\bflagstaff_[a-z_]+")
DOCUMENTED = re.compile(r"^\| `(flagstaff_[a-z_]+)` \|", re.MULTILINE)


def _expressions(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for item in node for e in _expressions(item)]
    return []


@pytest.fixture
def scraped(client: TestClient, context: AppContext) -> Scrape:
    assert client.get("/api/client/features", headers=auth(make_api_token(context))).is_success
    return scrape(client)


def test_dashboard__every_metric_it_queries__in_a_scrape(scraped: Scrape) -> None:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    expressions = _expressions(dashboard["panels"])
    assert len(expressions) >= 10
    queried = {name for expression in expressions for name in NAME.findall(expression)}

    assert queried - scraped.names == set()
    assert len(queried) >= 10


def test_docs__every_published_metric_documented_and_nothing_else(scraped: Scrape) -> None:
    documented = set(DOCUMENTED.findall((DOCS / "metrics.md").read_text()))
    published = {
        name + "_total" if kind == "counter" else name
        for name, kind in scraped.families.items()
        if name.startswith("flagstaff_")
    }

    assert documented == published
