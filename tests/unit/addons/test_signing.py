"""The signature header, and the verification recipe of docs/webhooks.md."""

from __future__ import annotations

import pytest

from flagstaff.addons.signing import Secrets, signature
from flagstaff.core.keys import Keys
from tests.webhook_receiver import verify

pytestmark = pytest.mark.engine_independent


def test_signature__verifies_with_the_recipe() -> None:
    header = signature("whsec_abc", 1_800_000_000, b'{"a":1}')
    assert header.startswith("t=1800000000,v1=")
    assert verify("whsec_abc", header, b'{"a":1}', now=1_800_000_010)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("whsec_other", b'{"a":1}', 1_800_000_000),  # another secret
        ("whsec_abc", b'{"a":2}', 1_800_000_000),  # another body
        ("whsec_abc", b'{"a":1}', 1_800_001_000),  # too old: a replay
    ],
)
def test_signature__tampered_or_stale__refused(secret: str, body: bytes, now: int) -> None:
    header = signature("whsec_abc", 1_800_000_000, b'{"a":1}')
    assert not verify(secret, header, body, now=now)


def test_secrets__depend_on_salt_and_server_secret() -> None:
    one = Secrets(Keys(b"k" * 40))
    other = Secrets(Keys(b"j" * 40))
    assert one.signing_secret("s1") == one.signing_secret("s1")
    assert one.signing_secret("s1") != one.signing_secret("s2")
    assert one.signing_secret("s1") != other.signing_secret("s1")


def test_sealed_parameters__unsealed_only_under_the_same_server_secret() -> None:
    one = Secrets(Keys(b"k" * 40))
    sealed = one.seal({"authorization": "Bearer x"})
    assert sealed is not None
    assert "Bearer" not in sealed
    assert one.unseal(sealed) == {"authorization": "Bearer x"}
    assert Secrets(Keys(b"j" * 40)).unseal(sealed) == {}
