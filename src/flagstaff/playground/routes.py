"""The playground: evaluate flags for a context through the Admin API.

Open to every account (Unleash's ``NONE`` permission; there are no private projects here) and
to admin API tokens; SDK tokens are the wrong kind. Nothing is written, so no transaction.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from flagstaff.client_api.state import client_api_state
from flagstaff.core.schemas import answers
from flagstaff.http.deps import AnyAccountDep, ContextDep
from flagstaff.playground import context as playground_context
from flagstaff.playground.schemas import (
    AdvancedPlaygroundIn,
    AdvancedPlaygroundResponseSchema,
    PlaygroundIn,
    PlaygroundResponseSchema,
)
from flagstaff.playground.service import PlaygroundService

router = APIRouter(tags=["Playground"])


def _projects(given: str | list[str] | None) -> list[str] | None:
    return None if given is None or given == "*" else list(dict.fromkeys(given))


def _input(
    body: PlaygroundIn | AdvancedPlaygroundIn, checked: playground_context.CheckedContext
) -> dict[str, Any]:
    """The request as evaluated, as Unleash echoes it: the context's values as text."""
    return {**body.model_dump(by_alias=True, exclude_unset=True), "context": checked.fields}


def _service(app: ContextDep) -> PlaygroundService:
    return PlaygroundService(app.database, client_api_state(app).payloads.get)


@router.post(
    "/api/admin/playground",
    operation_id="getPlayground",
    responses=answers(PlaygroundResponseSchema),
)
def get_playground(body: PlaygroundIn, _: AnyAccountDep, app: ContextDep) -> dict[str, Any]:
    checked = playground_context.check(body.context, lenient=False)
    features = _service(app).evaluate(_projects(body.projects), body.environment, checked)
    return {"input": _input(body, checked), "features": features}


@router.post(
    "/api/admin/playground/advanced",
    operation_id="getAdvancedPlayground",
    responses=answers(AdvancedPlaygroundResponseSchema),
)
def get_advanced_playground(
    body: AdvancedPlaygroundIn, _: AnyAccountDep, app: ContextDep
) -> dict[str, Any]:
    checked = playground_context.check(body.context, lenient=True)
    features = _service(app).evaluate_advanced(_projects(body.projects), body.environments, checked)
    response: dict[str, Any] = {"input": _input(body, checked), "features": features}
    if checked.removed:
        response["warnings"] = {"invalidContextProperties": checked.removed}
    return response
