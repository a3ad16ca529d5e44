"""``parse_origin``: what counts as the same site."""

from __future__ import annotations

import pytest

from flagstaff.http.origin import parse_origin


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("https://flags.example.com", ("https", "flags.example.com", 443)),
        ("https://flags.example.com:443", ("https", "flags.example.com", 443)),
        ("HTTP://Flags.Example.com", ("http", "flags.example.com", 80)),
        ("http://127.0.0.1:4242", ("http", "127.0.0.1", 4242)),
        ("http://[::1]:4242", ("http", "::1", 4242)),
        ("null", None),
        ("", None),
        ("file://", None),
        ("chrome-extension://abcdef", None),
        ("https://flags.example.com:99999", None),
        ("https://", None),
    ],
)
def test_parse_origin__text__scheme_host_and_port_or_none(
    text: str, parsed: tuple[str, str, int] | None
) -> None:
    assert parse_origin(text) == parsed
