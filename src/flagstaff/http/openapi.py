"""The OpenAPI document at /docs/openapi.json, made to tell the truth about every answer.

FastAPI documents the answer a route's decorator names and nothing else. Every other answer a
Flagstaff operation can give follows from facts about its route, so they are declared here, once,
instead of in some 250 decorators:

- every request passes the API guard, which refuses a NUL in the path or query (400), a body over
  the limit (413) and, on the JSON APIs, a body that is not JSON (415);
- a route that resolves a credential answers 401 without a valid one and 403 for the wrong kind,
  a token out of scope or a missing permission;
- a path parameter names something that may not exist (404);
- anything that reads the database answers 503 while the database is unreachable, and the Admin
  API's writes answer 503 in maintenance mode;
- a handler that returns ``Response(status_code=N)`` answers N with no body (read from its source);
- an answer given a model in ``responses`` (``core.schemas.answers``) is that model alone, not
  merged with the loose ``object`` of the handler's return annotation.

Statuses only a route knows (a 409 for a name in use, a 429 from a throttle) are declared on its
decorator as ``responses={409: {"description": ...}}``; they get the error body here as well.
Every error answer is Unleash's error body, the one ``ErrorBody`` component.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import RouteContext, iter_route_contexts

from flagstaff.core.routing import BODY_METHODS
from flagstaff.http.deps import resolve_principal

ERROR_REF = "#/components/schemas/ErrorBody"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Unleash's error body: what went wrong, and each problem found in the request.",
    "required": ["id", "name", "message"],
    "properties": {
        "id": {"type": "string", "description": "Identifies this answer in the server's log."},
        "name": {"type": "string", "description": "The kind of error, e.g. NotFoundError."},
        "message": {"type": "string", "description": "What went wrong, for a person."},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "message": {"type": "string"},
                    "path": {"type": "string", "description": "Where in the request."},
                    "line": {
                        "type": "string",
                        "description": "A provisioning file's problem: the line it is on.",
                    },
                    "kind": {
                        "type": "string",
                        "enum": ["user", "serviceAccount", "project"],
                        "description": "A role in use: what holds it.",
                    },
                    "id": {"type": "string", "description": "A role in use: the holder's id."},
                    "project": {
                        "type": "string",
                        "description": "A role in use: the project it is held in.",
                    },
                },
            },
        },
        "permissions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "On a 403: the permissions the request needed.",
        },
        # On a 401, as Unleash's: where a person signs in, so its web UI shows the login form.
        "path": {"type": "string", "description": "On a 401: the login page's path."},
        "type": {"type": "string", "enum": ["password"], "description": "On a 401."},
        "defaultHidden": {"type": "boolean", "description": "On a 401."},
    },
}

DESCRIPTIONS = {
    400: "The request does not match the schema, or breaks one of the operation's rules.",
    401: "No credential, or an unknown, expired or revoked one.",
    403: "A credential of the wrong kind, out of its scope, or without the permission needed.",
    404: "Nothing is found under the path's identifiers.",
    409: "The name is in use, or the change conflicts with what is stored.",
    413: "The request body is larger than the server accepts.",
    415: "The request body is not JSON.",
    429: "Too many attempts: wait for the time in Retry-After.",
    503: "The database is not available (Retry-After), or maintenance mode refuses the write.",
}

# What only the operation knows, by operationId: a name in use or a conflicting change (409), an
# identifier in the body that names nothing (404), a wrong password (401), a throttle (429).
OPERATION_STATUSES: dict[str, set[int]] = {
    "addEnvironmentToProject": {409},
    "applyProvisioningFile": {409},
    "archiveProject": {409},
    "cloneFeature": {409},
    "createContextField": {404, 409},
    "createContextFieldForProject": {409},
    "createFeature": {409},
    "createProject": {409},
    "createRole": {409},
    "createSegment": {404, 409},
    "createServiceAccount": {409},
    "createServiceAccountToken": {409},
    "createServiceAccountTrustPolicy": {409},
    "createStrategy": {409},
    "createTag": {404, 409},
    "createTagType": {409},
    "deleteContextField": {409},
    "deleteInactiveUsers": {404},
    "disableAccountToken": {409},
    "exchangeOidcToken": {401, 429},
    "exportFeatures": {404},
    "getUserRoles": {404},
    "importToggles": {404},
    "login": {401, 429},
    "removeSegment": {409},
    "removeStrategy": {409},
    "reportLeakedTokens": {429},
    "reviveProject": {409},
    "revokeAccountTokens": {404},
    "rotateOwnToken": {409},
    "rotateServiceAccountToken": {409},
    "setServiceAccountTokenSelfRotation": {409},
    "updateFeatureStrategySegments": {404},
    "updateRole": {409},
    "updateSegment": {409},
    "updateServiceAccountTrustPolicy": {409},
    "updateSortOrder": {404},
    "validateContextFieldName": {409},
    "validateContextFieldNameForProject": {409},
    "validateFeature": {409},
    "validateImport": {404},
    "validateRole": {404, 409},
    "validateSegment": {409},
    "validateTagType": {409},
}

# Paths whose handlers resolve an SDK token themselves rather than through resolve_principal.
SDK_PREFIXES = ("/api/client/", "/api/frontend")
# Paths that answer without touching the database.
NO_DATABASE = frozenset({"/health"})


def install(app: FastAPI, *, json_prefixes: tuple[str, ...]) -> None:
    """Replace ``app.openapi`` with one that declares every answer (built once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            complete(document, app, json_prefixes)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any], app: FastAPI, json_prefixes: tuple[str, ...]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ERROR_SCHEMA
    # FastAPI's own 422 never reaches a client: validation errors are Unleash's 400.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for route in _api_routes(app):
        for method in route.methods or ():
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _complete_operation(operation, route, method, json_prefixes)


def _api_routes(app: FastAPI) -> Iterator[RouteContext]:
    """Every documented route as it is served: an included router's dependencies (the
    credential, for the authenticated routers) are part of its routes' context."""
    for route in iter_route_contexts(app.routes):
        if route.path_format is not None and route.methods and route.include_in_schema:
            yield route


def _complete_operation(
    operation: dict[str, Any], route: RouteContext, method: str, json_prefixes: tuple[str, ...]
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    _declare_empty_answers(responses, route)
    for response in responses.values():
        for media in response.get("content", {}).values():
            if "schema" in media:
                media["schema"] = _model_alone(media["schema"])
    statuses = _error_statuses(route, method, json_prefixes)
    statuses |= OPERATION_STATUSES.get(operation.get("operationId", ""), set())
    for code in sorted(statuses):
        responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
    for key, response in responses.items():
        if key.isdigit() and int(key) >= 400:
            response.setdefault("description", DESCRIPTIONS.get(int(key), "An error."))
            if "content" not in response:  # a route may give its own (``/ready``'s 503)
                response["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}


def _model_alone(schema: dict[str, Any]) -> dict[str, Any]:
    """A model in ``responses`` comes merged with the return annotation's loose ``object``
    (``{"$ref": ..., "type": "object", "additionalProperties": true}``): the model alone, or a
    list of it, describes the answer."""
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict) and "$ref" in items:
        return {"type": "array", "items": {"$ref": items["$ref"]}}
    return schema


def _error_statuses(route: RouteContext, method: str, json_prefixes: tuple[str, ...]) -> set[int]:
    path = route.path_format or ""
    statuses = {400}  # the guard's NUL refusal, whatever the route
    if method in BODY_METHODS:
        statuses.add(413)
        if path.startswith(json_prefixes):
            statuses.add(415)
    if _is_authenticated(route):
        statuses |= {401, 403}
    if route.param_convertors:
        statuses.add(404)
    if path not in NO_DATABASE:
        statuses.add(503)
    return statuses


def _is_authenticated(route: RouteContext) -> bool:
    path = route.path_format or ""
    if path.startswith(SDK_PREFIXES):
        return True
    return resolve_principal in set(_calls(route.dependant))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _declare_empty_answers(responses: dict[str, Any], route: RouteContext) -> None:
    """A handler's ``return Response(status_code=N)`` answers N with no body and no
    Content-Type; when every return is such, the decorator's status is declared only if one of
    them is it, and then without a body."""
    empty, other_returns = _empty_returns(route.endpoint)
    if not empty:
        return
    for status in empty:
        declared = responses.setdefault(str(status), {"description": "No body."})
        declared.pop("content", None)
    default = str(route.status_code or 200)
    if not other_returns and int(default) not in empty:
        responses.pop(default, None)


@cache
def _empty_returns(endpoint: Callable[..., Any]) -> tuple[frozenset[int], bool]:
    """The statuses of the endpoint's ``return Response(status_code=N)`` statements, and whether
    it has any other return."""
    function = inspect.unwrap(endpoint)
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return frozenset(), True
    names = getattr(function, "__globals__", {})
    statuses: set[int] = set()
    other = False
    for node in _own_returns(ast.parse(source).body[0]):
        status = _empty_response_status(node.value, names)
        if status is None:
            other = True
        else:
            statuses.add(status)
    return frozenset(statuses), other


def _own_returns(function: ast.AST) -> Iterator[ast.Return]:
    """The function's return statements, not those of functions defined inside it."""
    for child in ast.iter_child_nodes(function):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Return):
            yield child
        yield from _own_returns(child)


def _empty_response_status(value: ast.expr | None, names: dict[str, Any]) -> int | None:
    """N for ``Response(status_code=N)``, N a literal or a module constant; else None."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return None
    if value.func.id != "Response" or value.args:
        return None
    keywords = {keyword.arg: keyword.value for keyword in value.keywords}
    status = keywords.pop("status_code", None)
    if keywords or status is None:
        return None
    if isinstance(status, ast.Name):
        found = names.get(status.id)
    else:
        found = status.value if isinstance(status, ast.Constant) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None
