"""Keyed digests of credentials: what the database stores instead of the secret itself."""

from __future__ import annotations

import hashlib
import hmac


class Keys:
    def __init__(self, server_secret: bytes) -> None:
        self._secret = server_secret

    def digest(self, purpose: str, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the server secret, separated by purpose."""
        message = purpose.encode() + b"\x00" + value.encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def csrf_token(self, session_digest: str) -> str:
        return self.digest("csrf", session_digest)
