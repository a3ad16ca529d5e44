"""Keyed digests of credentials: what the database stores instead of the secret itself."""

from __future__ import annotations

import hashlib

SHA256_BLOCK = 64


class Keys:
    """HMAC-SHA256 under the server secret.

    The inner and outer hash states are computed once: each digest then costs two SHA-256
    finishes instead of a full HMAC set-up (which OpenSSL 3 makes several times slower). The
    result is exactly ``hmac.new(secret, message, sha256)``; tests hold it to that.
    """

    def __init__(self, server_secret: bytes) -> None:
        key = server_secret
        if len(key) > SHA256_BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, purpose: str, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the server secret, separated by purpose."""
        inner = self._inner.copy()
        inner.update(purpose.encode() + b"\x00" + value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def csrf_token(self, session_digest: str) -> str:
        return self.digest("csrf", session_digest)
