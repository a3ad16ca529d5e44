"""The exchange: an OIDC ID token in, a short-lived token of a service account out.

Its steps, each refusing with a category (``verification.Refusal``) and nothing of any policy:

1. the token's shape: a signed JWT of an accepted algorithm, not too long, naming an issuer;
2. the trust policies naming that issuer (of the account asked for, else of every service
   account): none, and the issuer is untrusted, before anything is fetched from it;
3. the issuer's keys (``issuers``), then the signature, ``iss``, ``exp``, ``nbf``, ``iat``;
4. a policy whose audience the token carries and whose conditions its claims match;
5. in one write transaction: the account still enabled and the policy still matching, the
   ``jti`` not accepted before (remembered until the ID token expires, in the database, so every
   process refuses a replay), a token minted through ``AccountTokenService`` and the
   ``service-account-token-exchanged`` event recorded under the account.

The rate limit, the reads of step 2 and the write of step 5 are separate short transactions,
so that no database lock is held while an issuer is fetched.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.config import Settings
from flagstaff.core.db import Database, utcnow
from flagstaff.core.errors import TooManyAttemptsError
from flagstaff.core.keys import Keys
from flagstaff.core.limits import take
from flagstaff.credentials.account_tokens.service import (
    AccountTokenService,
    Federation,
    TokenOwnerKind,
    audit_data,
)
from flagstaff.credentials.federation.claims import matched_claims
from flagstaff.credentials.federation.issuers import (
    IssuerKeys,
    IssuerUnavailableError,
    UnknownKeyError,
)
from flagstaff.credentials.federation.models import AcceptedIdToken, TrustPolicy
from flagstaff.credentials.federation.verification import (
    ExchangeRefusedError,
    PresentedToken,
    Refusal,
    audiences,
    presented,
    verified_claims,
)
from flagstaff.events.service import MAX_USER_AGENT, Actor, EventService

log = logging.getLogger(__name__)

EXCHANGED_EVENT = "service-account-token-exchanged"


@dataclass(frozen=True)
class ExchangeRequest:
    subject_token: str
    service_account: str | None = None
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Exchanged:
    secret: str  # returned once, in the answer
    expires_in: int
    token_id: int
    account_id: int


@dataclass(frozen=True)
class _Candidate:
    policy_id: int
    account_id: int
    audience: str
    conditions: dict[str, str]
    disabled: bool


class TokenExchange:
    def __init__(
        self, database: Database, keys: Keys, settings: Settings, issuer_keys: IssuerKeys
    ) -> None:
        self.database = database
        self.keys = keys
        self.settings = settings
        self.issuer_keys = issuer_keys

    def exchange(self, request: ExchangeRequest) -> Exchanged:
        try:
            return self._exchange(request)
        except ExchangeRefusedError as refused:
            # Never the token itself: the category and the caller's address.
            log.info("token exchange refused (%s) for %s", refused.refusal.value, request.ip)
            raise

    def _exchange(self, request: ExchangeRequest) -> Exchanged:
        self._take_allowance(request.ip)
        token = presented(request.subject_token)
        with self.database.session(write=False) as session:
            candidates = _candidates(session, token.issuer, request.service_account)
        if not candidates:
            raise ExchangeRefusedError(
                Refusal.UNTRUSTED_ISSUER,
                "no trust policy (of the service account asked for) names the token's issuer.",
            )
        claims = self._verified(token)
        chosen, matched = _choose(candidates, claims)
        return self._mint(request, token, claims, chosen, matched)

    def _take_allowance(self, ip: str | None) -> None:
        with self.database.transaction() as session:
            allowed = take(
                session,
                f"oidc-exchange:{ip or 'unknown'}",
                self.settings.oidc_exchanges_per_minute,
                timedelta(minutes=1),
            )
        if not allowed:
            raise TooManyAttemptsError(
                "Too many token exchanges from this address; try again in a minute.",
                retry_after=60,
            )

    def _verified(self, token: PresentedToken) -> dict[str, Any]:
        try:
            keys = self.issuer_keys.keys_for(token.issuer, token.kid)
        except IssuerUnavailableError:
            raise ExchangeRefusedError(
                Refusal.ISSUER_UNAVAILABLE, "the issuer's signing keys could not be fetched."
            ) from None
        except UnknownKeyError:
            raise ExchangeRefusedError(
                Refusal.INVALID_TOKEN, "the issuer publishes no key with the token's key id."
            ) from None
        return verified_claims(token, keys, self.settings.oidc_clock_skew_seconds)

    def _mint(
        self,
        request: ExchangeRequest,
        token: PresentedToken,
        claims: dict[str, Any],
        chosen: _Candidate,
        matched: dict[str, Any],
    ) -> Exchanged:
        with self.database.transaction() as session:
            account = session.get(Account, chosen.account_id)
            policy = session.get(TrustPolicy, chosen.policy_id)
            if account is None or policy is None or policy.account_id != account.id:
                raise ExchangeRefusedError(Refusal.UNTRUSTED_ISSUER, "the trust policy is gone.")
            if account.disabled_at is not None:
                raise ExchangeRefusedError(
                    Refusal.ACCOUNT_DISABLED, "the service account is disabled."
                )
            if policy.audience not in audiences(claims) or not matched_claims(
                policy.conditions, claims
            ):
                raise ExchangeRefusedError(
                    Refusal.NO_MATCHING_POLICY, "the token's claims match no trust policy."
                )
            replay_digest = self._remember(session, token.issuer, claims)
            lifetime = min(
                policy.max_lifetime_seconds, self.settings.oidc_max_token_lifetime_seconds
            )
            subject = str(claims["sub"])
            federation = Federation(token.issuer, subject, policy.id, policy.scopes)
            description = f"{policy.name}: {subject}"[:200] + f" ({replay_digest[:10]})"
            tokens = AccountTokenService(session, self.keys, self.settings)
            issued = tokens.insert_federated(
                account, description, utcnow() + timedelta(seconds=lifetime), federation
            )
            actor = Actor(
                account.audit_name,
                account.id,
                request.ip,
                token_id=issued.token.id,
                token_hint=issued.token.hint,
                user_agent=request.user_agent[:MAX_USER_AGENT] if request.user_agent else None,
            )
            data = {
                **audit_data(issued.token, TokenOwnerKind.SERVICE_ACCOUNT),
                "serviceAccount": account.username,
                "issuer": token.issuer,
                "subject": subject,
                "trustPolicy": {"id": policy.id, "name": policy.name},
                "matchedClaims": matched,
            }
            EventService(session).record(actor, EXCHANGED_EVENT, data=data)
            return Exchanged(issued.secret, lifetime, issued.token.id, account.id)

    def _remember(self, session: Session, issuer: str, claims: dict[str, Any]) -> str:
        """Remember the ID token until it expires; a second exchange of it is a replay. Rows of
        expired ID tokens go as new ones come."""
        digest = hashlib.sha256(f"{issuer}\n{claims['jti']}".encode()).hexdigest()
        now = utcnow()
        session.execute(delete(AcceptedIdToken).where(AcceptedIdToken.expires_at < now))
        skew = timedelta(seconds=self.settings.oidc_clock_skew_seconds)
        expires_at = datetime.fromtimestamp(float(claims["exp"]), tz=UTC) + skew
        session.add(AcceptedIdToken(digest=digest, expires_at=max(expires_at, now)))
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise ExchangeRefusedError(
                Refusal.REPLAYED, "this ID token has already been exchanged."
            ) from None
        return digest


def _candidates(session: Session, issuer: str, username: str | None) -> list[_Candidate]:
    statement = (
        select(TrustPolicy, Account)
        .join(Account, Account.id == TrustPolicy.account_id)
        .where(TrustPolicy.issuer == issuer, Account.is_service.is_(True))
        .order_by(TrustPolicy.id)
    )
    if username is not None:
        statement = statement.where(Account.username == username)
    return [
        _Candidate(
            policy.id,
            account.id,
            policy.audience,
            dict(policy.conditions),
            account.disabled_at is not None,
        )
        for policy, account in session.execute(statement)
    ]


def _choose(
    candidates: list[_Candidate], claims: dict[str, Any]
) -> tuple[_Candidate, dict[str, Any]]:
    """The first policy (by id) that accepts the token, of the one enabled account whose
    policies do."""
    carried = audiences(claims)
    heard = [c for c in candidates if c.audience in carried]
    if not heard:
        raise ExchangeRefusedError(
            Refusal.AUDIENCE, "no trust policy for this issuer accepts the token's audience."
        )
    accepted = [(c, m) for c in heard if (m := matched_claims(c.conditions, claims))]
    if not accepted:
        raise ExchangeRefusedError(
            Refusal.NO_MATCHING_POLICY, "the token's claims match no trust policy."
        )
    enabled = [(c, m) for c, m in accepted if not c.disabled]
    if not enabled:
        raise ExchangeRefusedError(Refusal.ACCOUNT_DISABLED, "the service account is disabled.")
    if len({c.account_id for c, _ in enabled}) > 1:
        raise ExchangeRefusedError(
            Refusal.AMBIGUOUS,
            "trust policies of several service accounts accept this token; name one in "
            "service_account.",
        )
    return enabled[0]
