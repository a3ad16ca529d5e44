"""The exchange's pure parts: claim matching, issuer URLs, and the per-process key cache with
its once-a-minute refresh, on a clock the test moves."""

from __future__ import annotations

from typing import Any

import pytest

from flagstaff.credentials.federation.claims import (
    issuer_problem,
    matched_claims,
    value_matches,
)
from flagstaff.credentials.federation.issuers import (
    IssuerKeys,
    IssuerUnavailableError,
    UnknownKeyError,
)
from tests.oidc_issuer import IssuerServer, SigningKey, ec_key, rsa_key


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("acme/shop", "acme/shop", True),
        ("acme/shop", "acme/shop2", False),
        ("acme/*", "acme/shop", True),
        ("acme/*", "acme", False),
        ("repo:acme/shop:*", "repo:acme/shop:ref:refs/heads/main", True),
        ("refs/heads/release-?", "refs/heads/release-1", True),
        ("refs/heads/release-?", "refs/heads/release-10", False),
        ("[abc]", "a", False),
        ("[abc]", "[abc]", True),
        ("a.c", "abc", False),
        ("true", True, True),
        ("42", 42, True),
        ("*", {"nested": "object"}, False),
        ("admins", ["users", "admins"], True),
        ("admins", ["users"], False),
        ("*", None, False),
    ],
)
def test_value_matches(pattern: str, value: Any, expected: bool) -> None:
    assert value_matches(pattern, value) is expected


def test_matched_claims__every_condition_or_nothing() -> None:
    claims = {"repository": "acme/shop", "ref": "refs/heads/main"}
    conditions = {"repository": "acme/*", "ref": "refs/heads/main"}
    assert matched_claims(conditions, claims) == claims
    assert matched_claims({**conditions, "environment": "prod"}, claims) == {}


@pytest.mark.parametrize(
    ("issuer", "loopback", "ok"),
    [
        ("https://token.actions.githubusercontent.com", False, True),
        ("https://gitlab.example.com/", False, True),
        ("http://gitlab.example.com", True, False),
        ("http://127.0.0.1:8080/x", False, False),
        ("http://127.0.0.1:8080/x", True, True),
        ("http://[::1]:8080", True, True),
        ("http://localhost:8080", True, True),
        ("http://10.0.0.1", True, False),
        ("https://a.example.com/?q", False, False),
        ("https://u:p@a.example.com", False, False),
        ("https:///path", False, False),
        ("file:///etc/passwd", True, False),
    ],
)
def test_issuer_problem(issuer: str, loopback: bool, ok: bool) -> None:
    assert (issuer_problem(issuer, allow_loopback_http=loopback) is None) is ok


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeIssuer:
    def __init__(self) -> None:
        self.keys = [SigningKey("one", "RS256", rsa_key())]
        self.down = False
        self.calls = 0

    def fetch(self, issuer: str) -> dict[str, Any]:
        self.calls += 1
        if self.down:
            raise IssuerUnavailableError(issuer)
        return {"keys": [key.public_jwk() for key in self.keys]}


def test_issuer_keys__cached__unknown_kid_refreshes_at_most_once_a_minute() -> None:
    clock, fake = Clock(), FakeIssuer()
    cache = IssuerKeys(fake.fetch, clock=clock)
    assert [k.kid for k in cache.keys_for("https://i", "one")] == ["one"]
    assert [k.kid for k in cache.keys_for("https://i", "one")] == ["one"]
    assert fake.calls == 1

    fake.keys.append(SigningKey("two", "ES256", ec_key()))
    clock.now += 30
    with pytest.raises(UnknownKeyError):
        cache.keys_for("https://i", "two")  # too soon to fetch again
    assert fake.calls == 1
    clock.now += 31
    assert [k.kid for k in cache.keys_for("https://i", "two")] == ["two"]
    assert fake.calls == 2
    for _ in range(5):
        with pytest.raises(UnknownKeyError):
            cache.keys_for("https://i", "invented")
    assert fake.calls == 2


def test_issuer_keys__down__one_attempt_a_minute_and_old_keys_kept() -> None:
    clock, fake = Clock(), FakeIssuer()
    cache = IssuerKeys(fake.fetch, clock=clock, max_age_seconds=120)
    fake.down = True
    for _ in range(3):
        with pytest.raises(IssuerUnavailableError):
            cache.keys_for("https://i", "one")
    assert fake.calls == 1
    clock.now += 60
    fake.down = False
    assert cache.keys_for("https://i", "one")
    fake.down = True
    clock.now += 200  # stale: a refresh is tried, fails, and the keys fetched before serve
    assert cache.keys_for("https://i", "one")
    assert fake.calls == 3


def test_issuer_keys__no_kid__every_key_is_a_candidate() -> None:
    fake = FakeIssuer()
    fake.keys.append(SigningKey("two", "ES256", ec_key()))
    cache = IssuerKeys(fake.fetch, clock=Clock())
    assert {k.kid for k in cache.keys_for("https://i", None)} == {"one", "two"}


def test_issuer_keys__symmetric_and_unusable_keys_skipped() -> None:
    document = {
        "keys": [
            {"kty": "oct", "k": "c2VjcmV0", "kid": "shared"},
            {"kty": "RSA", "kid": "broken", "n": "x"},
            SigningKey("enc", "RS256", rsa_key()).public_jwk() | {"use": "enc"},
            SigningKey("good", "RS256", rsa_key()).public_jwk(),
        ]
    }
    cache = IssuerKeys(lambda issuer: document, clock=Clock())
    assert [k.kid for k in cache.keys_for("https://i", None)] == ["good"]


def test_issuer_server_fixture__serves_discovery_and_jwks() -> None:
    import httpx

    server = IssuerServer()
    try:
        issuer = server.issuer("unit")
        discovery = httpx.get(f"{issuer.url}/.well-known/openid-configuration").json()
        assert discovery["issuer"] == issuer.url
        assert len(httpx.get(discovery["jwks_uri"]).json()["keys"]) == 2
    finally:
        server.close()
