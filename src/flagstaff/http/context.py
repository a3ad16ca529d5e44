"""What one process holds: the infrastructure (``core.context.ProcessContext``) and the
credentials machinery every request goes through, wired together once per process."""

from __future__ import annotations

from dataclasses import dataclass

from flagstaff.accounts.login import LoginPolicy
from flagstaff.accounts.passwords import Passwords
from flagstaff.config import Settings
from flagstaff.core.context import ProcessContext
from flagstaff.core.db import Database
from flagstaff.core.keys import Keys
from flagstaff.core.revision import RevisionWatcher
from flagstaff.credentials.account_tokens.authenticator import AccountTokenAuthenticator
from flagstaff.credentials.account_tokens.jobs import TokenJobs
from flagstaff.credentials.account_tokens.service import (
    flush_addresses as flush_account_token_addresses,
)
from flagstaff.credentials.account_tokens.service import flush_seen as flush_account_tokens_seen
from flagstaff.credentials.api_tokens.plugin import install_api_tokens
from flagstaff.credentials.cache import CredentialCache
from flagstaff.credentials.resolver import CredentialResolver
from flagstaff.credentials.seen import SeenTracker
from flagstaff.rbac.principal import CredentialKind


@dataclass(kw_only=True)
class AppContext(ProcessContext):
    passwords: Passwords
    credentials: CredentialCache
    resolver: CredentialResolver
    seen: SeenTracker
    login_policy: LoginPolicy
    token_jobs: TokenJobs

    @classmethod
    def build(cls, settings: Settings, passwords: Passwords | None = None) -> AppContext:
        database = Database(settings.sqlalchemy_url)
        keys = Keys(settings.server_secret)
        credentials = CredentialCache()
        watcher = RevisionWatcher(database, settings.revision_poll_seconds)
        watcher.subscribe(credentials.clear)
        seen = SeenTracker(database, settings.seen_flush_seconds)
        context = cls(
            settings=settings,
            database=database,
            passwords=passwords or Passwords(),
            keys=keys,
            credentials=credentials,
            resolver=CredentialResolver(database, keys, credentials, seen),
            watcher=watcher,
            seen=seen,
            token_jobs=TokenJobs(database, settings),
            login_policy=LoginPolicy.from_settings(settings),
        )
        watcher.subscribe(context.reads.clear)
        context.install_account_tokens()
        install_api_tokens(context.resolver, context.seen)
        return context

    def install_account_tokens(self) -> None:
        self.resolver.register(AccountTokenAuthenticator(self.database, self.settings))
        for kind in (CredentialKind.PERSONAL_TOKEN, CredentialKind.SERVICE_ACCOUNT_TOKEN):
            self.seen.register(kind, flush_account_tokens_seen, flush_account_token_addresses)
