"""Every case of @unleash/client-specification 6.1.0, loaded through the Admin API of a live
Flagstaff (``loader.py``, as for the Python SDK) and evaluated by the official Node SDK,
``unleash-client``: one Node process per spec file (``tests/sdk/node/spec.mjs``) polls
``/api/client/features`` with a client token until it holds every loaded flag, then answers
every case. Cases of a flag the Admin API refused are counted as refused, not evaluated."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import pytest

from flagstaff.http.context import AppContext
from tests.api.credentials.api_tokens.helpers import make_api_token
from tests.sdk.live import live_server
from tests.sdk.node.driver import node, run_script
from tests.spec.loader import load, state_of
from tests.spec.test_client_specification import (
    ACCEPTABLE_REFUSAL,
    DATA,
    FILES,
    cases,
    spec_context,  # noqa: F401 (a fixture, shared with the Python SDK's run)
)

VARIANT_KEYS = ("name", "enabled", "feature_enabled", "payload")
RESULTS: dict[str, Counter[str]] = defaultdict(Counter)
REFUSALS: list[str] = []
FAILURES: list[str] = []


class Summary:
    """Prints the per-file counts after the run (registered by the fixture below, since only a
    conftest may define hooks and tests/spec/conftest.py reports the Python SDK's run)."""

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not RESULTS:
            return
        write = terminalreporter.write_line
        write("")
        write("client specification 6.1.0 through unleash-client (Node): cases per file")
        totals: Counter[str] = Counter()
        for name in sorted(RESULTS):
            totals.update(RESULTS[name])
            write(f"  {name:45} {line(RESULTS[name])}")
        write(f"  {'TOTAL':45} {line(totals)}")
        for refusal in REFUSALS:
            write(f"  refused: {refusal}")
        for failure in FAILURES:
            write(f"  failed: {failure}")


def line(counts: Counter[str]) -> str:
    return (
        f"node {counts['passed']:3} passed {counts['failed']:3} failed"
        f" | refused {counts['refused']:3}"
    )


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> None:
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("node-spec-summary"):
        plugins.register(Summary(), "node-spec-summary")


def variant_of(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: answer.get(key) for key in VARIANT_KEYS}


@pytest.mark.parametrize("file_name", FILES)
def test_client_specification_node__every_case__passes(
    spec_context: AppContext,  # noqa: F811 (the imported fixture)
    file_name: str,
) -> None:
    node()
    spec = json.loads((DATA / file_name).read_text())
    name = file_name.removesuffix(".json")
    with live_server(
        spec_context, make_api_token(spec_context, "admin", environment="*")
    ) as server:
        loaded = load(server.admin, spec)
        token = server.admin.post(
            "/api/admin/api-tokens",
            json={"tokenName": "spec-node", "type": "client", "environment": "development"},
        ).json()["secret"]
        evaluated = [(k, c) for k, c in cases(spec) if c["toggleName"] not in loaded.refused]
        answer = run_script(
            "spec.mjs",
            {
                "url": f"{server.url}/api",
                "token": token,
                "appName": "flagstaff-spec-node",
                "timeoutMs": 10_000,
            },
            {
                "flags": sorted(loaded.flags),
                "cases": [
                    {"kind": k, "toggleName": c["toggleName"], "context": c["context"]}
                    for k, c in evaluated
                ],
            },
            timeout=30,
        )
    assert "error" not in answer, f"{name}: {answer.get('error')}"
    assert loaded.errors == {}, loaded.errors
    for flag, message in loaded.refused.items():
        assert ACCEPTABLE_REFUSAL.search(message), f"{flag} refused for another reason: {message}"
    assert {f["name"] for f in state_of(spec)["features"]} - set(loaded.refused) <= loaded.flags

    counts = RESULTS[name]
    for _, case in cases(spec):
        if case["toggleName"] in loaded.refused:
            counts["refused"] += 1
            REFUSALS.append(f"{name}: {case['description']} ({loaded.refused[case['toggleName']]})")
    failures = []
    for (kind, case), got in zip(evaluated, answer["results"], strict=True):
        expected = case["expectedResult"]
        ok = got == expected if kind == "enabled" else variant_of(got) == variant_of(expected)
        counts["passed" if ok else "failed"] += 1
        if not ok:
            failures.append(f"{name}: {case['description']}: expected {expected}, got {got}")
    FAILURES.extend(failures)
    assert failures == [], "\n".join(failures)
