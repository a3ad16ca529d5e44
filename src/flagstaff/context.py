"""What one process holds: settings, database, caches and the revision watcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flagstaff.auth.cache import CredentialCache
from flagstaff.auth.keys import Keys
from flagstaff.auth.passwords import Passwords
from flagstaff.auth.resolver import CredentialResolver
from flagstaff.auth.service import LoginPolicy
from flagstaff.config import Settings
from flagstaff.db import Database
from flagstaff.revision import RevisionWatcher


@dataclass
class AppContext:
    settings: Settings
    database: Database
    passwords: Passwords
    keys: Keys
    credentials: CredentialCache
    resolver: CredentialResolver
    watcher: RevisionWatcher
    login_policy: LoginPolicy
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, passwords: Passwords | None = None) -> AppContext:
        database = Database(settings.sqlalchemy_url)
        keys = Keys(settings.server_secret)
        credentials = CredentialCache()
        watcher = RevisionWatcher(database, settings.revision_poll_seconds)
        watcher.subscribe(credentials.clear)
        return cls(
            settings=settings,
            database=database,
            passwords=passwords or Passwords(),
            keys=keys,
            credentials=credentials,
            resolver=CredentialResolver(database, keys, credentials),
            watcher=watcher,
            login_policy=LoginPolicy(
                max_attempts=settings.max_login_attempts,
                lockout=timedelta(minutes=settings.lockout_minutes),
                session_ttl=timedelta(hours=settings.session_ttl_hours),
            ),
        )
