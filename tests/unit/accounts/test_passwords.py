from __future__ import annotations

import pytest

from flagstaff.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Passwords,
    WeakPasswordError,
    check_strength,
    generate_password,
)
from flagstaff.core.errors import BadDataError

FAST = Passwords(time_cost=1, memory_kib=1024, parallelism=1)


def strong_of_length(length: int) -> str:
    base = "Aa1!"
    filler = "bcdefghijk" * (length // 10 + 1)
    return (base + filler)[:length]


@pytest.mark.parametrize("length", [MIN_PASSWORD_LENGTH, 64, MAX_PASSWORD_LENGTH])
def test_check_strength__strong_password__accepted(length: int) -> None:
    check_strength(strong_of_length(length))


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        (strong_of_length(MIN_PASSWORD_LENGTH - 1), "at least 10 characters"),
        (strong_of_length(MAX_PASSWORD_LENGTH + 1), "fewer than 128"),
        ("Abc1!defggg", "three or more repeated"),
        ("abcdef1!gh", "uppercase"),
        ("ABCDEF1!GH", "lowercase"),
        ("Abcdefgh!i", "number"),
        ("Abcdefgh1i", "special character"),
    ],
)
def test_check_strength__one_rule_broken__named(password: str, fragment: str) -> None:
    with pytest.raises(WeakPasswordError) as raised:
        check_strength(password)

    messages = [d["message"] for d in raised.value.details]
    assert len(messages) == 1
    assert fragment in messages[0]
    assert raised.value.message == messages[0]


def test_check_strength__many_rules_broken__all_listed() -> None:
    with pytest.raises(WeakPasswordError) as raised:
        check_strength("aaa")

    assert len(raised.value.details) == 5


def test_weak_password_error__is_bad_data_named_like_unleash() -> None:
    assert issubclass(WeakPasswordError, BadDataError)
    assert WeakPasswordError.name == "OwaspValidationError"


def test_check_strength__unicode_letters_and_symbols__counted_as_special() -> None:
    check_strength("Pässwörd-1x")


def test_hash__argon2id_salted() -> None:
    first, second = FAST.hash("Same-Pass1!"), FAST.hash("Same-Pass1!")

    assert first.startswith("$argon2id$")
    assert first != second


def test_verify__right_and_wrong_password() -> None:
    stored = FAST.hash("Right-Pass1!")

    assert FAST.verify(stored, "Right-Pass1!") is True
    assert FAST.verify(stored, "Wrong-Pass1!") is False
    assert FAST.verify(stored, "") is False


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$garbage"])
def test_verify__missing_or_broken_hash__false(stored: str | None) -> None:
    assert FAST.verify(stored, "Any-Pass1!") is False


def test_verify__no_hash__still_does_the_work() -> None:
    """The decoy is a well-formed hash with the same parameters: no early return to time."""
    decoy = FAST._decoy

    assert decoy.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert FAST.verify(None, "") is False


def test_default_parameters__owasp_minimum_or_more() -> None:
    hashed = Passwords().hash("Any-Pass1!")

    params = dict(p.split("=") for p in hashed.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2


def test_generate_password__strong_and_unique() -> None:
    generated = {generate_password() for _ in range(20)}

    assert len(generated) == 20
    for password in generated:
        check_strength(password)
        assert len(password) >= 20
