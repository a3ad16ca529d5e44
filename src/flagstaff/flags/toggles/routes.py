"""A flag in one environment: on/off and variants (per environment and the legacy flag-wide)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags import lookup
from flagstaff.flags.deps import Environment, FeatureName, ProjectId, ToggleDep
from flagstaff.flags.features.schemas import FeatureEnvironmentSchema, PushVariantsIn
from flagstaff.flags.features.views import feature_environment_json
from flagstaff.flags.schemas import PatchOperationIn, dumped
from flagstaff.flags.strategies.schemas import FeatureVariantsSchema, VariantIn
from flagstaff.flags.toggles.service import ToggleService
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep, require
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

FEATURE_PATH = "/api/admin/projects/{projectId}/features/{featureName}"
ENV_PATH = FEATURE_PATH + "/environments/{environment}"
EnvVariantsDep = Annotated[
    Principal,
    Depends(
        require(
            Permission.UPDATE_FEATURE_ENVIRONMENT_VARIANTS,
            project_param="projectId",
            env_param="environment",
        )
    ),
]
VARIANTS = answers(FeatureVariantsSchema)
VariantsDep = Annotated[
    Principal, Depends(require(Permission.UPDATE_FEATURE_VARIANTS, project_param="projectId"))
]


@router.get(
    ENV_PATH, operation_id="getFeatureEnvironment", responses=answers(FeatureEnvironmentSchema)
)
def get_feature_environment(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    _: AnyAccountDep,
    db: SessionDep,
) -> dict[str, Any]:
    feature, feature_env = ToggleService(db).feature_environment(
        project_id, feature_name, environment
    )
    strategies = lookup.strategies(db, feature_name, environment)
    return feature_environment_json(feature, feature_env, strategies)


def _toggle_route(enabled: bool) -> Any:
    def toggle(
        project_id: ProjectId,
        feature_name: FeatureName,
        environment: Environment,
        actor: ActorDep,
        _: ToggleDep,
        db: SessionDep,
    ) -> Response:
        ToggleService(db).set_enabled(actor, project_id, feature_name, environment, enabled)
        return Response(status_code=200)

    return toggle


for _state, _enabled in (("On", True), ("Off", False)):
    router.post(ENV_PATH + "/" + _state.lower(), operation_id="toggleFeatureEnvironment" + _state)(
        _toggle_route(_enabled)
    )


def _variants_body(variants: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": 1, "variants": variants}


@router.get(
    ENV_PATH + "/variants", operation_id="getEnvironmentFeatureVariants", responses=VARIANTS
)
def get_environment_variants(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    _: AnyAccountDep,
    db: SessionDep,
) -> dict[str, Any]:
    service = ToggleService(db)
    return _variants_body(service.environment_variants(project_id, feature_name, environment))


@router.put(
    ENV_PATH + "/variants", operation_id="overwriteEnvironmentFeatureVariants", responses=VARIANTS
)
def put_environment_variants(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    body: list[VariantIn],
    actor: ActorDep,
    _: EnvVariantsDep,
    db: SessionDep,
) -> dict[str, Any]:
    variants = ToggleService(db).replace_environment_variants(
        actor, project_id, feature_name, environment, dumped(body)
    )
    return _variants_body(variants)


@router.patch(
    ENV_PATH + "/variants", operation_id="patchEnvironmentsFeatureVariants", responses=VARIANTS
)
def patch_environment_variants(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    body: list[PatchOperationIn],
    actor: ActorDep,
    _: EnvVariantsDep,
    db: SessionDep,
) -> dict[str, Any]:
    variants = ToggleService(db).patch_environment_variants(
        actor, project_id, feature_name, environment, [op.as_operation() for op in body]
    )
    return _variants_body(variants)


@router.get(FEATURE_PATH + "/variants", operation_id="getFeatureVariants", responses=VARIANTS)
def get_feature_variants(
    project_id: ProjectId, feature_name: FeatureName, _: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return _variants_body(ToggleService(db).feature_variants(project_id, feature_name))


@router.put(FEATURE_PATH + "/variants", operation_id="overwriteFeatureVariants", responses=VARIANTS)
def put_feature_variants(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: list[VariantIn],
    actor: ActorDep,
    _: VariantsDep,
    db: SessionDep,
) -> dict[str, Any]:
    service = ToggleService(db)
    return _variants_body(
        service.set_feature_variants(actor, project_id, feature_name, dumped(body))
    )


@router.patch(FEATURE_PATH + "/variants", operation_id="patchFeatureVariants", responses=VARIANTS)
def patch_feature_variants(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: list[PatchOperationIn],
    actor: ActorDep,
    _: VariantsDep,
    db: SessionDep,
) -> dict[str, Any]:
    variants = ToggleService(db).patch_feature_variants(
        actor, project_id, feature_name, [op.as_operation() for op in body]
    )
    return _variants_body(variants)


@router.put(
    FEATURE_PATH + "/variants-batch",
    operation_id="overwriteFeatureVariantsOnEnvironments",
    responses=VARIANTS,
)
def put_variants_batch(
    project_id: ProjectId,
    feature_name: FeatureName,
    body: PushVariantsIn,
    actor: ActorDep,
    _: VariantsDep,
    db: SessionDep,
) -> dict[str, Any]:
    variants = ToggleService(db).set_feature_variants(
        actor, project_id, feature_name, dumped(body.variants), body.environments
    )
    return _variants_body(variants)
