"""``POST /api/admin/provisioning/apply``: a provisioning file applied (or planned) by an Admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.credentials.account_tokens.routes import token_service
from flagstaff.http.deps import ActorDep, AdminDep, ContextDep, SessionDep
from flagstaff.provisioning.render import plan_out
from flagstaff.provisioning.schemas import ApplyIn, ProvisioningPlanOut
from flagstaff.provisioning.service import Provisioner
from flagstaff.service_accounts.service import ServiceAccountService

router = APIRouter(route_class=TransactionalRoute, tags=["Provisioning"])


@router.post(
    "/api/admin/provisioning/apply",
    operation_id="applyProvisioningFile",
    responses=answers(ProvisioningPlanOut),
)
def apply_file(
    body: ApplyIn, actor: ActorDep, principal: AdminDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Flagstaff: the plan for a provisioning file (docs/provisioning.md), applied in this
    request's transaction unless ``dryRun``. 400 lists every problem with its line."""
    accounts = ServiceAccountService(db, context.passwords, token_service(db, context))
    plan = Provisioner(db, accounts, context.settings).apply(
        actor, principal, body.file, dry_run=body.dry_run, prune=body.prune
    )
    return plan_out(plan)
