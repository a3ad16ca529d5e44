"""Every case of @unleash/client-specification 6.1.0 (vendored in ``data/``), loaded through
the Admin API of a live Flagstaff and checked twice: by the official Python SDK polling
``/api/client/features``, and by ``POST /api/frontend``. A state the Admin API refuses must be
refused with a 400 that names the problem; its cases are counted as refused, not evaluated."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from UnleashClient import UnleashClient
from UnleashClient.utils import InstanceAllowType

from flagstaff.config import Settings
from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.conftest import FAST_PASSWORDS
from tests.sdk.live import LiveServer, live_server, wait_for
from tests.spec.conftest import FAILURES, REFUSALS, RESULTS
from tests.spec.loader import Loaded, load, state_of

DATA = Path(__file__).parent / "data"
FILES = json.loads((DATA / "index.json").read_text())
# What a refusal may be about: the invalid inputs Flagstaff turns away. (A strategy naming a
# segment that does not exist, as in 15-global-constraints, is accepted and evaluates to false.)
ACCEPTABLE_REFUSAL = re.compile(
    r"operator|semver|version|regex|regular expression|cycl|parent", re.I
)
# The caller of the Frontend API: an address no case expects (TEST-NET-3), so that a case
# without ``remoteAddress`` sees a derived address, as a browser's request would.
CALLER = "203.0.113.77"
DISABLED = {"name": "disabled", "enabled": False, "feature_enabled": False}


@pytest.fixture
def spec_context(settings: Settings) -> Iterator[AppContext]:
    context = AppContext.build(
        settings.model_copy(update={"trust_proxy_headers": True}), passwords=FAST_PASSWORDS
    )
    yield context
    context.database.dispose()


def cases(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [("enabled", c) for c in spec.get("tests", [])] + [
        ("variant", c) for c in spec.get("variantTests", [])
    ]


def sdk_for(server: LiveServer, tmp_path: Path) -> UnleashClient:
    token = server.admin.post(
        "/api/admin/api-tokens",
        json={"tokenName": "spec-sdk", "type": "client", "environment": "development"},
    ).json()["secret"]
    client = UnleashClient(
        url=f"{server.url}/api",
        app_name="flagstaff-spec",
        custom_headers={"Authorization": token},
        refresh_interval=60,
        disable_metrics=True,
        cache_directory=str(tmp_path / "sdk-cache"),
        multiple_instance_mode=InstanceAllowType.SILENTLY_ALLOW,
    )
    client.initialize_client()
    return client


def frontend_answer(server: LiveServer, token: str, context: dict[str, Any]) -> dict[str, Any]:
    response = server.admin.post(
        "/api/frontend",
        json={"context": context},
        headers={"Authorization": token, "X-Forwarded-For": CALLER},
    )
    assert response.status_code == 200, response.text
    return {t["name"]: t for t in response.json()["toggles"]}


def same_variant(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(actual.get(key) == value for key, value in expected.items())


@pytest.mark.parametrize("file_name", FILES)
def test_client_specification__every_case__passes_both_ways(
    spec_context: AppContext, tmp_path: Path, file_name: str
) -> None:
    spec = json.loads((DATA / file_name).read_text())
    name = file_name.removesuffix(".json")
    admin_token = make_api_token(spec_context, "admin", environment="*")
    with live_server(spec_context, admin_token) as server:
        loaded = load(server.admin, spec)
        expected_flags = {f["name"] for f in state_of(spec)["features"]} - set(loaded.refused)
        frontend_token = make_api_token(spec_context, "frontend")
        sdk = sdk_for(server, tmp_path)
        try:
            wait_for(
                lambda: set(sdk.feature_definitions()) >= loaded.flags,
                what=f"the SDK to fetch {name}",
            )
            failures = check(name, spec, loaded, sdk, server, frontend_token)
        finally:
            sdk.destroy()
    assert loaded.errors == {}, loaded.errors
    for flag, message in loaded.refused.items():
        assert ACCEPTABLE_REFUSAL.search(message), f"{flag} refused for another reason: {message}"
    assert expected_flags <= loaded.flags | set(loaded.errors)
    assert failures == [], "\n".join(failures)


def check(
    name: str,
    spec: dict[str, Any],
    loaded: Loaded,
    sdk: UnleashClient,
    server: LiveServer,
    frontend_token: str,
) -> list[str]:
    counts = RESULTS[name]
    failures: list[str] = []
    for kind, case in cases(spec):
        flag = case["toggleName"]
        if flag in loaded.refused:
            counts["refused"] += 1
            REFUSALS.append(f"{name}: {case['description']} ({loaded.refused[flag]})")
            continue
        context = case["context"]
        answer = frontend_answer(server, frontend_token, context)
        expected = case["expectedResult"]
        if kind == "enabled":
            by_sdk = sdk.is_enabled(flag, context)
            by_frontend = flag in answer
            sdk_ok, frontend_ok = by_sdk == expected, by_frontend == expected
        else:
            by_sdk = sdk.get_variant(flag, context)
            by_frontend = answer[flag]["variant"] if flag in answer else DISABLED
            sdk_ok = same_variant(expected, by_sdk)
            frontend_ok = same_variant(expected, by_frontend)
        for way, ok, got in (("sdk", sdk_ok, by_sdk), ("frontend", frontend_ok, by_frontend)):
            counts[f"{way} {'passed' if ok else 'failed'}"] += 1
            if not ok:
                line = f"{name}/{way}: {case['description']}: expected {expected}, got {got}"
                failures.append(line)
                FAILURES.append(line)
    return failures
