"""Structured logs without secrets: one JSON object (or one logfmt line) per record.

The access log carries the method, the path, the status, the client address and the process id;
never a header, so neither ``Authorization`` nor the session cookie can reach it. Query values
whose names say they are secret are replaced, and every message is scrubbed of token-shaped
strings and ``password=...``-like pairs as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

REDACTED = "[REDACTED]"
ACCESS_LOGGER = "uvicorn.access"

# Query parameter names whose values are never logged (matched anywhere in the name).
_SECRET_NAME = re.compile(
    r"token|secret|passw|pwd|auth|session|cookie|signature|credential|api[-_]?key", re.IGNORECASE
)
_SECRET_PATTERNS = (
    # key=value and "key": "value" pairs with a secret-sounding key
    re.compile(
        r"""(?P<key>[\w-]*(?:token|secret|passw|pwd|authorization|cookie|api[-_]?key)[\w-]*"""
        r"""["']?\s*[=:]\s*["']?)(?P<value>[^\s&"',;]+)""",
        re.IGNORECASE,
    ),
    # Flagstaff account tokens and Unleash API tokens (project:environment.secret)
    re.compile(r"(?P<key>)(?P<value>\bfsa_[0-9A-Za-z]{8,})"),
    re.compile(r"(?P<key>)(?P<value>[\w*\[\]-]+:[\w*-]+\.[0-9a-fA-F]{16,})"),
)


def scrub(text: str) -> str:
    """``text`` with every secret-looking value replaced."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
    return text


def redact_query(path_with_query: str) -> str:
    """The path as logged: values of secret-sounding query parameters replaced."""
    path, separator, query = path_with_query.partition("?")
    if not separator:
        return path
    parts = []
    for pair in query.split("&"):
        name, equals, _value = pair.partition("=")
        if equals and _SECRET_NAME.search(unquote(name)):
            parts.append(f"{name}={REDACTED}")
        else:
            parts.append(pair)
    return f"{path}?{'&'.join(parts)}"


_PLAIN = logging.Formatter()


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "pid": record.process or os.getpid(),
    }
    if record.name == ACCESS_LOGGER and isinstance(record.args, tuple) and len(record.args) == 5:
        # uvicorn's arguments: client address, method, path with query, HTTP version, status
        client, method, path, _version, status = record.args
        fields.update(
            msg="request",
            method=str(method),
            path=scrub(redact_query(str(path))),
            status=status,
            client=str(client),
        )
    else:
        fields["msg"] = scrub(record.getMessage())
    if record.exc_info:
        fields["exc"] = scrub(_PLAIN.formatException(record.exc_info))
    return fields


class _StructuredFormatter(logging.Formatter):
    def __init__(self, use_colors: bool | None = None) -> None:
        # uvicorn may pass use_colors to the formatters it configures; structured lines have none.
        super().__init__()


class JsonFormatter(_StructuredFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(record_fields(record), default=str, ensure_ascii=False)


class LogfmtFormatter(_StructuredFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return " ".join(
            f"{key}={logfmt_value(value)}" for key, value in record_fields(record).items()
        )


def logfmt_value(value: object) -> str:
    text = str(value)
    if text and not re.search(r'[\s"=]', text):
        return text
    return json.dumps(text, ensure_ascii=False)


def logging_config(level: str = "info", fmt: str = "json") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the CLI and for uvicorn (which applies it in every
    worker process too)."""
    formatter = LogfmtFormatter if fmt == "logfmt" else JsonFormatter
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "structured",
        "stream": "ext://sys.stderr",
    }
    named = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # uvicorn sets use_colors on these two names; both map to the one formatter.
        "formatters": {
            "structured": {"()": f"{__name__}.{formatter.__name__}"},
            "default": {"()": f"{__name__}.{formatter.__name__}"},
            "access": {"()": f"{__name__}.{formatter.__name__}"},
        },
        "handlers": {"default": handler},
        "loggers": {
            "flagstaff": named,
            "uvicorn": named,
            "uvicorn.error": {"level": level.upper()},
            ACCESS_LOGGER: named,
            "alembic": {**named, "level": "WARNING"},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


def configure(level: str = "info", fmt: str = "json") -> None:
    logging.config.dictConfig(logging_config(level, fmt))
