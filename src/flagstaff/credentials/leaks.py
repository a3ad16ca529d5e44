"""Revoking tokens someone found exposed: whoever holds a leaked secret may report it, and a real
Flagstaff token among what they send is revoked at once (an account token keeps its record, an
API token is deleted), with a ``token-leak-reported`` event naming the owner and where the report
came from. The answer never says what was found, so the report tells an attacker nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.keys import Keys
from flagstaff.credentials.account_tokens import format as account_format
from flagstaff.credentials.account_tokens.models import AccountToken
from flagstaff.credentials.account_tokens.service import (
    DIGEST_PURPOSE as ACCOUNT_PURPOSE,
)
from flagstaff.credentials.account_tokens.service import (
    AccountTokenService,
    RevokeReason,
    TokenOwnerKind,
    audit_data,
)
from flagstaff.credentials.api_tokens import format as api_format
from flagstaff.credentials.api_tokens.models import ApiToken
from flagstaff.credentials.api_tokens.service import DIGEST_PURPOSE as API_PURPOSE
from flagstaff.credentials.api_tokens.service import ApiTokenService
from flagstaff.credentials.api_tokens.service import audit_data as api_audit_data
from flagstaff.events.service import SYSTEM, Actor, EventService

LEAK_EVENT = "token-leak-reported"
MAX_REPORTED = 100


class LeakReports:
    def __init__(self, session: Session, keys: Keys, settings: Settings) -> None:
        self.session = session
        self.keys = keys
        self.settings = settings
        self.events = EventService(session)

    def report(self, candidates: Iterable[str], source_ip: str | None) -> int:
        """Revoke every live token among ``candidates``; how many were revoked (for the logs and
        the tests, never for the answer)."""
        actor = Actor(SYSTEM.name, SYSTEM.user_id, source_ip)
        revoked = 0
        for candidate in dict.fromkeys(c.strip() for c in candidates):
            if account_format.is_account_token(candidate):
                revoked += self._account_token(candidate, actor)
            elif api_format.well_formed(candidate):
                revoked += self._api_token(candidate, actor)
        return revoked

    def _account_token(self, candidate: str, actor: Actor) -> int:
        if not account_format.well_formed(candidate):
            return 0  # the checksum fails: not a token Flagstaff minted
        digest = self.keys.digest(ACCOUNT_PURPOSE, candidate)
        row = self.session.execute(
            select(AccountToken, Account)
            .join(Account, Account.id == AccountToken.account_id)
            .where(AccountToken.digest == digest)
            .with_for_update(of=AccountToken)
        ).first()
        if row is None or row[0].revoked_at is not None:
            return 0
        token, owner = row
        tokens = AccountTokenService(self.session, self.keys, self.settings)
        tokens.revoke(actor, [token], RevokeReason.LEAKED)
        kind = TokenOwnerKind.of(owner)
        data = {**audit_data(token, kind), "kind": kind.value, "source": actor.ip}
        self.events.record(actor, LEAK_EVENT, data=data)
        return 1

    def _api_token(self, candidate: str, actor: Actor) -> int:
        digest = self.keys.digest(API_PURPOSE, candidate)
        token = self.session.scalars(select(ApiToken).where(ApiToken.digest == digest)).first()
        if token is None:
            return 0
        data = {**api_audit_data(token), "kind": "api-token", "source": actor.ip}
        ApiTokenService(self.session, self.keys).delete(actor, token)
        self.events.record(actor, LEAK_EVENT, data=data)
        return 1
