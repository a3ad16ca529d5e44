"""Reading a provisioning file: YAML to plain values, remembering the line of every value.

PyYAML composes the document into nodes that carry their position (``start_mark``); the values
are built here from those nodes rather than by PyYAML's constructor, so that each key and list
item keeps its line for the error messages, duplicate keys are refused instead of silently
overwritten, and anchors and aliases (which can expand a small file into a huge one) are refused.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml

from flagstaff.core.errors import FlagstaffError
from flagstaff.credentials.scanning import find_tokens
from flagstaff.provisioning.errors import (
    MAX_FILE_BYTES,
    FileTooLargeError,
    InvalidFileError,
    Problem,
)

Path = tuple[str | int, ...]

MAX_DEPTH = 20
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
WHERE_TOKENS_COME_FROM = (
    "a provisioning file never holds secrets: a pipeline gets a short-lived token from the "
    "OIDC exchange (POST /api/auth/oidc/token), anything else from the API "
    "(POST /api/admin/service-account/{id}/token)"
)
# Keys (lower case, without "_" and "-") that name a secret rather than describe one.
SECRET_KEYS = frozenset(
    {
        "token",
        "tokens",
        "pat",
        "pats",
        "password",
        "passwords",
        "passphrase",
        "secret",
        "secrets",
        "apikey",
        "apikeys",
        "bearer",
        "authorization",
        "credential",
        "credentials",
        "cookie",
        "sessionid",
        "privatekey",
    }
)
SECRET_SUFFIXES = ("token", "tokens", "password", "secret", "apikey", "privatekey", "passphrase")
# Values that are secrets whatever key they sit under: a signed JWT (an ID token, say) or a
# PEM private key. Flagstaff's own token shapes come from ``credentials.scanning``.
SECRET_VALUES = re.compile(
    r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)


def is_secret_key(key: str) -> bool:
    normal = key.lower().replace("_", "").replace("-", "")
    return normal in SECRET_KEYS or normal.endswith(SECRET_SUFFIXES)


def looks_secret(value: str) -> bool:
    return bool(find_tokens(value)) or SECRET_VALUES.search(value) is not None


def dotted(path: Path) -> str:
    """``('serviceAccounts', 0, 'name')`` as ``serviceAccounts[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class Source:
    """The file's values, and the line (1-based) of each key and list item by its path."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of the value at ``path``, or of the nearest enclosing one that has one
        (a missing key is reported on the line of the object that lacks it)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: Path, message: str) -> Problem:
        return Problem(self.line_of(path), dotted(path), message)


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise FileTooLargeError(size)


def read_file(name: str) -> str:
    """The file's text (``-``: standard input), refused past the size limit unread."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            path = FilePath(name)
            check_size(path.stat().st_size)
            raw = path.read_bytes()
        check_size(len(raw))
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise FlagstaffError(f"No such file: {name}") from None
    except IsADirectoryError:
        raise FlagstaffError(f"{name} is a directory, not a file") from None
    except PermissionError:
        raise FlagstaffError(f"Not allowed to read {name}") from None
    except UnicodeDecodeError as error:
        raise FlagstaffError(f"{name} is not UTF-8 text (byte {error.start})") from None


def read(text: str) -> Source:
    """The file's values, or ``InvalidFileError`` with every problem found in its form."""
    check_size(len(text.encode("utf-8", errors="surrogatepass")))
    try:
        # The reader checks every character as it is built: inside the try.
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise InvalidFileError([_yaml_problem(error)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise InvalidFileError([Problem(line, "", f"not valid YAML: {error.reason}")]) from None
    except yaml.YAMLError as error:
        raise InvalidFileError([Problem(None, "", f"not valid YAML: {error}")]) from None
    except RecursionError:
        raise InvalidFileError([Problem(None, "", "nested too deeply")]) from None
    if node is None:
        raise InvalidFileError([Problem(None, "", "the file is empty")])
    builder = _Builder(loader)
    data = builder.value(node, ())
    if builder.problems:
        raise InvalidFileError(builder.problems)
    return Source(data, builder.lines)


def _yaml_problem(error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    reason = " ".join(part for part in (error.context, error.problem) if part)
    return Problem(mark.line + 1 if mark else None, "", f"not valid YAML: {reason}")


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(Problem(node.start_mark.line + 1, dotted(path), message))

    def value(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self.seen:
            # The alias's own line is the key's or the item's, recorded before this call.
            line = self.lines.get(path, node.start_mark.line + 1)
            message = "anchors and aliases (& and *) are not allowed; write it out"
            self.problems.append(Problem(line, dotted(path), message))
            return None
        self.seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            self.fail(node, path, "nested too deeply")
            return None
        if isinstance(node, yaml.CollectionNode) and node.tag not in PLAIN_TAGS:
            self.fail(node, path, f"the tag {node.tag} is not allowed")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.fail(key_node, path, "every key must be a plain name")
                continue
            where = (*path, key)
            self.lines[where] = key_node.start_mark.line + 1
            if key in result:
                self.fail(key_node, where, "this key appears twice")
                continue
            if is_secret_key(key):
                self.fail(key_node, where, WHERE_TOKENS_COME_FROM)
                continue
            result[key] = self.value(value_node, where)
        return result

    def scalar(self, node: yaml.Node, path: Path) -> Any:
        try:
            value = self.loader.construct_object(node)
        except yaml.MarkedYAMLError as error:
            self.fail(node, path, f"cannot read this value: {error.problem}")
            return None
        if isinstance(value, str) and looks_secret(value):
            self.fail(node, path, f"this value looks like a secret; {WHERE_TOKENS_COME_FROM}")
            return None
        return value
