"""How long token authentication takes when the credential is cached (the hot path).

Run: .venv/bin/python bench/token_auth.py
Prints µs per resolution for a service-account token, a personal token and an unknown token, next
to two baselines measured in the same run: a bare dict lookup and the HMAC-SHA256 digest alone
(the floor any keyed-hash scheme pays). Target: <= 5 µs per cached resolution.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import tempfile
import timeit
from datetime import timedelta
from pathlib import Path

from flagstaff.accounts.models import Account
from flagstaff.accounts.passwords import Passwords
from flagstaff.accounts.service import AccountService, NewUser
from flagstaff.config import Settings
from flagstaff.core import migrate
from flagstaff.core.db import Database, utcnow
from flagstaff.credentials.account_tokens import format
from flagstaff.credentials.account_tokens.service import AccountTokenService, NewToken
from flagstaff.events.service import SYSTEM
from flagstaff.http.context import AppContext
from flagstaff.startup import bootstrap

ROUNDS = 200_000


def _issue(context: AppContext, is_service: bool) -> str:
    with context.database.transaction() as session:
        if is_service:
            owner = Account(username="service-bench", name="Bench", is_service=True, root_role_id=2)
            session.add(owner)
            session.flush()
        else:
            owner = AccountService(session, context.passwords).create_user(
                SYSTEM, None, NewUser("bench", None, None, None, "Editor")
            )
        issued = AccountTokenService(session, context.keys, context.settings).create(
            SYSTEM, owner, NewToken("bench", utcnow() + timedelta(days=1))
        )
        return issued.secret


def _per_call_us(statement: object, rounds: int = ROUNDS) -> float:
    best = min(timeit.repeat(statement, number=rounds, repeat=5))  # type: ignore[arg-type]
    return best / rounds * 1e6


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        settings = Settings(
            data_dir=Path(workdir), secret_key="bench-secret-key-0123456789abcdefghij"
        )
        database = Database(settings.sqlalchemy_url)
        migrate.upgrade(database)
        with database.transaction() as session:
            bootstrap.sync_predefined_roles(session)
        database.dispose()
        context = AppContext.build(settings, passwords=Passwords(time_cost=1, memory_kib=1024))
        context.watcher.check_now()
        service_secret = _issue(context, is_service=True)
        personal_secret = _issue(context, is_service=False)
        unknown = format.generate()
        resolve = context.resolver.from_token
        for secret in (service_secret, personal_secret, unknown):
            resolve(secret)  # warm the cache (and the negative cache)
        assert resolve(service_secret) is not None
        assert resolve(unknown) is None

        table = {"x" * 64: object()}
        key = b"k" * 32
        results = {
            "baseline: dict lookup": _per_call_us(lambda: table.get("x" * 64)),
            "baseline: HMAC-SHA256 of a token": _per_call_us(
                lambda: hmac.new(key, service_secret.encode(), hashlib.sha256).hexdigest()
            ),
            "service-account token (cached)": _per_call_us(lambda: resolve(service_secret)),
            "personal token (cached)": _per_call_us(lambda: resolve(personal_secret)),
            "unknown token (negative cache)": _per_call_us(lambda: resolve(unknown)),
            "mistyped token (checksum, no lookup)": _per_call_us(
                lambda: resolve(service_secret[:-1] + "0")
            ),
        }
        context.database.dispose()
    floor = results["baseline: HMAC-SHA256 of a token"]
    print(f"{'operation':40} {'µs/op':>8} {'× HMAC floor':>13}")
    for name, micros in results.items():
        print(f"{name:40} {micros:8.2f} {micros / floor:13.2f}")
    cached = results["service-account token (cached)"]
    print(f"\ntarget <= 5 µs per cached resolution: {'met' if cached <= 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
