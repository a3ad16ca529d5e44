"""Checking an ID token: its shape before anything is fetched, then its signature and times.

Only asymmetric algorithms are accepted (RSA, RSA-PSS, ECDSA, EdDSA): never ``none``, never an
HMAC, whose "secret" an attacker could take from the issuer's public keys. PyJWT does the
cryptography; this module decides what it is asked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from flagstaff.core.errors import UnauthorizedError
from flagstaff.credentials.federation.issuers import SigningKey

ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
MAX_TOKEN_LENGTH = 16 * 1024
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti")
MAX_CLAIM_LENGTH = 1024


class Refusal(StrEnum):
    """What a refused exchange tells the caller: the category, never a policy's content."""

    INVALID_REQUEST = "invalid request"
    INVALID_TOKEN = "invalid token"  # noqa: S105 - a category
    EXPIRED = "expired token"
    NOT_YET_VALID = "token not yet valid"
    UNTRUSTED_ISSUER = "untrusted issuer"
    ISSUER_UNAVAILABLE = "issuer unavailable"
    AUDIENCE = "audience not accepted"
    NO_MATCHING_POLICY = "no matching trust policy"
    AMBIGUOUS = "ambiguous service account"
    REPLAYED = "replayed token"
    ACCOUNT_DISABLED = "service account disabled"


class ExchangeRefusedError(UnauthorizedError):
    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(f"{refusal.value}: {detail}")
        self.refusal = refusal


@dataclass(frozen=True)
class PresentedToken:
    """An ID token as presented, before its signature is checked: only good for deciding which
    issuer to ask for keys."""

    raw: str
    algorithm: str
    kid: str | None
    issuer: str


def presented(token: str) -> PresentedToken:
    if len(token) > MAX_TOKEN_LENGTH:
        raise ExchangeRefusedError(
            Refusal.INVALID_TOKEN, f"the token is longer than {MAX_TOKEN_LENGTH} characters."
        )
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise ExchangeRefusedError(Refusal.INVALID_TOKEN, "not a signed JWT.") from None
    algorithm = header.get("alg")
    if algorithm not in ALLOWED_ALGORITHMS:
        raise ExchangeRefusedError(
            Refusal.INVALID_TOKEN,
            "the signing algorithm is not accepted (only RSA, RSA-PSS, ECDSA and EdDSA are).",
        )
    kid = header.get("kid")
    issuer = unverified.get("iss")
    if (kid is not None and not isinstance(kid, str)) or not isinstance(issuer, str):
        raise ExchangeRefusedError(Refusal.INVALID_TOKEN, "the token has no issuer.")
    return PresentedToken(token, algorithm, kid, issuer)


def verified_claims(
    token: PresentedToken, keys: list[SigningKey], skew_seconds: int, now: float | None = None
) -> dict[str, Any]:
    """The token's claims once one of ``keys`` verified its signature and its ``iss``,
    ``exp``, ``nbf`` and ``iat`` hold (with ``skew_seconds`` of leeway). The audience is the
    trust policies' to check."""
    now = time.time() if now is None else now
    for key in keys:
        if key.algorithm not in (None, token.algorithm) or not _fits(token.algorithm, key.key):
            continue  # the key set pins this key to another algorithm, or its type differs
        try:
            claims = jwt.decode(
                token.raw,
                key.key,
                algorithms=[token.algorithm],
                issuer=token.issuer,
                leeway=skew_seconds,
                options={"verify_aud": False, "require": list(REQUIRED_CLAIMS)},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise ExchangeRefusedError(Refusal.EXPIRED, "the ID token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise ExchangeRefusedError(
                Refusal.NOT_YET_VALID, "the ID token is not valid yet (nbf or iat)."
            ) from None
        except jwt.MissingRequiredClaimError as error:
            raise ExchangeRefusedError(
                Refusal.INVALID_TOKEN, f"the ID token has no {error.claim} claim."
            ) from None
        except (jwt.PyJWTError, ValueError, TypeError):
            raise ExchangeRefusedError(Refusal.INVALID_TOKEN, "the token is malformed.") from None
        _check_claims(claims, skew_seconds, now)
        return claims
    raise ExchangeRefusedError(Refusal.INVALID_TOKEN, "the signature does not verify.")


def _fits(algorithm: str, key: Any) -> bool:
    if algorithm.startswith(("RS", "PS")):
        return isinstance(key, rsa.RSAPublicKey)
    if algorithm.startswith("ES"):
        return isinstance(key, ec.EllipticCurvePublicKey)
    return isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey)


def _check_claims(claims: dict[str, Any], skew_seconds: int, now: float) -> None:
    for name in ("sub", "jti"):
        value = claims.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_CLAIM_LENGTH:
            raise ExchangeRefusedError(
                Refusal.INVALID_TOKEN, f"the {name} claim must be a non-empty string."
            )
    issued_at = claims["iat"]
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise ExchangeRefusedError(Refusal.INVALID_TOKEN, "the iat claim must be a number.")
    if issued_at > now + skew_seconds:
        raise ExchangeRefusedError(Refusal.NOT_YET_VALID, "the ID token is issued in the future.")


def audiences(claims: dict[str, Any]) -> list[str]:
    value = claims.get("aud")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
