from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flagstaff.config import Settings
from tests.conftest import TEST_SECRET
from tests.db import TemplateDatabase
from tests.webhook_receiver import Receiver, receiver


@pytest.fixture
def settings(tmp_path: Path, template_db: TemplateDatabase) -> Settings:
    """Loopback receivers allowed; retries a fifth of a second apart, for two seconds."""
    return Settings(
        data_dir=tmp_path,
        database_url=template_db.fresh(tmp_path),
        secret_key=TEST_SECRET,
        revision_poll_seconds=0.05,
        webhooks_allow_private_addresses=True,
        webhooks_timeout_seconds=5,
        webhooks_retry_first_seconds=0.2,
        webhooks_retry_longest_seconds=0.4,
        webhooks_retry_for_seconds=2,
        webhooks_sweep_seconds=0.2,
    )


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as found:
        yield found
