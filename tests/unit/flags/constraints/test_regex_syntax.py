"""Regular expressions are judged as Rust's regex crate (RE2 syntax) judges them."""

from __future__ import annotations

import pytest

from flagstaff.flags.constraints.regex_syntax import RegexSyntaxError, check_regex

# From the client specification (21-regex-constraint-operators) and RE2's syntax.
VALID = [
    "^cat$",
    "^[^@]+@[^@]+$",
    "^user\\d{3}$",
    "^[[:alpha:]]+$",
    "[[:^digit:]]",
    "\\bcat\\b",
    "^(foo|fo)$",
    "^(ab)?c$",
    "^a{2,4}$",
    "^a.*?b$",
    "^(?i)abc$",
    "(?m)^foo$",
    "^(?s)a.b$",
    "(a(?i)b)c",
    "(?i-s:x)",
    "(?P<year>\\d{4})",
    "(?<year>\\d{4})",
    "\\p{Greek}+",
    "\\x{41}",
    "[)]",
    "[]a]",
    "a\\z",
]
INVALID = [
    ("(regex", "unclosed"),
    ("a)", "unopened"),
    ("(?i)a)(b", "unopened"),
    ("^(?=a)b$", "look-around"),
    ("^(?!a)b$", "look-around"),
    ("(?<=a)b", "look-around"),
    ("(?<!a)b", "look-around"),
    ("^(a)\\1$", "back-reference"),
    ("(?>a)", "atomic"),
    ("a++", "possessive"),
    ("a\\Z", "\\z"),
    ("*a", "nothing to repeat"),
    ("a{2,1}", "repeat"),
    ("[a-", "unterminated"),
]


@pytest.mark.parametrize("pattern", VALID)
def test_check_regex__re2_syntax__accepted(pattern: str) -> None:
    check_regex(pattern)


@pytest.mark.parametrize(("pattern", "reason"), INVALID)
def test_check_regex__not_re2__refused_with_reason(pattern: str, reason: str) -> None:
    with pytest.raises(RegexSyntaxError) as raised:
        check_regex(pattern)
    assert reason in str(raised.value)
