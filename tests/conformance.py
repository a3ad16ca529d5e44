"""Every answer the shared test app gives is held to the OpenAPI document (/docs/openapi.json).

The suite's thousands of requests carry data in place, which a fuzzer's mostly empty lists and
refusals do not: so the check sits in front of the app every API test uses, as its outermost
middleware. For each answer of a FastAPI route it checks that

- the status is declared on the operation;
- a JSON body matches the declared schema, *closed*: an object schema that lists properties and
  says nothing of others is read as ``additionalProperties: false``, so a key the server sends
  and the document does not name fails here (a generated client would drop it).

A schema that is only ``object`` with ``additionalProperties: true`` (a handler without a
response model) passes anything; ``LOOSE`` counts them so a test can hold the number down.

A failure raises in the app, so the TestClient raises it in the test that made the request.
"""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

from fastapi import FastAPI
from jsonschema import Draft202012Validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flagstaff.metrics.requests import SCOPE_KEY

JSON_TYPES = ("application/json",)


class ConformanceError(AssertionError):
    """An answer the document does not describe."""


def closed(schema: Any) -> Any:
    """``schema`` with every object that lists properties closed to others."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value) for key, value in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


class Document:
    """Validators for (template, method, status), built on first use from the app's document."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._document: dict[str, Any] | None = None
        self._validators: dict[tuple[str, str, int], Draft202012Validator | None] = {}

    def operation(self, template: str, method: str) -> dict[str, Any] | None:
        if self._document is None:
            self._document = deepcopy(self._app.openapi())
            self._document["components"] = closed(self._document.get("components", {}))
        item = self._document["paths"].get(template)
        if item is None:
            return None
        found: dict[str, Any] | None = item.get(method.lower())
        return found

    def validator(self, template: str, method: str, status: int) -> Draft202012Validator | None:
        key = (template, method, status)
        if key not in self._validators:
            self._validators[key] = self._build(template, method, status)
        return self._validators[key]

    def _build(self, template: str, method: str, status: int) -> Draft202012Validator | None:
        operation = self.operation(template, method)
        assert operation is not None
        content = operation["responses"][str(status)].get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if not schema:
            return None
        assert self._document is not None
        return Draft202012Validator({**closed(schema), "components": self._document["components"]})


class Conformance:
    """ASGI middleware: checks each answer of a FastAPI route against ``document``."""

    def __init__(self, app: ASGIApp, document: Document) -> None:
        self.app = app
        self.document = document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer: dict[str, Any] = {"body": []}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = dict(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answer["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, recording_send)
        routed = scope.get(SCOPE_KEY)
        route = routed[0].get("route") if routed and routed[0] is not None else None
        template = getattr(route, "path_format", None)
        if template is None or "status" not in answer:
            return  # not a FastAPI route (pages, mounts, the Client API's fast path)
        self.check(template, scope["method"], answer)

    def check(self, template: str, method: str, answer: dict[str, Any]) -> None:
        operation = self.document.operation(template, method)
        if operation is None:
            return  # left out of the document (the web pages)
        status: int = answer["status"]
        where = f"{method} {template} answered {status}"
        if str(status) not in operation["responses"]:
            declared = ", ".join(sorted(operation["responses"]))
            raise ConformanceError(f"{where}, which the document does not declare ({declared})")
        content_type = answer["headers"].get(b"content-type", b"").decode()
        if not content_type.startswith(JSON_TYPES):
            return
        validator = self.document.validator(template, method, status)
        if validator is None:
            return
        body = json.loads(b"".join(answer["body"]) or b"null")
        errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
        if errors:
            problems = "; ".join(
                f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:300]}"
                for error in errors[:5]
            )
            raise ConformanceError(f"{where}, a body the document does not describe: {problems}")


def check_answers(app: FastAPI) -> None:
    """Puts ``Conformance`` outermost in ``app``'s middleware (before its first request)."""
    app.add_middleware(Conformance, document=Document(app))
