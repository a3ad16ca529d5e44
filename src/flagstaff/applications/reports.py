"""What SDKs send: Unleash's clientMetricsSchema and clientApplicationSchema. Validated from the
raw bytes by pydantic-core (no per-request dict building on the hot path)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, TypeAdapter
from pydantic.alias_generators import to_camel

from flagstaff.core.db import NAME_LENGTH

MAX_COUNT = 2**53  # JSON's safe integers; more is a broken client, not traffic
# NUL is refused inside the validator (PostgreSQL cannot store it), by pattern rather than by
# InputModel's Python-level check: these bodies arrive thousands of times a second.
NO_NUL = r"^[^\x00]*$"
AppName = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=NAME_LENGTH, pattern=NO_NUL)
]
ShortText = Annotated[str, StringConstraints(strict=True, max_length=NAME_LENGTH, pattern=NO_NUL)]
FlagName = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=NAME_LENGTH, pattern=NO_NUL)
]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
# Unleash's dateSchema: an RFC 3339 date-time or a UNIX timestamp in seconds.
Moment = datetime | Annotated[StrictInt, Field(ge=0, le=2**40)]


def moment(value: datetime | int) -> datetime:
    if isinstance(value, int):
        return datetime.fromtimestamp(value, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SdkInput(BaseModel):
    """Like ``flagstaff.core.schemas.InputModel`` (strict, camelCase, unknown keys ignored)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, strict=True, extra="ignore"
    )


class ToggleCounts(SdkInput):
    yes: Count = 0
    no: Count = 0
    variants: dict[FlagName, Count] | None = None


class Bucket(SdkInput):
    start: Moment
    stop: Moment
    toggles: Annotated[dict[FlagName, ToggleCounts], Field(max_length=10_000)]


class ClientMetricsIn(SdkInput):
    app_name: AppName
    instance_id: ShortText | None = None
    environment: ShortText | None = None  # ignored: the token's environment counts
    sdk_version: ShortText | None = None
    bucket: Bucket | None = None


class ClientRegistrationIn(SdkInput):
    app_name: AppName
    instance_id: ShortText | None = None
    sdk_version: ShortText | None = None
    interval: Annotated[float, Field(ge=0, le=2**31)]
    started: Moment
    strategies: Annotated[list[ShortText], Field(max_length=1000)]


METRICS = TypeAdapter(ClientMetricsIn)
REGISTRATION = TypeAdapter(ClientRegistrationIn)


class BulkRegistration(SdkInput):
    """Unleash's bulkRegistrationSchema: an SDK that registered with Edge."""

    app_name: AppName
    instance_id: ShortText
    environment: ShortText
    interval: Annotated[float, Field(ge=0, le=2**31)] = 0
    started: Moment | None = None
    strategies: Annotated[list[ShortText], Field(max_length=1000)] = []
    sdk_version: ShortText | None = None


class BulkMetric(SdkInput):
    """Unleash's clientMetricsEnvSchema: one flag's counts in one hour."""

    feature_name: FlagName
    app_name: AppName
    environment: ShortText
    timestamp: Moment | None = None
    yes: Count = 0
    no: Count = 0
    variants: dict[FlagName, Count] | None = None


class BulkMetricsIn(SdkInput):
    """Unleash's bulkMetricsSchema, as Unleash Edge posts it to /api/client/metrics/bulk."""

    applications: Annotated[list[BulkRegistration], Field(max_length=10_000)]
    metrics: Annotated[list[BulkMetric], Field(max_length=100_000)]


BULK_METRICS = TypeAdapter(BulkMetricsIn)
