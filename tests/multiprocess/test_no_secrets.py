"""A token's secret appears once, in its create response, and nowhere else: not in lists, not in
events, not in the server's output, not in any database column."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.multiprocess.servers import running_server, shared_database

pytestmark = pytest.mark.slow


def _dump_database(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{Path(env['FLAGSTAFF_DATA_DIR']) / 'flagstaff.db'}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    rows = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows.extend(str(tuple(row)) for row in connection.execute(select(table)))
    engine.dispose()
    return "\n".join(rows)


def test_secrets__after_use__only_in_their_create_responses(tmp_path: Path) -> None:
    expires = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    with shared_database(tmp_path) as env, running_server(env, tmp_path) as server:
        with server.admin() as admin:
            account = admin.post(
                "/api/admin/service-account",
                json={"username": "service-s", "name": "S", "rootRole": 1},
            ).json()
            sa_token = admin.post(
                f"/api/admin/service-account/{account['id']}/token",
                json={"description": "ci", "expiresAt": expires},
            ).json()["secret"]
            pat = admin.post(
                "/api/admin/user/tokens", json={"description": "laptop", "expiresAt": expires}
            ).json()["secret"]
            seen = []
            with server.client() as caller:
                for secret in (sa_token, pat):
                    headers = {"Authorization": f"Bearer {secret}"}
                    assert caller.get("/api/admin/user", headers=headers).status_code == 200
                    caller.get(f"/api/admin/user?token={secret}", headers=headers)
                    caller.post(
                        "/api/admin/user-admin",
                        headers=headers,
                        json={"username": f"u{len(seen)}", "rootRole": 3},
                    )
                    seen.append(caller.get("/api/admin/service-account", headers=headers).text)
            seen.append(admin.get(f"/api/admin/service-account/{account['id']}/token").text)
            seen.append(admin.get("/api/admin/user/tokens").text)
            seen.append(json.dumps(admin.get("/api/admin/search/events?limit=1000").json()))
        server_output = server.output.read_text()
        database = _dump_database(env)

    prefix = len("user:fsa_")
    for secret in (sa_token, pat):
        for fragment in (secret, secret[prefix + 4 :]):
            assert fragment not in "\n".join(seen)
            assert fragment not in server_output
            assert fragment not in database
    assert os.stat(Path(env["FLAGSTAFF_DATA_DIR"])).st_mode  # the data dir was really used
