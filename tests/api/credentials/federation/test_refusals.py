"""Every way an exchange is refused: a 401 in Unleash's error body whose message starts with
the reason's category (never a policy's content), no token minted, no event written; malformed
requests are 400s. None is a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from flagstaff.http.context import AppContext
from tests.api.credentials.federation.helpers import (
    EXCHANGE,
    GRANT_TYPE,
    ID_TOKEN_TYPE,
    create_policy,
    exchange,
)
from tests.api.service_accounts.helpers import create_account
from tests.oidc_issuer import Issuer, IssuerServer, rsa_key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(issuer: Issuer) -> str:
    """The classic confusion attack: HMAC "signed" with the issuer's public key as the secret."""
    public_pem = (
        rsa_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": issuer.keys[0].kid}).encode())
    payload = _b64(json.dumps(issuer.claims()).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _tampered(issuer: Issuer) -> str:
    header, payload, signature = issuer.sign().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["repository"] = "acme/shop"
    claims["sub"] = "repo:acme/shop:ref:refs/heads/main"
    claims["ref"] = "refs/heads/main"
    claims["environment"] = "staging"
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


def _unknown_kid(issuer: Issuer) -> str:
    import jwt

    return jwt.encode(issuer.claims(), rsa_key("other"), algorithm="RS256", headers={"kid": "nope"})


Token = Callable[[Issuer], str]
REFUSALS: list[tuple[str, Token, str]] = [
    ("wrong audience", lambda i: i.sign(aud="https://elsewhere.example.com"), "audience"),
    ("one of several audiences", lambda i: i.sign(aud=["a", "https://flagstaff.example.com"]), ""),
    (
        "wrong issuer",
        lambda i: i.sign(iss="https://token.actions.githubusercontent.com"),
        "untrusted issuer",
    ),
    (
        "expired",
        lambda i: i.sign(exp=int(time.time()) - 600, iat=int(time.time()) - 900, nbf=None),
        "expired token",
    ),
    ("not yet valid", lambda i: i.sign(nbf=int(time.time()) + 600), "token not yet valid"),
    (
        "issued in the future",
        lambda i: i.sign(iat=int(time.time()) + 600, nbf=None),
        "token not yet valid",
    ),
    ("unknown key id", _unknown_kid, "invalid token"),
    ("alg none", lambda i: _unsigned(i.claims()), "invalid token"),
    ("HS256 with the public key", _hs256_with_public_key, "invalid token"),
    ("tampered claims", _tampered, "invalid token"),
    (
        "claim does not match",
        lambda i: i.sign(ref="refs/heads/feature"),
        "no matching trust policy",
    ),
    ("claim missing", lambda i: i.sign(repository=None), "no matching trust policy"),
    ("no jti", lambda i: i.sign(jti=None), "invalid token"),
    ("no exp", lambda i: i.sign(exp=None), "invalid token"),
    ("no sub", lambda i: i.sign(sub=None), "invalid token"),
    ("oversized", lambda i: i.sign(padding="x" * 20_000), "invalid token"),
    ("not a JWT", lambda i: "not-a-token", "invalid token"),
    ("three dots of garbage", lambda i: "a.b.c", "invalid token"),
]


@pytest.mark.parametrize(
    ("make", "category"), [(m, c) for _, m, c in REFUSALS], ids=[n for n, _, _ in REFUSALS]
)
def test_refused__401_category_and_nothing_written(
    admin_client: TestClient, new_client: Any, issuer: Issuer, make: Token, category: str
) -> None:
    account = create_account(admin_client, username="service-deploy")
    create_policy(admin_client, account["id"], issuer=issuer.url)
    events_before = admin_client.get("/api/admin/search/events?limit=1").json()["total"]
    response = exchange(new_client(), make(issuer))
    if not category:  # the control case: a token among several audiences is fine
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body) >= {"id", "name", "message", "details"}
    assert body["message"].startswith(category), body["message"]
    assert "acme/shop" not in body["message"]  # nothing of the policy
    assert admin_client.get(f"/api/admin/service-account/{account['id']}/token").json() == {
        "pats": []
    }
    assert admin_client.get("/api/admin/search/events?limit=1").json()["total"] == events_before


def test_replayed_jti__second_exchange_401(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    account = create_account(admin_client, username="service-deploy")
    create_policy(admin_client, account["id"], issuer=issuer.url)
    token = issuer.sign()
    assert exchange(new_client(), token).status_code == 200
    replayed = exchange(new_client(), token)
    assert replayed.status_code == 401
    assert replayed.json()["message"].startswith("replayed token")
    pats = admin_client.get(f"/api/admin/service-account/{account['id']}/token").json()["pats"]
    assert len(pats) == 1


def test_account_without_trust_policy__untrusted_issuer(
    admin_client: TestClient, new_client: Any, issuer: Issuer
) -> None:
    trusted = create_account(admin_client, username="service-trusted")
    create_policy(admin_client, trusted["id"], issuer=issuer.url)
    create_account(admin_client, username="service-plain")
    for name in ("service-plain", "no-such-account"):
        refused = exchange(new_client(), issuer.sign(), service_account=name)
        assert refused.status_code == 401
        assert refused.json()["message"].startswith("untrusted issuer")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("mode", ["down", "garbage", "huge", "wrong-issuer"])
def test_issuer_unavailable__401_and_one_fetch_a_minute(
    admin_client: TestClient,
    new_client: Any,
    issuer_server: IssuerServer,
    context: AppContext,
    mode: str,
) -> None:
    context.settings.oidc_allow_loopback_http = True
    issuer = issuer_server.issuer()
    if mode == "down":
        issuer.url = f"http://127.0.0.1:{_closed_port()}/gone"
    else:
        issuer.mode = mode
    account = create_account(admin_client, username="service-deploy")
    create_policy(admin_client, account["id"], issuer=issuer.url)
    for _ in range(2):
        refused = exchange(new_client(), issuer.sign())
        assert refused.status_code == 401, refused.text
        assert refused.json()["message"].startswith("issuer unavailable")
    assert issuer.fetches == (0 if mode == "down" else 1)


def test_loopback_http_issuer_refused_once_the_setting_is_off(
    admin_client: TestClient, new_client: Any, issuer: Issuer, context: AppContext
) -> None:
    """A policy made while loopback issuers were allowed is not fetched once they are not."""
    account = create_account(admin_client, username="service-deploy")
    create_policy(admin_client, account["id"], issuer=issuer.url)
    context.settings.oidc_allow_loopback_http = False
    context.extras.clear()  # a restart with the new setting
    refused = exchange(new_client(), issuer.sign())
    assert refused.status_code == 401
    assert issuer.fetches == 0


def _form(**fields: str) -> dict[str, str]:
    body = {"grant_type": GRANT_TYPE, "subject_token": "x.y.z", "subject_token_type": ID_TOKEN_TYPE}
    body.update(fields)
    return {k: v for k, v in body.items() if v != ""}


@pytest.mark.parametrize(
    "body",
    [
        _form(grant_type="client_credentials"),
        _form(grant_type=""),
        _form(subject_token=""),
        _form(subject_token_type="urn:ietf:params:oauth:token-type:access_token"),
        _form(subject_token_type=""),
        _form(requested_token_type="urn:ietf:params:oauth:token-type:refresh_token"),
        _form(actor_token="x.y.z"),
        _form(service_account="x" * 256),
    ],
)
def test_malformed_request__400(new_client: Any, body: dict[str, str]) -> None:
    client = new_client()
    for response in (client.post(EXCHANGE, data=body), client.post(EXCHANGE, json=body)):
        assert response.status_code == 400, response.text
        assert response.json()["message"].startswith("invalid request")


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        ("[]", "application/json", 400),
        ('"x"', "application/json", 400),
        ("{", "application/json", 400),
        ('{"grant_type": 5}', "application/json", 400),
        ("grant_type=x", "text/plain", 415),
        ("", "application/json", 400),
    ],
)
def test_bad_bodies__4xx(new_client: Any, content: str, content_type: str, status: int) -> None:
    response = new_client().post(EXCHANGE, content=content, headers={"content-type": content_type})
    assert response.status_code == status, response.text


def test_body_too_large__413(new_client: Any) -> None:
    response = new_client().post(EXCHANGE, data=_form(subject_token="x" * 1_100_000))
    assert response.status_code == 413
