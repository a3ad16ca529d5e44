"""``/api/admin/service-account/{id}/trust-policies`` (Flagstaff's own): who may exchange an
OIDC ID token for the account's tokens. Admins only: a policy hands out the account's tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.credentials.federation.schemas import (
    TrustPoliciesOut,
    TrustPolicyIn,
    TrustPolicyOut,
    trust_policy_out,
)
from flagstaff.credentials.federation.service import TrustPolicyService
from flagstaff.http.deps import ActorDep, AdminDep, ContextDep, SessionDep

router = APIRouter(route_class=TransactionalRoute, tags=["Service accounts"])

AccountId = Annotated[int, Path(alias="id", ge=1, le=2_147_483_647)]
PolicyId = Annotated[int, Path(alias="policyId", ge=1, le=2_147_483_647)]
BASE = "/api/admin/service-account/{id}/trust-policies"


def _service(db: SessionDep, context: ContextDep) -> TrustPolicyService:
    return TrustPolicyService(db, context.settings)


@router.get(
    BASE, operation_id="getServiceAccountTrustPolicies", responses=answers(TrustPoliciesOut)
)
def get_trust_policies(
    account_id: AccountId, _: AdminDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    """Flagstaff: the account's trust policies."""
    service = _service(db, context)
    account = service.service_account(account_id)
    return {"trustPolicies": [trust_policy_out(p) for p in service.list_for(account)]}


@router.post(
    BASE,
    operation_id="createServiceAccountTrustPolicy",
    status_code=201,
    responses=answers(TrustPolicyOut, 201),
)
def create_trust_policy(
    account_id: AccountId,
    body: TrustPolicyIn,
    response: Response,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    """Flagstaff: trust ID tokens of an issuer whose claims match the conditions."""
    service = _service(db, context)
    policy = service.create(actor, service.service_account(account_id), body)
    response.headers["Location"] = (
        f"/api/admin/service-account/{account_id}/trust-policies/{policy.id}"
    )
    return trust_policy_out(policy)


@router.get(
    f"{BASE}/{{policyId}}",
    operation_id="getServiceAccountTrustPolicy",
    responses=answers(TrustPolicyOut),
)
def get_trust_policy(
    account_id: AccountId, policy_id: PolicyId, _: AdminDep, db: SessionDep, context: ContextDep
) -> dict[str, Any]:
    service = _service(db, context)
    return trust_policy_out(service.get(service.service_account(account_id), policy_id))


@router.put(
    f"{BASE}/{{policyId}}",
    operation_id="updateServiceAccountTrustPolicy",
    responses=answers(TrustPolicyOut),
)
def update_trust_policy(
    account_id: AccountId,
    policy_id: PolicyId,
    body: TrustPolicyIn,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> dict[str, Any]:
    """Flagstaff: replace the policy; tokens it already minted are not affected."""
    service = _service(db, context)
    account = service.service_account(account_id)
    return trust_policy_out(service.update(actor, account, policy_id, body))


@router.delete(f"{BASE}/{{policyId}}", operation_id="deleteServiceAccountTrustPolicy")
def delete_trust_policy(
    account_id: AccountId,
    policy_id: PolicyId,
    actor: ActorDep,
    _: AdminDep,
    db: SessionDep,
    context: ContextDep,
) -> Response:
    """Flagstaff: no further exchanges through this policy."""
    service = _service(db, context)
    service.delete(actor, service.service_account(account_id), policy_id)
    return Response(status_code=200)
