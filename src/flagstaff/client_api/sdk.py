"""What the SDK-facing endpoints share: a request as plain data, a reply as bytes, and token
checks that read the resolver's cache on the event loop (only a miss goes to a worker thread)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from flagstaff.core.errors import FlagstaffError, UnauthorizedError, WrongTokenTypeError
from flagstaff.core.http_errors import error_body, status_for
from flagstaff.credentials.resolver import resolve_token
from flagstaff.http.context import AppContext
from flagstaff.http.deps import bearer
from flagstaff.rbac.principal import Principal

NEEDS_API_KEY = (
    "This endpoint requires an API token. Please add an authorization header to your request "
    "with a valid token"
)
JSON = (b"content-type", b"application/json; charset=utf-8")


# Plain (not frozen) slotted classes: a frozen dataclass pays an object.__setattr__ per field,
# and these are built for every SDK request.
@dataclass(slots=True)
class SdkRequest:
    method: str
    path: str
    headers: Mapping[bytes, bytes]  # lower-case names
    query_string: bytes = b""
    body: bytes = b""
    client_ip: str | None = None

    def header(self, name: bytes) -> str | None:
        value = self.headers.get(name)
        return value.decode("latin-1") if value is not None else None


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    sized: bool = False  # the headers already carry content-length (shared, never mutated)


def json_reply(
    status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> Reply:
    return Reply(status, orjson.dumps(payload), [JSON, *(headers or [])])


def error_reply(error: FlagstaffError) -> Reply:
    status = status_for(error)
    headers = [(b"www-authenticate", b"Bearer")] if status == 401 else []
    return json_reply(status, error_body(error.name, error.message, error.details), headers)


def validation_reply(error: ValidationError) -> Reply:
    """Unleash's 400 for a body that does not match the schema, naming each problem."""
    details = []
    for problem in error.errors(include_input=False, include_url=False):
        location = [str(part) for part in problem.get("loc", ())]
        path = "/" + "/".join(["body", *location])
        if problem["type"] == "missing":
            message = f"The `{path}` property is required. It was not present on the data you sent."
        elif problem["type"] == "json_invalid":
            message = "The request body is not valid JSON."
            path = "/body"
        else:
            message = f"The `{path}` property is invalid: {problem['msg']}."
        details.append({"message": message, "path": path})
    return json_reply(
        400,
        error_body(
            "BadDataError",
            "Request validation failed: your request body or params contain invalid data. "
            "Refer to the `details` list for more information.",
            details,
        ),
    )


async def sdk_principal(context: AppContext, authorization: str | None, wanted: str) -> Principal:
    """The caller, if it holds an API token of the ``wanted`` type; else the error Unleash
    gives: 401 without a valid token, 403 for any other kind of credential."""
    if not authorization:
        raise UnauthorizedError(NEEDS_API_KEY)
    token = bearer(authorization)
    principal = await resolve_token(context.resolver, token)
    if not isinstance(principal, Principal):
        raise UnauthorizedError(NEEDS_API_KEY)
    if principal.api_scope is None or principal.api_scope.type != wanted:
        raise WrongTokenTypeError()
    return principal
