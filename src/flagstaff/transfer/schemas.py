"""Wire formats of import and export: Unleash's exportQuerySchema, exportResultSchema,
importTogglesSchema and importTogglesValidateSchema. Unknown keys are ignored (Unleash's exports
carry more than a flag needs); a wrong type or a missing required key is a 400 before anything
runs."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import ConfigDict, Field, StrictBool, StrictStr, model_validator

from flagstaff.core.schemas import InputModel, LongText, Name, WireModel
from flagstaff.flags.constraints.schemas import ConstraintIn
from flagstaff.flags.context.schemas import LegalValueIn, LegalValueOut, SortOrder
from flagstaff.flags.features.schemas import FeatureDependencySchema
from flagstaff.flags.schemas import Id, Text
from flagstaff.flags.strategies.schemas import FeatureStrategySchema, VariantIn, VariantSchema
from flagstaff.flags.tags.schemas import TagTypeOut

# The body limit (1 MiB by default) bounds a document long before these do; they keep one list
# from being a denial of service on its own when an operator raises that limit.
MAX_ITEMS = 10_000
MAX_NAMED = 1_000

ItemName = Annotated[StrictStr, Field(min_length=1, max_length=255)]


T = TypeVar("T")
Many = Annotated[list[T], Field(max_length=MAX_ITEMS)]


class ExportQueryIn(InputModel):
    # Unleash's anyOf, stated for the document; the validator below enforces it.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"type": kind}}}
                for name, kind in (("features", "array"), ("tag", "string"), ("project", "string"))
            ]
        }
    )

    environment: Annotated[StrictStr, Field(max_length=100)]
    features: Annotated[list[ItemName], Field(max_length=MAX_NAMED)] | None = None
    tag: Annotated[StrictStr, Field(max_length=511)] | None = None
    project: Annotated[StrictStr, Field(max_length=100)] | None = None
    download_file: StrictBool | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> ExportQueryIn:
        # Unleash's anyOf: the flags are chosen by name, by tag or by project.
        if self.features is None and self.tag is None and self.project is None:
            raise ValueError("give `features`, `tag` or `project` to choose the flags to export")
        return self


class FeatureIn(InputModel):
    name: Name
    type: StrictStr | None = None
    description: LongText | None = None
    project: StrictStr | None = None
    stale: StrictBool | None = None
    impression_data: StrictBool | None = None
    archived: StrictBool | None = None


class FeatureStrategyIn(InputModel):
    name: Name
    id: StrictStr | None = None
    feature_name: Name | None = None
    title: Name | None = None
    disabled: StrictBool | None = None
    sort_order: SortOrder | None = None
    parameters: dict[StrictStr, Text] = {}
    constraints: Many[ConstraintIn] = []
    variants: Many[VariantIn] = []
    segments: Many[Id] = []


class FeatureEnvironmentIn(InputModel):
    # Unleash's export puts the flag's name in ``name`` as well as in ``featureName``.
    name: Name
    enabled: StrictBool
    feature_name: Name | None = None
    environment: StrictStr | None = None
    variants: Many[VariantIn] = []

    @property
    def flag(self) -> str:
        return self.feature_name or self.name


class ContextFieldIn(InputModel):
    name: Name
    description: LongText | None = None
    stickiness: StrictBool | None = None
    sort_order: SortOrder | None = None
    legal_values: Many[LegalValueIn] = []
    project: StrictStr | None = None


class FeatureTagIn(InputModel):
    feature_name: Name
    tag_value: Name
    tag_type: Name | None = None


class SegmentRefIn(InputModel):
    id: Id
    name: Name


class TagTypeIn(InputModel):
    name: Name
    description: LongText | None = None
    icon: Name | None = None


class ParentIn(InputModel):
    feature: Name
    enabled: StrictBool | None = None
    variants: Many[Name] | None = None


class DependenciesIn(InputModel):
    feature: Name
    dependencies: Many[ParentIn]


class ExportDocumentIn(InputModel):
    features: Many[FeatureIn]
    feature_strategies: Many[FeatureStrategyIn]
    tag_types: Many[TagTypeIn] = []
    feature_environments: Many[FeatureEnvironmentIn] = []
    context_fields: Many[ContextFieldIn] = []
    feature_tags: Many[FeatureTagIn] = []
    segments: Many[SegmentRefIn] = []
    dependencies: Many[DependenciesIn] = []
    # Flagstaff stores no flag links; they are read only to be reported as skipped.
    links: Many[dict[StrictStr, Any]] = []


class ImportIn(InputModel):
    project: Annotated[StrictStr, Field(max_length=100)]
    environment: Annotated[StrictStr, Field(max_length=100)]
    data: ExportDocumentIn


# What export and validation answer


class ExportedFeatureSchema(WireModel):
    """A flag as exported: its own fields, without when it was created."""

    name: str
    description: str | None
    type: str
    project: str
    stale: bool
    impression_data: bool
    archived: bool


class ExportedFeatureEnvironmentSchema(WireModel):
    """A flag in the exported environment."""

    name: str = Field(description="The flag's name again, as Unleash's export has it")
    feature_name: str
    environment: str
    enabled: bool
    variants: list[VariantSchema]


class ExportedContextFieldSchema(WireModel):
    """A context field the exported strategies or variants name."""

    name: str
    description: str | None
    stickiness: bool
    sort_order: int
    legal_values: list[LegalValueOut]
    project: str | None = Field(default=None, description="Only on a project's own field")


class FeatureTagSchema(WireModel):
    """A tag on an exported flag."""

    feature_name: str
    tag_type: str
    tag_value: str


class ExportedSegmentSchema(WireModel):
    """A segment the exported strategies use (its constraints are not exported)."""

    id: int
    name: str


class FeatureDependenciesSchema(WireModel):
    """An exported flag and the parents it depends on."""

    feature: str
    dependencies: list[FeatureDependencySchema]


class ExportResultSchema(WireModel):
    """Flags as one environment sees them, with what an import needs to recreate them."""

    features: list[ExportedFeatureSchema]
    feature_strategies: list[FeatureStrategySchema]
    feature_environments: list[ExportedFeatureEnvironmentSchema]
    context_fields: list[ExportedContextFieldSchema]
    feature_tags: list[FeatureTagSchema]
    segments: list[ExportedSegmentSchema]
    tag_types: list[TagTypeOut]
    dependencies: list[FeatureDependenciesSchema]
    links: list[dict[str, Any]] = Field(description="Always empty: Flagstaff keeps no flag links")


class ImportTogglesValidateItemSchema(WireModel):
    """A problem an import would meet, and what it concerns."""

    message: str
    affected_items: list[str]


class ImportTogglesValidateSchema(WireModel):
    """What importing the document would meet: errors stop it, warnings do not, and the
    permissions the caller lacks."""

    errors: list[ImportTogglesValidateItemSchema]
    warnings: list[ImportTogglesValidateItemSchema]
    permissions: list[ImportTogglesValidateItemSchema]
