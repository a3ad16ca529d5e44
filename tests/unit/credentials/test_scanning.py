"""The token shapes that docs/secret-scanning.md gives scanners: they match every token
Flagstaff mints, and nothing in a sample of random text."""

from __future__ import annotations

import random
import re
import string
import uuid
from pathlib import Path

import pytest

from flagstaff.credentials.account_tokens import format as account_format
from flagstaff.credentials.api_tokens import format as api_format
from flagstaff.credentials.scanning import ACCOUNT_TOKEN, API_TOKEN, find_tokens

DOC = Path(__file__).resolve().parents[3] / "docs" / "secret-scanning.md"
ID_CHARS = string.ascii_letters + string.digits + "_~.-"


def _documented() -> list[str]:
    return re.findall(r"```regex\n(.+?)\n```", DOC.read_text())


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(ID_CHARS) for _ in range(rng.randint(1, 30)))


def test_doc__quotes_the_expressions_the_code_uses() -> None:
    assert _documented() == [ACCOUNT_TOKEN, API_TOKEN]


def test_minted_tokens__every_one_found_whole_in_text() -> None:
    rng = random.Random(7)
    minted = [account_format.generate() for _ in range(300)]
    for _ in range(300):
        projects = rng.choice([["*"], [_name(rng)], [_name(rng), _name(rng)]])
        environment = "*" if projects == ["*"] and rng.random() < 0.5 else _name(rng)
        minted.append(api_format.generate(projects, environment))
    for token in minted:
        assert re.fullmatch(ACCOUNT_TOKEN, token) or re.fullmatch(API_TOKEN, token), token
        text = f'log line: Authorization: Bearer {token}, "token": "{token}"\n'
        assert find_tokens(text) == [token, token]


def _random_text(rng: random.Random) -> str:
    pieces = []
    for _ in range(4000):
        kind = rng.randrange(7)
        if kind == 0:
            pieces.append("".join(rng.choice(string.printable) for _ in range(rng.randint(1, 80))))
        elif kind == 1:
            pieces.append("".join(rng.choice("0123456789abcdef") for _ in range(56)))
        elif kind == 2:
            pieces.append(f"user:{uuid.uuid4().hex}")
        elif kind == 3:
            pieces.append("ghp_" + "".join(rng.choice(string.ascii_letters) for _ in range(36)))
        elif kind == 4:
            pieces.append(f"https://example.com/{_name(rng)}:{rng.randint(1, 65535)}")
        elif kind == 5:
            pieces.append(
                "user:fsa_" + "".join(rng.choice(string.ascii_letters) for _ in range(20))
            )
        else:
            pieces.append(f"{_name(rng)}:{_name(rng)}.{uuid.uuid4().hex}")
    return " ".join(pieces)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_text__nothing_found(seed: int) -> None:
    assert find_tokens(_random_text(random.Random(seed))) == []
