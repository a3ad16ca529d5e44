"""Request bodies of the playground (Unleash's playgroundRequestSchema and
advancedPlaygroundRequestSchema), and its answers. The context is checked by ``context.py``,
which knows which values Unleash accepts, coerces or drops; the document states the same rules."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema

from flagstaff.core.schemas import InputModel, WireModel
from flagstaff.flags.constraints.schemas import ConstraintSchema
from flagstaff.flags.strategies.schemas import VariantPayloadSchema, VariantSchema
from flagstaff.playground.context import KNOWN

MAX_PROJECTS = 1_000
MAX_ENVIRONMENTS = 100
EnvironmentName = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9~_.-]+$"),
]
ProjectName = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
Projects = Literal["*"] | Annotated[list[ProjectName], Field(max_length=MAX_PROJECTS)]

# A number or a boolean counts as its text, as in Unleash.
_SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}


def _context_schema(others: dict[str, Any] | bool) -> dict[str, Any]:
    """Unleash's sdkContextSchema as ``context.check`` reads it; ``others``: what a field
    outside the known ones may hold."""
    known = dict.fromkeys(KNOWN, _SCALAR)
    return {
        "type": "object",
        "required": ["appName"],
        "properties": {
            **known,
            "appName": {
                "anyOf": [{"type": "string", "minLength": 1}, {"type": ["number", "boolean"]}]
            },
            "currentTime": {"type": "string", "format": "date-time"},
            "properties": {"type": "object", "additionalProperties": _SCALAR},
        },
        "additionalProperties": others,
    }


class PlaygroundIn(InputModel):
    environment: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
    projects: Projects | None = None
    context: Annotated[dict[str, Any], WithJsonSchema(_context_schema(_SCALAR))]


class AdvancedPlaygroundIn(InputModel):
    environments: Annotated[list[EnvironmentName], Field(min_length=1, max_length=MAX_ENVIRONMENTS)]
    projects: Projects | None = None
    # Other fields that are not text are dropped, and named in the answer's warnings.
    context: Annotated[dict[str, Any], WithJsonSchema(_context_schema(True))]


# The answers


class SdkContextSchema(WireModel):
    """The context as evaluated: every value as text."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": {"type": "string"}})

    app_name: str
    environment: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    remote_address: str | None = None
    current_time: str | None = None
    properties: dict[str, str] | None = None


class PlaygroundRequestSchema(WireModel):
    """The request as evaluated."""

    environment: str
    projects: Literal["*"] | list[str] | None = None
    context: SdkContextSchema


class AdvancedPlaygroundRequestSchema(WireModel):
    """The advanced request as evaluated."""

    environments: list[str]
    projects: Literal["*"] | list[str] | None = None
    context: SdkContextSchema


class PlaygroundConstraintSchema(ConstraintSchema):
    """A constraint and whether the context satisfies it."""

    result: bool


class PlaygroundSegmentSchema(WireModel):
    """A segment and whether the context satisfies all its constraints."""

    id: int
    name: str
    result: bool
    constraints: list[PlaygroundConstraintSchema]


class PlaygroundStrategyVariantSchema(WireModel):
    """The variant a strategy gives."""

    name: str
    enabled: bool
    payload: VariantPayloadSchema | None = None


class PlaygroundStrategyResultSchema(WireModel):
    """Whether a strategy is on for the context, or ``unknown`` where it cannot be told."""

    enabled: bool | Literal["unknown"]
    evaluation_status: Literal["complete", "incomplete", "unevaluated"]
    variant: PlaygroundStrategyVariantSchema | None = None
    variants: list[VariantSchema] | None = Field(
        default=None, description="The strategy's variants, when it is on and has some"
    )


class PlaygroundStrategyLinksSchema(WireModel):
    """Where Unleash's UI edits the strategy."""

    edit: str


class PlaygroundStrategySchema(WireModel):
    """One of the flag's strategies and how it evaluates."""

    name: str
    id: str
    title: str | None = None
    disabled: bool
    parameters: dict[str, str]
    result: PlaygroundStrategyResultSchema
    constraints: list[PlaygroundConstraintSchema]
    segments: list[PlaygroundSegmentSchema]
    links: PlaygroundStrategyLinksSchema


class PlaygroundStrategiesSchema(WireModel):
    """The flag's strategies, and what they come to together."""

    result: bool | Literal["unknown"]
    data: list[PlaygroundStrategySchema]


class PlaygroundVariantSchema(WireModel):
    """The variant the flag gives the context (``disabled`` when the flag is off)."""

    name: str
    enabled: bool
    payload: VariantPayloadSchema | None = None
    # Both spellings, as Unleash sends them.
    feature_enabled_snake: bool = Field(alias="feature_enabled")
    feature_enabled: bool | None = Field(
        default=None, description="Left out for a variant that a strategy chose"
    )


class PlaygroundFeatureSchema(WireModel):
    """A flag evaluated for the context."""

    name: str
    project_id: str
    is_enabled: bool
    is_enabled_in_current_environment: bool
    has_unsatisfied_dependency: bool
    variant: PlaygroundVariantSchema
    variants: list[VariantSchema]
    strategies: PlaygroundStrategiesSchema


class PlaygroundResponseSchema(WireModel):
    """Each flag of the chosen projects, evaluated in one environment for the context."""

    input: PlaygroundRequestSchema
    features: list[PlaygroundFeatureSchema]


class AdvancedPlaygroundEnvironmentFeatureSchema(PlaygroundFeatureSchema):
    """A flag evaluated in one environment for one combination of the context's values."""

    environment: str
    context: dict[str, str] = Field(description="The combination, properties beside the rest")


class AdvancedPlaygroundFeatureSchema(WireModel):
    """A flag's results, per environment."""

    name: str
    project_id: str
    environments: dict[str, list[AdvancedPlaygroundEnvironmentFeatureSchema]]


class PlaygroundWarningsSchema(WireModel):
    """Context fields left out of the evaluation."""

    invalid_context_properties: list[str]


class AdvancedPlaygroundResponseSchema(WireModel):
    """Each flag, per environment, for every combination of the context's comma-separated
    values."""

    input: AdvancedPlaygroundRequestSchema
    features: list[AdvancedPlaygroundFeatureSchema]
    warnings: PlaygroundWarningsSchema | None = None
