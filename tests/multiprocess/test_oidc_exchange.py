"""The OIDC exchange across two server processes on one database: an ID token exchanged at one
process is refused as a replay at the other, and the token either minted works at both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.multiprocess.servers import Server, server_pair
from tests.oidc_issuer import AUDIENCE, IssuerServer

pytestmark = pytest.mark.slow
FORM = {
    "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
    "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
}


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    with server_pair(tmp_path, FLAGSTAFF_OIDC_ALLOW_LOOPBACK_HTTP="true") as pair:
        yield pair


def test_exchange__replay_at_the_other_process__refused(
    servers: tuple[Server, Server],
) -> None:
    first, second = servers
    issuers = IssuerServer()
    try:
        issuer = issuers.issuer()
        with first.admin() as admin:
            account = admin.post(
                "/api/admin/service-account",
                json={"username": "service-ci", "name": "CI", "rootRole": "Viewer"},
            ).json()
            admin.post(
                f"/api/admin/service-account/{account['id']}/trust-policies",
                json={
                    "name": "main",
                    "issuer": issuer.url,
                    "audience": AUDIENCE,
                    "conditions": {"repository": "acme/shop"},
                },
            ).raise_for_status()
        token = issuer.sign()
        with first.client() as client:
            accepted = client.post("/api/auth/oidc/token", data={**FORM, "subject_token": token})
        with second.client() as client:
            replayed = client.post("/api/auth/oidc/token", data={**FORM, "subject_token": token})
            fresh = client.post(
                "/api/auth/oidc/token", data={**FORM, "subject_token": issuer.sign()}
            )
    finally:
        issuers.close()

    assert accepted.status_code == 200, accepted.text
    assert replayed.status_code == 401
    assert replayed.json()["message"].startswith("replayed token")
    assert fresh.status_code == 200, fresh.text
    secret = accepted.json()["access_token"]
    for server in servers:
        with server.client() as client:
            me = client.get("/api/admin/user/tokens/self", headers={"Authorization": secret})
            assert me.status_code == 200
            assert me.json()["account"]["username"] == "service-ci"
