"""The signing keys of the issuers trust policies name: fetched with httpx, kept per process.

An issuer's keys are found through its discovery document (``/.well-known/openid-configuration``,
whose ``issuer`` must be the issuer itself) and its ``jwks_uri``. Every fetch has a timeout, a
deadline for the whole answer and a size limit, follows no redirect, and goes only to https (or
to a loopback http address when ``FLAGSTAFF_OIDC_ALLOW_LOOPBACK_HTTP`` allows it). Only issuers a
trust policy names are ever fetched: the exchange looks the issuer up before it fetches anything.

The keys are kept for an hour. An ID token signed with a key id the cache does not know makes
the keys be fetched again, but never more than once a minute per issuer, whatever the outcome:
an issuer that is down, or a caller inventing key ids, costs one fetch a minute.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from flagstaff.credentials.federation.claims import issuer_problem

MAX_DISCOVERY_BYTES = 64 * 1024
MAX_JWKS_BYTES = 256 * 1024
KEYS_MAX_AGE_SECONDS = 3600.0
MIN_REFRESH_SECONDS = 60.0
ASYMMETRIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class IssuerUnavailableError(Exception):
    """The issuer's keys could not be fetched (down, too slow, too large, or not JSON)."""


class UnknownKeyError(Exception):
    """The issuer publishes no key with the ID token's key id."""


Jwks = dict[str, Any]
Fetcher = Callable[[str], Jwks]


@dataclass(frozen=True)
class SigningKey:
    kid: str | None
    algorithm: str | None  # what the key set pins it to, if anything
    key: Any  # the public key object, for PyJWT


@dataclass
class _Entry:
    keys: list[SigningKey] = field(default_factory=list)
    fetched_at: float | None = None  # the last successful fetch
    attempted_at: float = 0.0  # the last attempt, successful or not
    lock: threading.Lock = field(default_factory=threading.Lock)


class IssuerKeys:
    """Each trusted issuer's keys, for this process."""

    def __init__(
        self,
        fetch: Fetcher,
        *,
        min_refresh_seconds: float = MIN_REFRESH_SECONDS,
        max_age_seconds: float = KEYS_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()
        self.fetches = 0  # how many fetches were made (for tests and the benchmark)

    def keys_for(self, issuer: str, kid: str | None) -> list[SigningKey]:
        """The keys that may have signed a token with ``kid`` (every key when it has none)."""
        entry = self._entry(issuer)
        found = _matching(entry.keys, kid)
        now = self._clock()
        stale = entry.fetched_at is None or now - entry.fetched_at > self._max_age
        if (stale or not found) and now - entry.attempted_at >= self._min_refresh:
            self._refresh(issuer, entry)
            found = _matching(entry.keys, kid)
        if entry.fetched_at is None:
            raise IssuerUnavailableError(issuer)
        if not found:
            raise UnknownKeyError(kid)
        return found

    def _entry(self, issuer: str) -> _Entry:
        with self._guard:
            return self._entries.setdefault(issuer, _Entry())

    def _refresh(self, issuer: str, entry: _Entry) -> None:
        # One fetch at a time per issuer: the requests that arrive meanwhile wait for it and
        # then find the keys, or find the attempt too recent to repeat.
        with entry.lock:
            if self._clock() - entry.attempted_at < self._min_refresh:
                return
            entry.attempted_at = self._clock()
            self.fetches += 1
            try:
                keys = parse_jwks(self._fetch(issuer))
            except IssuerUnavailableError:
                return  # the keys fetched before, if any, stay in use
            entry.keys = keys
            entry.fetched_at = self._clock()


def _matching(keys: list[SigningKey], kid: str | None) -> list[SigningKey]:
    if kid is None:
        return list(keys)
    return [key for key in keys if key.kid == kid]


def parse_jwks(document: Jwks) -> list[SigningKey]:
    """The usable signing keys of a JWKS document; keys of unknown types are skipped."""
    listed = document.get("keys")
    if not isinstance(listed, list):
        raise IssuerUnavailableError("the JWKS document has no keys")
    keys = []
    for item in listed:
        # Asymmetric keys only: a shared secret ("oct") has no place in a public key set.
        if not isinstance(item, dict) or item.get("kty") not in ASYMMETRIC_KEY_TYPES:
            continue
        if item.get("use", "sig") != "sig":
            continue
        try:
            parsed = jwt.PyJWK.from_dict(item)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        kid, algorithm = item.get("kid"), item.get("alg")
        keys.append(
            SigningKey(
                kid if isinstance(kid, str) else None,
                algorithm if isinstance(algorithm, str) else None,
                parsed.key,
            )
        )
    if not keys:
        raise IssuerUnavailableError("the JWKS document has no usable keys")
    return keys


def http_fetcher(timeout_seconds: float, *, allow_loopback_http: bool) -> Fetcher:
    """Fetches an issuer's JWKS through its discovery document."""

    def fetch(issuer: str) -> Jwks:
        # Checked again here: the setting may have changed since the policy was written.
        if issuer_problem(issuer, allow_loopback_http=allow_loopback_http):
            raise IssuerUnavailableError("the issuer's URL is not one Flagstaff fetches")
        with httpx.Client(timeout=httpx.Timeout(timeout_seconds), follow_redirects=False) as client:
            discovery_url = issuer.rstrip("/") + "/.well-known/openid-configuration"
            discovery = _get_json(client, discovery_url, MAX_DISCOVERY_BYTES, timeout_seconds)
            if discovery.get("issuer") != issuer:
                raise IssuerUnavailableError("the discovery document names another issuer")
            jwks_uri = discovery.get("jwks_uri")
            if not isinstance(jwks_uri, str) or issuer_problem(
                jwks_uri, allow_loopback_http=allow_loopback_http
            ):
                raise IssuerUnavailableError("the discovery document has no usable jwks_uri")
            return _get_json(client, jwks_uri, MAX_JWKS_BYTES, timeout_seconds)

    return fetch


def _get_json(client: httpx.Client, url: str, limit: int, timeout: float) -> Jwks:
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", url, headers={"Accept": "application/json"}) as response:
            if response.status_code != 200:
                raise IssuerUnavailableError(f"{url} answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > limit:
                    raise IssuerUnavailableError(f"{url} answered more than {limit} bytes")
                if time.monotonic() > deadline:
                    raise IssuerUnavailableError(f"{url} took longer than {timeout} s")
    except httpx.HTTPError as error:
        raise IssuerUnavailableError(f"{url}: {type(error).__name__}") from None
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise IssuerUnavailableError(f"{url} did not answer JSON") from None
    if not isinstance(parsed, dict):
        raise IssuerUnavailableError(f"{url} did not answer a JSON object")
    return parsed
