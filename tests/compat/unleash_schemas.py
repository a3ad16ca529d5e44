"""Responses checked against Unleash 8.2's OpenAPI document: the operation's response schema,
converted from OpenAPI 3.0 to JSON Schema (``nullable``), with ``additionalProperties: false``
honoured. Keys Flagstaff adds on purpose are listed in ``EXTENSION_KEYS`` with the reason, and
in docs/extensions.md."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

EXTRACT = Path(__file__).with_name("unleash_response_schemas.json")


@functools.cache
def extract() -> dict[str, Any]:
    """The 2xx response schemas of Unleash 8.2's document (scripts/unleash-response-schemas)."""
    loaded: dict[str, Any] = json.loads(EXTRACT.read_text())
    return loaded


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's ``null`` type; the rest as it is."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "example"}
    if converted.pop("nullable", False) is True:
        if "type" in converted:
            kind = converted["type"]
            converted["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _allowing(node: Any, extra: frozenset[str]) -> Any:
    """The schema with ``extra`` keys allowed (any value) in every closed object."""
    if isinstance(node, list):
        return [_allowing(item, extra) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _allowing(value, extra) for key, value in node.items()}
    if converted.get("additionalProperties") is False:
        named = converted.get("properties", {})
        converted["properties"] = {**{key: {} for key in extra}, **named}
    return converted


@functools.cache
def _components(extra: frozenset[str]) -> dict[str, Any]:
    schemas = _allowing(_json_schema(extract()["schemas"]), extra)
    return {"schemas": schemas}


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The schema of that answer, or None when Unleash documents no JSON body for it."""
    answers = extract()["paths"][path][method]
    schema: dict[str, Any] | None = answers.get(str(status))
    return None if schema is None else _json_schema(schema)


def problems(
    method: str, path: str, status: int, body: Any, extra: frozenset[str] = frozenset()
) -> list[str]:
    """What in ``body`` breaks the operation's documented response for ``status``; keys in
    ``extra`` are allowed in any object beyond what the schema names."""
    schema = response_schema(method, path, status)
    if schema is None:
        return []
    validator = Draft7Validator({**_allowing(schema, extra), "components": _components(extra)})
    return [_describe(error) for error in validator.iter_errors(body)]


def _describe(error: ValidationError) -> str:
    if error.context:  # anyOf or oneOf: the branch that came closest
        error = best_match(error.context) or error
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator == "type":
        sent = "null" if error.instance is None else type(error.instance).__name__
        return f"{where}: {sent} where the schema says {error.validator_value}"
    return f"{where}: {error.message[:300]}"
