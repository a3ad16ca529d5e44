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
