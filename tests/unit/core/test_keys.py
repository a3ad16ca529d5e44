from __future__ import annotations

import hashlib
import hmac

import pytest

from flagstaff.core.keys import Keys


@pytest.mark.parametrize("secret", [b"short", b"k" * 64, b"long" * 40, b""])
def test_digest__equals_textbook_hmac_sha256(secret: bytes) -> None:
    keys = Keys(secret)
    for value in ("user:fsa_abc", "", "ü" * 100):
        expected = hmac.new(secret, b"purpose\x00" + value.encode(), hashlib.sha256).hexdigest()
        assert keys.digest("purpose", value) == expected


def test_digest__purposes_and_keys_separate() -> None:
    keys = Keys(b"server-secret")
    assert keys.digest("a", "x") != keys.digest("b", "x")
    assert keys.digest("a", "x") != Keys(b"other-secret").digest("a", "x")
