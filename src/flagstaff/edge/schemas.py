"""Wire formats of /edge/validate: Unleash's tokenStringListSchema and
validatedEdgeTokensSchema."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from flagstaff.core.schemas import InputModel, WireModel

MAX_TOKENS = 1000  # one Edge instance's tokens; more is not a deployment, it is a search
MAX_TOKEN_LENGTH = 1024
TokenText = Annotated[str, StringConstraints(strict=True, max_length=MAX_TOKEN_LENGTH)]


class TokenStringListIn(InputModel):
    tokens: Annotated[list[TokenText], Field(max_length=MAX_TOKENS)]


class EdgeTokenOut(WireModel):
    token: str
    type: str
    projects: list[str]
    environment: str


class ValidatedEdgeTokensOut(WireModel):
    tokens: list[EdgeTokenOut]
