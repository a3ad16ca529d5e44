"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import base64
import re
import secrets
import string

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from flagstaff.core.errors import BadDataError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


class WeakPasswordError(BadDataError):
    """A 400 whose details list every rule the password breaks, named as in Unleash."""

    name = "OwaspValidationError"


class Passwords:
    def __init__(self, *, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # Verified against when the account does not exist, so that a wrong username takes as
        # long as a wrong password and timing does not reveal which accounts exist.
        self._decoy = _decoy_hash(self._hasher)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False


def _decoy_hash(hasher: PasswordHasher) -> str:
    """A well-formed hash of no password, with the hasher's parameters: verifying against it
    costs what a real hash costs, and making it costs nothing (hashing a random password here
    added half a second to every process start)."""

    def random_b64(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode().rstrip("=")

    return (
        f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
        f"${random_b64(hasher.salt_len)}${random_b64(hasher.hash_len)}"
    )


def check_strength(password: str) -> None:
    """Unleash's OWASP-style rules: 10-128 characters, no triple repeats, four character classes."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"The password must be fewer than {MAX_PASSWORD_LENGTH} characters.")
    if re.search(r"(.)\1\1", password):
        problems.append(
            "The password may not contain sequences of three or more repeated characters."
        )
    if not re.search(r"[a-z]", password):
        problems.append("The password must contain at least one lowercase letter.")
    if not re.search(r"[A-Z]", password):
        problems.append("The password must contain at least one uppercase letter.")
    if not re.search(r"[0-9]", password):
        problems.append("The password must contain at least one number.")
    if not re.search(r"[^A-Za-z0-9]", password):
        problems.append("The password must contain at least one special character.")
    if problems:
        raise WeakPasswordError(problems[0], details=[{"message": p} for p in problems])


def generate_password() -> str:
    """A strong random password that satisfies ``check_strength``."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(24))
        try:
            check_strength(candidate)
        except BadDataError:
            continue
        return candidate
