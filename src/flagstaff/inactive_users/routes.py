"""``/api/admin/user-admin/inactive``: list and delete users unseen for 180 days (Admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import ConfigDict, Field, StrictInt

from flagstaff.accounts.schemas import MAX_ID
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel, WireModel, answers, iso
from flagstaff.http.deps import ActorDep, AdminDep, ContextDep, SessionDep
from flagstaff.inactive_users.service import InactiveUser, InactiveUsers

router = APIRouter(route_class=TransactionalRoute, tags=["Users"])

BASE = "/api/admin/user-admin/inactive"
# More ids than any one review of a user list needs; a longer list is refused (400), not
# looked up one by one.
MAX_IDS = 1000


class IdsIn(InputModel):
    """Unleash's ``idsSchema``: ``{ids: [number >= 0]}``, nothing else."""

    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[Annotated[StrictInt, Field(ge=0, le=MAX_ID)]], Field(max_length=MAX_IDS)]


class InactiveUserSchema(WireModel):
    """A user unseen for 180 days (Unleash's inactiveUserSchema)."""

    id: int
    name: str | None
    email: str | None
    username: str | None
    seen_at: str | None = Field(description="The user's last login; null if never")
    created_at: str
    pat_seen_at: str | None = Field(
        description="The last use of any of the user's personal access tokens; null if never"
    )


class InactiveUsersSchema(WireModel):
    """The users unseen for 180 days (Unleash's inactiveUsersSchema)."""

    version: int
    inactive_users: list[InactiveUserSchema]


@router.get(BASE, operation_id="getInactiveUsers", responses=answers(InactiveUsersSchema))
def get_inactive_users(_: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    users = InactiveUsers(db, context.passwords).find()
    return {"version": 1, "inactiveUsers": [_inactive_user_out(u) for u in users]}


@router.post(BASE + "/delete", operation_id="deleteInactiveUsers")
def delete_inactive_users(
    body: IdsIn, actor: ActorDep, principal: AdminDep, db: SessionDep, context: ContextDep
) -> Response:
    InactiveUsers(db, context.passwords).delete(actor, principal.account_id, body.ids)
    return Response(status_code=200)


def _inactive_user_out(user: InactiveUser) -> dict[str, Any]:
    account = user.account
    return {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "username": account.username,
        "seenAt": iso(account.seen_at),
        "createdAt": iso(account.created_at),
        "patSeenAt": iso(user.pat_seen_at),
    }
