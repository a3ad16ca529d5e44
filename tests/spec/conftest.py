"""Collects the per-file outcome of the client-specification run and prints it at the end."""

from __future__ import annotations

from collections import defaultdict

import pytest

RESULTS: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
REFUSALS: list[str] = []
FAILURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write("client specification 6.1.0: cases per file (SDK / Frontend API)")
    totals: dict[str, int] = defaultdict(int)
    for name in sorted(RESULTS):
        counts = RESULTS[name]
        for key, value in counts.items():
            totals[key] += value
        write(
            f"  {name:45} sdk {counts['sdk passed']:3} passed {counts['sdk failed']:3} failed"
            f" | frontend {counts['frontend passed']:3} passed {counts['frontend failed']:3} failed"
            f" | refused {counts['refused']:3}"
        )
    write(
        f"  {'TOTAL':45} sdk {totals['sdk passed']:3} passed {totals['sdk failed']:3} failed"
        f" | frontend {totals['frontend passed']:3} passed {totals['frontend failed']:3} failed"
        f" | refused {totals['refused']:3}"
    )
    for line in REFUSALS:
        write(f"  refused: {line}")
    for line in FAILURES:
        write(f"  failed: {line}")


@pytest.fixture(autouse=True)
def names_stored_before_the_url_friendly_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flagstaff, as Unleash, refuses new flag names that are not URL-friendly; flags stored
    before it took that rule are still served. The specification's UTF-8 names
    (18-utf8-flag-names) stand for those: the SDKs must still evaluate them."""
    monkeypatch.setattr("flagstaff.flags.features.service.check_feature_name", lambda _: None)
