"""The scrape's text, from one process or from every worker of ``flagstaff serve``.

With one process the default registry is scraped: Flagstaff's metrics and prometheus_client's
process and Python collectors. With ``--workers N`` (N > 1) each worker writes its values to
files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multi-process mode, which it reads
when it is imported, so the parent sets it before the workers start); whichever worker answers
the scrape reads every worker's files, and a worker that exits marks its live gauges dead. Per-
process figures of the process collector mean nothing summed and are left out in that mode.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine

from flagstaff.metrics.collectors import PoolCollector

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
MULTIPROCESS_DIR = "prometheus"  # under the data directory
CONTENT_TYPE = CONTENT_TYPE_LATEST


def prepare_multiprocess(data_dir: Path, workers: int) -> Path | None:
    """In the parent, before any worker starts: an empty directory for the workers' files
    (what a previous run left would be counted again), or single-process mode."""
    if workers <= 1:
        os.environ.pop(MULTIPROCESS_ENV, None)
        return None
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = data_dir / MULTIPROCESS_DIR
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(mode=0o700)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    return directory


def is_multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


def render(engine: Engine) -> bytes:
    """Blocking (the workers' files are read): call from a worker thread."""
    if is_multiprocess():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        shared = generate_latest(registry)
    else:
        shared = generate_latest(REGISTRY)
    own = CollectorRegistry()
    own.register(PoolCollector(engine))
    return shared + generate_latest(own)


def process_exited() -> None:
    """At a worker's shutdown: its live gauges (streams open, revision) stop counting."""
    if is_multiprocess():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
