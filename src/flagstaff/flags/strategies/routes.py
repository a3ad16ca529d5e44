"""A flag's activation strategies in one environment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.flags.constraints.schemas import ConstraintIn
from flagstaff.flags.constraints.validation import validate_constraint
from flagstaff.flags.deps import Environment, FeatureName, ProjectId, StrategyId, env_permission
from flagstaff.flags.schemas import PatchOperationIn, dumped
from flagstaff.flags.strategies.schemas import FeatureStrategySchema, SortOrderIn, StrategyIn
from flagstaff.flags.strategies.service import StrategyInput, StrategyService, strategy_json
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.principal import Principal

router = APIRouter(route_class=TransactionalRoute, tags=["Features"])

STRATEGIES = (
    "/api/admin/projects/{projectId}/features/{featureName}/environments/{environment}/strategies"
)
ONE = STRATEGIES + "/{strategyId}"
ONE_STRATEGY = answers(FeatureStrategySchema)


CreateDep = Annotated[Principal, env_permission(Permission.CREATE_FEATURE_STRATEGY)]
UpdateDep = Annotated[Principal, env_permission(Permission.UPDATE_FEATURE_STRATEGY)]
DeleteDep = Annotated[Principal, env_permission(Permission.DELETE_FEATURE_STRATEGY)]


def strategy_input(body: StrategyIn) -> StrategyInput:
    return StrategyInput(
        name=body.name,
        title=body.title,
        disabled=body.disabled,
        sort_order=body.sort_order,
        parameters=dict(body.parameters),
        constraints=dumped(body.constraints),
        variants=dumped(body.variants),
        segments=list(body.segments),
        keep_segments="segments" not in body.model_fields_set,
    )


@router.post("/api/admin/constraints/validate", operation_id="validateConstraint")
def validate_one_constraint(body: ConstraintIn, _: AnyAccountDep) -> Response:
    validate_constraint(dumped([body])[0])
    return Response(status_code=204)


@router.get(
    STRATEGIES,
    operation_id="getFeatureStrategies",
    responses=answers(list[FeatureStrategySchema]),
)
def get_strategies(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    _: AnyAccountDep,
    db: SessionDep,
) -> list[dict[str, Any]]:
    strategies = StrategyService(db).all(project_id, feature_name, environment)
    return [strategy_json(s) for s in strategies]


@router.post(STRATEGIES, operation_id="addFeatureStrategy", responses=ONE_STRATEGY)
def add_strategy(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    body: StrategyIn,
    actor: ActorDep,
    _: CreateDep,
    db: SessionDep,
) -> dict[str, Any]:
    strategy = StrategyService(db).add(
        actor, project_id, feature_name, environment, strategy_input(body)
    )
    return strategy_json(strategy)


@router.post(STRATEGIES + "/set-sort-order", operation_id="setStrategySortOrder")
def set_sort_order(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    body: list[SortOrderIn],
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> Response:
    orders = [(item.id, item.sort_order) for item in body]
    StrategyService(db).set_sort_order(actor, project_id, feature_name, environment, orders)
    return Response(status_code=200)


@router.get(ONE, operation_id="getFeatureStrategy", responses=ONE_STRATEGY)
def get_strategy(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    strategy_id: StrategyId,
    _: AnyAccountDep,
    db: SessionDep,
) -> dict[str, Any]:
    service = StrategyService(db)
    return strategy_json(service.get(project_id, feature_name, environment, strategy_id))


@router.put(ONE, operation_id="updateFeatureStrategy", responses=ONE_STRATEGY)
def update_strategy(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    strategy_id: StrategyId,
    body: StrategyIn,
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> dict[str, Any]:
    strategy = StrategyService(db).update(
        actor, project_id, feature_name, environment, strategy_id, strategy_input(body)
    )
    return strategy_json(strategy)


@router.patch(ONE, operation_id="patchFeatureStrategy", responses=ONE_STRATEGY)
def patch_strategy(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    strategy_id: StrategyId,
    body: list[PatchOperationIn],
    actor: ActorDep,
    _: UpdateDep,
    db: SessionDep,
) -> dict[str, Any]:
    strategy = StrategyService(db).patch(
        actor,
        project_id,
        feature_name,
        environment,
        strategy_id,
        [op.as_operation() for op in body],
    )
    return strategy_json(strategy)


@router.delete(ONE, operation_id="deleteFeatureStrategy")
def delete_strategy(
    project_id: ProjectId,
    feature_name: FeatureName,
    environment: Environment,
    strategy_id: StrategyId,
    actor: ActorDep,
    _: DeleteDep,
    db: SessionDep,
) -> Response:
    StrategyService(db).delete(actor, project_id, feature_name, environment, strategy_id)
    return Response(status_code=200)
