from __future__ import annotations

import re

import pytest

from flagstaff.credentials.account_tokens import format


def test_generate__many_tokens__all_well_formed_and_distinct() -> None:
    tokens = {format.generate() for _ in range(500)}
    assert len(tokens) == 500
    assert all(format.well_formed(t) for t in tokens)
    assert all(re.fullmatch(r"user:fsa_[0-9A-Za-z]{38}", t) for t in tokens)


def test_generate__random_part__carries_at_least_160_bits() -> None:
    bits_per_char = 5.95  # log2(62)
    assert format.RANDOM_LENGTH * bits_per_char >= 160


@pytest.mark.parametrize("position", [9, 20, 40, 46])
def test_well_formed__one_character_changed__refused(position: int) -> None:
    token = format.generate()
    replacement = "A" if token[position] != "A" else "B"
    typo = token[:position] + replacement + token[position + 1 :]
    assert not format.well_formed(typo)


@pytest.mark.parametrize(
    "candidate",
    [
        "",
        "user:",
        "user:fsa_",
        "user:0123456789abcdef0123456789abcdef0123456789abcdef01234567",  # Unleash v1 shape
        "*:*.abcdef",
        "default:development.abcdef",
    ],
)
def test_well_formed__other_shapes__refused(candidate: str) -> None:
    assert not format.well_formed(candidate)


def test_well_formed__truncated_or_extended__refused() -> None:
    token = format.generate()
    assert not format.well_formed(token[:-1])
    assert not format.well_formed(token + "a")


def test_hint__reveals_only_the_prefix_and_four_characters() -> None:
    token = format.generate()
    hint = format.hint(token)
    assert hint.startswith("user:fsa_")
    assert hint.endswith("…")
    assert len(hint) == len("user:fsa_") + 4 + 1
    assert token[len("user:fsa_") + 4 :] not in hint
