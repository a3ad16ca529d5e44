"""Plugging API tokens into a process: the authenticator and the batched ``seenAt``."""

from __future__ import annotations

from flagstaff.api_tokens.authenticator import ApiTokenAuthenticator
from flagstaff.api_tokens.service import flush_seen
from flagstaff.auth.principal import CredentialKind
from flagstaff.auth.resolver import CredentialResolver
from flagstaff.auth.seen import SeenTracker


def install_api_tokens(resolver: CredentialResolver, seen: SeenTracker) -> None:
    resolver.register(ApiTokenAuthenticator())
    seen.register(CredentialKind.API_TOKEN, flush_seen)
