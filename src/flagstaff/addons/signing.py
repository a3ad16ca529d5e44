"""An addon's secrets: the sensitive parameters, sealed under the server secret, and the
signing secret, derived from a stored salt and the server secret (so a copy of the database
alone yields neither). Every delivery carries ``Flagstaff-Signature: t=<unix>,v1=<hex>``, the
HMAC-SHA256 under the signing secret of ``"<t>.<body>"``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from flagstaff.core.keys import Keys

SIGNATURE_HEADER = "Flagstaff-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


class Secrets:
    def __init__(self, keys: Keys) -> None:
        self._keys = keys
        key = bytes.fromhex(keys.digest("addon-parameters", "fernet-v1"))
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, values: dict[str, str]) -> str | None:
        if not values:
            return None
        return self._fernet.encrypt(json.dumps(values).encode()).decode()

    def unseal(self, sealed: str | None) -> dict[str, str]:
        """The sensitive parameters; none if they were sealed under another server secret
        (the deliveries then fail visibly, and saving the addon again repairs it)."""
        if not sealed:
            return {}
        try:
            values: Any = json.loads(self._fernet.decrypt(sealed.encode()))
        except InvalidToken:
            return {}
        return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}

    def signing_secret(self, salt: str) -> str:
        return SECRET_PREFIX + self._keys.digest("addon-signing", salt)


def new_salt() -> str:
    return secrets.token_hex(16)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
