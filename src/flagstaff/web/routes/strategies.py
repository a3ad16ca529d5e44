"""Adding, editing and removing a flag's strategy in one environment, with constraints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.core.errors import FlagstaffError
from flagstaff.flags.features.service import FeatureService
from flagstaff.flags.strategies.definitions import DefinitionService
from flagstaff.flags.strategies.models import FeatureStrategy, StrategyDefinition
from flagstaff.flags.strategies.service import (
    StrategyService,
    strategy_input_from,
    strategy_json,
)
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import FormDep, Page, PageDep, PageUser, PostUser, WebUser, text
from flagstaff.web.flag_paths import ProjectId, flag_url
from flagstaff.web.forms import FormError, form_errors
from flagstaff.web.rendering import redirect
from flagstaff.web.routing import WebRoute
from flagstaff.web.strategy_form import (
    OPERATOR_CHOICES,
    ConstraintRow,
    constraint_rows,
    read_constraints,
    read_strategy,
    strategy_titles,
    submitted_values,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

Text = Annotated[str, Query(max_length=255)]
DEFAULT_STRATEGY = "flexibleRollout"


def _definitions(db: Session, current: str | None) -> dict[str, StrategyDefinition]:
    """What a new strategy may be: the definitions that are not deprecated (and the one a
    strategy already has, deprecated or not)."""
    return {d.name: d for d in DefinitionService(db).all() if not d.deprecated or d.name == current}


def _defaults(feature: str) -> dict[str, str]:
    return {"rollout": "100", "stickiness": "default", "groupId": feature}


def _form_page(
    page: Page,
    user: WebUser,
    project: str,
    feature: str,
    environment: str,
    strategy: FeatureStrategy | None,
    *,
    values: dict[str, Any] | None = None,
    constraints: list[ConstraintRow] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    current = strategy_json(strategy) if strategy else None
    chosen = (values or {}).get("strategy") or (current["name"] if current else DEFAULT_STRATEGY)
    parameters = (values or {}).get("parameters") or (
        current["parameters"] if current else _defaults(feature)
    )
    return page.render(
        "strategies/form.html",
        user,
        status=status,
        project=project,
        feature=feature,
        environment=environment,
        strategy_id=strategy.id if strategy else "",
        definitions=list(_definitions(page.db, current["name"] if current else None).values()),
        chosen=chosen,
        parameters=parameters,
        title=(values or {}).get("title", current["title"] if current else "") or "",
        disabled=(values or {}).get("disabled", current["disabled"] if current else False),
        constraints=constraints
        if constraints is not None
        else constraint_rows(current["constraints"] if current else []),
        operators=OPERATOR_CHOICES,
        errors=errors or {},
        back=flag_url(project, feature),
    )


def _permission(strategy_id: str) -> Permission:
    return Permission.UPDATE_FEATURE_STRATEGY if strategy_id else Permission.CREATE_FEATURE_STRATEGY


@router.get("/projects/{project_id}/strategy")
def strategy_form(
    page: PageDep,
    project_id: ProjectId,
    user: PageUser,
    feature: Text,
    environment: Text,
    id: Text = "",
) -> Response:
    user.require(_permission(id), project_id, environment)
    FeatureService(page.db).get(project_id, feature)
    strategy = StrategyService(page.db).get(project_id, feature, environment, id) if id else None
    return _form_page(page, user, project_id, feature, environment, strategy)


@router.post("/projects/{project_id}/strategy")
def save_strategy(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    feature = text(form, "feature", strip=False)
    environment = text(form, "environment")
    strategy_id = text(form, "id")
    user.require(_permission(strategy_id), project_id, environment)
    service = StrategyService(page.db)
    existing = service.get(project_id, feature, environment, strategy_id) if strategy_id else None
    keep = strategy_input_from(strategy_json(existing)) if existing else None
    try:
        given = read_strategy(form, _definitions(page.db, keep.name if keep else None), keep)
        if existing is not None:
            service.update(user.actor, project_id, feature, environment, strategy_id, given)
        else:
            service.add(user.actor, project_id, feature, environment, given)
    except (FormError, FlagstaffError) as problem:
        page.db.rollback()
        existing = (
            service.get(project_id, feature, environment, strategy_id) if strategy_id else None
        )
        return _form_page(
            page,
            user,
            project_id,
            feature,
            environment,
            existing,
            values=submitted_values(form),
            constraints=constraint_rows(read_constraints(form)),
            errors=form_errors(problem),
            status=400,
        )
    verb = "updated" if existing is not None else "added"
    return redirect(flag_url(project_id, feature), flash=f"Strategy {verb} in {environment}.")


@router.get("/projects/{project_id}/strategy/delete")
def delete_page(
    page: PageDep, project_id: ProjectId, user: PageUser, feature: Text, environment: Text, id: Text
) -> Response:
    user.require(Permission.DELETE_FEATURE_STRATEGY, project_id, environment)
    strategy = StrategyService(page.db).get(project_id, feature, environment, id)
    return page.render(
        "strategies/delete.html",
        user,
        project=project_id,
        feature=feature,
        environment=environment,
        strategy=strategy_json(strategy),
        title=strategy_titles(page.db).get(strategy.strategy_name, strategy.strategy_name),
        back=flag_url(project_id, feature),
    )


@router.post("/projects/{project_id}/strategy/delete")
def delete(page: PageDep, project_id: ProjectId, user: PostUser, form: FormDep) -> Response:
    feature = text(form, "feature", strip=False)
    environment = text(form, "environment")
    user.require(Permission.DELETE_FEATURE_STRATEGY, project_id, environment)
    StrategyService(page.db).delete(user.actor, project_id, feature, environment, text(form, "id"))
    return redirect(flag_url(project_id, feature), flash=f"Strategy removed from {environment}.")
