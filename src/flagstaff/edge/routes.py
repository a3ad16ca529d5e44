"""What Unleash Edge asks of its upstream (/edge/validate).

Edge calls ``/edge/validate`` without credentials (Unleash's route is public), so the route
sits on ``public_router``, which the SDK plugin includes without the authentication
dependency; ``router`` (authenticated) is kept for Edge endpoints that need a caller."""

from __future__ import annotations

from fastapi import APIRouter

from flagstaff.edge.schemas import TokenStringListIn, ValidatedEdgeTokensOut
from flagstaff.edge.service import valid_tokens
from flagstaff.http.deps import ContextDep

router = APIRouter(tags=["Edge"])
public_router = APIRouter(tags=["Edge"])


@public_router.post(
    "/edge/validate",
    operation_id="getValidTokens",
    response_model=ValidatedEdgeTokensOut,
    response_model_by_alias=True,
)
async def validate_tokens(body: TokenStringListIn, context: ContextDep) -> ValidatedEdgeTokensOut:
    """The API tokens among those given that are valid now, with their type, projects and
    environment. Holding a token's secret is what it takes to learn about it."""
    return ValidatedEdgeTokensOut(tokens=await valid_tokens(context.resolver, body.tokens))
