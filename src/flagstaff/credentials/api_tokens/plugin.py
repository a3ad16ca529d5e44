"""Plugging API tokens into a process: the authenticator and the batched ``seenAt``."""

from __future__ import annotations

from flagstaff.credentials.api_tokens.authenticator import ApiTokenAuthenticator
from flagstaff.credentials.api_tokens.service import flush_seen
from flagstaff.credentials.resolver import CredentialResolver
from flagstaff.credentials.seen import SeenTracker
from flagstaff.rbac.principal import CredentialKind


def install_api_tokens(resolver: CredentialResolver, seen: SeenTracker) -> None:
    resolver.register(ApiTokenAuthenticator())
    seen.register(CredentialKind.API_TOKEN, flush_seen)
