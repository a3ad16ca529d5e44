"""PRODUCT.md: a fresh install answers a healthy /health within 5 s (2-core machine)."""

from __future__ import annotations

import os

import pytest

from tests.cli.harness import Installation

HEALTHY_WITHIN = 5.0


@pytest.mark.slow
def test_serve__fresh_install__healthy_within_5_seconds(install_alone: Installation) -> None:
    server = install_alone.start()

    seconds = server.wait_healthy()
    cpu = server.cpu_seconds()

    engine = "SQLite" if install_alone.settings().is_sqlite else "PostgreSQL"
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    print(
        f"\nfresh install to a healthy /health on {engine}: {seconds:.2f}s wall, "
        f"{cpu:.2f}s CPU (load average {load:.1f} on {cores} cores)"
    )
    # CPU time does not depend on what else the machine runs: the start itself must fit.
    assert cpu < HEALTHY_WITHIN, server
    # Wall-clock time does. On a machine oversubscribed by other work (other test runs) it
    # measures the neighbours, not the start; there only the CPU time above is asserted.
    if load <= 2 * cores:
        assert seconds < HEALTHY_WITHIN, server
