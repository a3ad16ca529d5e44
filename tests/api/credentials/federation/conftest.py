from __future__ import annotations

from collections.abc import Iterator

import pytest

from flagstaff.http.context import AppContext
from tests.oidc_issuer import Issuer, IssuerServer


@pytest.fixture(scope="session")
def issuer_server() -> Iterator[IssuerServer]:
    server = IssuerServer()
    yield server
    server.close()


@pytest.fixture
def issuer(issuer_server: IssuerServer, context: AppContext) -> Issuer:
    """A fresh loopback issuer, and a server that allows loopback http issuers."""
    context.settings.oidc_allow_loopback_http = True
    return issuer_server.issuer()
