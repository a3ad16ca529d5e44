"""Is a pattern valid for the engine that evaluates it?

SDKs (through Unleash's Rust engine, yggdrasil) compile REGEX constraints with Rust's ``regex``
crate: RE2 syntax, no look-around and no back-references, but POSIX classes (``[[:alpha:]]``)
and inline flags anywhere (``^(?i)abc$``). Python's ``re`` differs on exactly those points, so a
pattern is first checked for what RE2 refuses, then rewritten into Python's dialect and compiled.
"""

from __future__ import annotations

import re
import warnings

POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_FLAGS = re.compile(r"\(\?([imsxU-]+)\)")
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>")
_UNICODE_CLASS = re.compile(r"\\[pP](\{[^}]*\}|[A-Za-z])")
_BRACED_HEX = re.compile(r"\\[xuU]\{[0-9A-Fa-f]{1,8}\}")


class RegexSyntaxError(ValueError):
    """The pattern is not valid RE2 syntax; the message says why."""


def check_regex(pattern: str) -> None:
    _refuse_unsupported(pattern)
    translated = _to_python(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(translated)
    except (re.error, FutureWarning, DeprecationWarning) as problem:
        raise RegexSyntaxError(str(problem)) from None


def _refuse_unsupported(pattern: str) -> None:
    index = 0
    depth = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if following.isdigit() and following != "0":
                raise RegexSyntaxError("back-references (\\1) are not supported")
            if following == "k" and pattern[index + 2 : index + 3] in ("<", "{", "'"):
                raise RegexSyntaxError("back-references (\\k) are not supported")
            if following == "Z":
                raise RegexSyntaxError("\\Z is not supported; use \\z")
            index += 2
            if following in "pPxu" and pattern[index : index + 1] == "{":
                # \p{Greek}, \x{7F}: the braces belong to the escape.
                closing = pattern.find("}", index)
                index = len(pattern) if closing < 0 else closing + 1
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), index):
            raise RegexSyntaxError("look-around assertions are not supported")
        elif pattern.startswith("(?>", index):
            raise RegexSyntaxError("atomic groups are not supported")
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise RegexSyntaxError("unopened group: ')' without '('")
        elif char == "[":
            in_class = True
            # A ']' right after '[' or '[^' is a literal, not the end of the class.
            if pattern[index + 1 : index + 2] == "^":
                index += 1
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char in "*+?}" and pattern[index + 1 : index + 2] == "+":
            raise RegexSyntaxError("possessive repetition is not supported")
        index += 1
    if depth > 0:
        raise RegexSyntaxError("unclosed group: '(' without ')'")


def _to_python(pattern: str) -> str:
    for name, members in POSIX_CLASSES.items():
        pattern = pattern.replace(f"[:{name}:]", members).replace(f"[:^{name}:]", "\\x00")
    pattern = _UNICODE_CLASS.sub(r"\\w", pattern)
    pattern = _BRACED_HEX.sub(r"\\x00", pattern)
    pattern = _NAMED_GROUP.sub(r"(?P<\1>", pattern)
    pattern = pattern.replace("\\z", "\\Z")
    # Rust lets inline flags appear anywhere and apply to the rest of the group; Python wants
    # them first. For a syntax check, a scoped group to the end of the pattern is equivalent.
    opened = 0

    def scoped(match: re.Match[str]) -> str:
        nonlocal opened
        flags = match.group(1).replace("U", "")
        if not flags.strip("-") or flags.endswith("-"):
            return ""
        opened += 1
        return f"(?{flags}:"

    body = _FLAGS.sub(scoped, pattern)
    # Groups are balanced (checked before), so closing every scope at the end keeps them so.
    return body + ")" * opened
