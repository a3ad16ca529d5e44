from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.roles.helpers import role_names


@pytest.fixture
def roles_before(admin_client: TestClient) -> set[str]:
    """The role names before the test acts, to show that a refused request wrote nothing."""
    return role_names(admin_client)
