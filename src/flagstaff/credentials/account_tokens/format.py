"""The account-token format: ``user:fsa_`` + 32 random base62 characters + a 6-character CRC32.

``user:`` is Unleash's marker for account tokens (personal and service-account tokens alike);
``fsa_`` makes Flagstaff's tokens matchable by secret scanners; the checksum (as GitHub's and
Grafana's tokens carry) lets a mistyped or truncated token be refused before any lookup.
"""

from __future__ import annotations

import re
import secrets
import string
import zlib

ACCOUNT_TOKEN_PREFIX = "user:"  # noqa: S105 - a prefix, not a secret
FLAGSTAFF_PREFIX = "fsa_"
RANDOM_LENGTH = 32  # 32 base62 characters: about 190 bits
CHECKSUM_LENGTH = 6
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
PATTERN = re.compile(
    rf"^{ACCOUNT_TOKEN_PREFIX}{FLAGSTAFF_PREFIX}([0-9A-Za-z]{{{RANDOM_LENGTH}}})"
    rf"([0-9A-Za-z]{{{CHECKSUM_LENGTH}}})$"
)
HINT_LENGTH = 4


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        digits.append(BASE62[remainder])
    return "".join(reversed(digits))


def _checksum(random_part: str) -> str:
    return _base62(_crc(random_part), CHECKSUM_LENGTH)


def _crc(random_part: str) -> int:
    return zlib.crc32((FLAGSTAFF_PREFIX + random_part).encode())


_BASE62_VALUE = {character: value for value, character in enumerate(BASE62)}


def generate() -> str:
    random_part = "".join(secrets.choice(BASE62) for _ in range(RANDOM_LENGTH))
    return f"{ACCOUNT_TOKEN_PREFIX}{FLAGSTAFF_PREFIX}{random_part}{_checksum(random_part)}"


def is_account_token(token: str) -> bool:
    return token.startswith(ACCOUNT_TOKEN_PREFIX)


_FULL_PREFIX = ACCOUNT_TOKEN_PREFIX + FLAGSTAFF_PREFIX
TOKEN_LENGTH = len(_FULL_PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH


def well_formed(token: str) -> bool:
    """Shape and checksum. Runs on every request, so it avoids the regex (same rule as PATTERN)."""
    if len(token) != TOKEN_LENGTH or not token.startswith(_FULL_PREFIX):
        return False
    body = token[len(_FULL_PREFIX) :]
    if not (body.isascii() and body.isalnum()):
        return False
    # Decoding the six characters is cheaper than encoding the CRC.
    value = 0
    for character in body[RANDOM_LENGTH:]:
        value = value * 62 + _BASE62_VALUE[character]
    return value == _crc(body[:RANDOM_LENGTH])


def hint(token: str) -> str:
    """What lists may show of a token: its prefix and first few random characters."""
    start = len(ACCOUNT_TOKEN_PREFIX) + len(FLAGSTAFF_PREFIX)
    return token[: start + HINT_LENGTH] + "…"
