"""A real OIDC issuer on loopback for the exchange's tests, its multiprocess test and its
benchmark: an HTTP server that serves discovery documents and key sets, and signs ID tokens
with RSA (RS256) and EC (ES256) keys generated once per run.

One server holds many issuers, each under its own path (``http://127.0.0.1:PORT/<name>``), so a
test makes a fresh issuer for itself and can break it on purpose (garbage, an oversized key set,
keys rotated) without touching another test's.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

AUDIENCE = "https://flagstaff.example.com"


@cache
def rsa_key(name: str = "rsa") -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def ec_key(name: str = "ec") -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    def public_jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.algorithm}


@dataclass
class Issuer:
    url: str
    keys: list[SigningKey] = field(default_factory=list)
    # What the server answers instead of the real documents: "garbage", "huge", "wrong-issuer".
    mode: str | None = None
    fetches: int = 0

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "repo:acme/shop:ref:refs/heads/main",
            "repository": "acme/shop",
            "ref": "refs/heads/main",
            "environment": "production",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def sign(
        self, claims: dict[str, Any] | None = None, *, algorithm: str = "RS256", **overrides: Any
    ) -> str:
        key = next(k for k in self.keys if k.algorithm == algorithm)
        return jwt.encode(
            claims if claims is not None else self.claims(**overrides),
            key.private,
            algorithm=algorithm,
            headers={"kid": key.kid},
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self.keys]}


class IssuerServer:
    def __init__(self) -> None:
        self.issuers: dict[str, Issuer] = {}
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def issuer(self, name: str | None = None) -> Issuer:
        """A new issuer with an RS256 and an ES256 key of its own ids."""
        name = name or uuid.uuid4().hex[:12]
        issuer = Issuer(
            f"{self.base}/{name}",
            [
                SigningKey(f"{name}-rsa", "RS256", rsa_key()),
                SigningKey(f"{name}-ec", "ES256", ec_key()),
            ],
        )
        self.issuers[name] = issuer
        return issuer

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(owner: IssuerServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name, _, rest = self.path.lstrip("/").partition("/")
            issuer = owner.issuers.get(name)
            if issuer is None:
                self._send(404, b"{}")
                return
            if rest == ".well-known/openid-configuration":
                issuer.fetches += 1
                url = (
                    "https://elsewhere.example.com" if issuer.mode == "wrong-issuer" else issuer.url
                )
                document = {"issuer": url, "jwks_uri": f"{issuer.url}/jwks"}
                self._send(200, json.dumps(document).encode())
            elif rest == "jwks" and issuer.mode == "garbage":
                self._send(200, b"<html>not a key set</html>")
            elif rest == "jwks" and issuer.mode == "huge":
                self._send(200, b'{"keys": [' + b" " * 400_000 + b"]}")
            elif rest == "jwks":
                self._send(200, json.dumps(issuer.jwks()).encode())
            else:
                self._send(404, b"{}")

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    return Handler
