"""Service accounts: user-like identities for integrations, with no password and no UI login.

A service account is a row of the accounts table with ``is_service``; it holds a root role and
project roles exactly as a user does, and reaches the Admin API through tokens admins manage.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.accounts.passwords import Passwords
from flagstaff.accounts.service import AccountService
from flagstaff.core.errors import BadDataError, NotFoundError, OperationDeniedError
from flagstaff.credentials.account_tokens.rotation import Rotation, TokenRotation
from flagstaff.credentials.account_tokens.service import AccountTokenService, IssuedToken, NewToken
from flagstaff.events.service import Actor, EventService
from flagstaff.rbac.granting import ensure_can_grant, resolve_root_role
from flagstaff.rbac.models import AccountManager
from flagstaff.rbac.permissions import Permission
from flagstaff.rbac.policy import is_allowed
from flagstaff.rbac.principal import Principal


@dataclass(frozen=True)
class ServiceAccountChanges:
    name: str | None = None
    root_role: int | str | None = None
    username: str | None = None


class ServiceAccountService:
    def __init__(self, session: Session, passwords: Passwords, tokens: AccountTokenService) -> None:
        self.session = session
        self.accounts = AccountService(session, passwords)
        self.tokens = tokens
        self.events = EventService(session)

    def all_accounts(self) -> list[Account]:
        return list(
            self.session.scalars(
                select(Account).where(Account.is_service.is_(True)).order_by(Account.id)
            )
        )

    def get(self, account_id: int) -> Account:
        account = self.session.get(Account, account_id)
        if account is None or not account.is_service:
            raise NotFoundError(f"Could not find a service account with id {account_id}")
        return account

    def create(
        self, actor: Actor, principal: Principal, username: str, name: str, root_role: int | str
    ) -> Account:
        role = resolve_root_role(self.session, root_role)
        ensure_can_grant(principal, role)
        self.accounts.ensure_login_name_free(username, None, service=True)
        account = Account(
            username=username,
            name=name,
            is_service=True,
            root_role_id=role.id,
            created_by_user_id=principal.account_id,
        )
        self.session.add(account)
        self.accounts.flush_unique(service=True)
        self.events.record(actor, "service-account-created", data=_audit(account))
        return account

    def update(
        self, actor: Actor, principal: Principal, account_id: int, changes: ServiceAccountChanges
    ) -> Account:
        account = self.get(account_id)
        if changes.username is not None and changes.username != account.username:
            raise BadDataError("The username of a service account cannot be changed")
        before = _audit(account)
        if changes.root_role is not None:
            role = resolve_root_role(self.session, changes.root_role)
            if role.id != account.root_role_id:
                self._not_self(principal, account, "change its own role")
                ensure_can_grant(principal, role)
                account.root_role_id = role.id
                account.root_role = role
        if changes.name is not None:
            account.name = changes.name
        self.session.flush()
        self.events.record(actor, "service-account-updated", data=_audit(account), pre_data=before)
        return account

    def delete(self, actor: Actor, principal: Principal, account_id: int) -> None:
        account = self.get(account_id)
        self._not_self(principal, account, "delete itself")
        before = _audit(account)
        # Its tokens, sessions and project roles go with it (ON DELETE CASCADE); the revision
        # bump in the event makes every process forget them within a poll interval.
        self.session.delete(account)
        self.session.flush()
        self.events.record(actor, "service-account-deleted", pre_data=before)

    def issue_token(
        self, actor: Actor, principal: Principal, account_id: int, new: NewToken
    ) -> IssuedToken:
        account = self.get(account_id)
        self._not_self(principal, account, "create tokens for itself")
        if not is_allowed(principal, Permission.ADMIN) and (
            new.scope is None or new.scope.permissions is None
        ):
            raise OperationDeniedError(
                "As this account's manager, give the token scopes: permissions you hold "
                "yourself (and the projects where you hold them)."
            )
        return self.tokens.create(actor, account, new, principal)

    def managers_of(self, account_ids: list[int]) -> dict[int, list[Account]]:
        found: dict[int, list[Account]] = {account_id: [] for account_id in account_ids}
        rows = self.session.execute(
            select(AccountManager.account_id, Account)
            .join(Account, Account.id == AccountManager.manager_id)
            .where(AccountManager.account_id.in_(account_ids))
            .order_by(Account.id)
        )
        for account_id, manager in rows:
            found[account_id].append(manager)
        return found

    def set_managers(self, actor: Actor, account_id: int, manager_ids: list[int]) -> Account:
        """The people who look after this account's tokens: exactly these (people, not service
        accounts), recorded as ``service-account-updated`` with the managers before and after."""
        account = self.get(account_id)
        wanted = sorted(set(manager_ids))
        people = set(
            self.session.scalars(
                select(Account.id).where(Account.id.in_(wanted), Account.is_service.is_(False))
            )
        )
        missing = [i for i in wanted if i not in people]
        if missing:
            raise BadDataError(f"Managers must be users; no user has the id {missing[0]}.")
        before = [m.id for m in self.managers_of([account.id])[account.id]]
        self.session.execute(delete(AccountManager).where(AccountManager.account_id == account.id))
        self.session.add_all(
            AccountManager(account_id=account.id, manager_id=i, created_by=actor.name)
            for i in wanted
        )
        self.session.flush()
        self.events.record(
            actor,
            "service-account-updated",
            data={**_audit(account), "managers": wanted},
            pre_data={**_audit(account), "managers": before},
        )
        return account

    def managed_by(self, principal: Principal) -> list[Account]:
        """The service accounts a caller may see: all for an Admin, else those it manages."""
        if is_allowed(principal, Permission.ADMIN, write=False):
            return self.all_accounts()
        managed = sorted(principal.grants.managed)
        return list(
            self.session.scalars(
                select(Account)
                .where(Account.id.in_(managed), Account.is_service.is_(True))
                .order_by(Account.id)
            )
        )

    def revoke_token(self, actor: Actor, account_id: int, token_id: int) -> None:
        self.tokens.delete(actor, self.get(account_id), token_id)

    def rotate_token(
        self, actor: Actor, principal: Principal, account_id: int, token_id: int, rotation: Rotation
    ) -> IssuedToken:
        account = self.get(account_id)
        self._not_self(principal, account, "rotate its tokens through this route")
        return TokenRotation(self.tokens).rotate(actor, account, token_id, rotation)

    def set_disabled(
        self, actor: Actor, principal: Principal, account_id: int, disabled: bool
    ) -> Account:
        account = self.get(account_id)
        self._not_self(principal, account, "disable or enable itself")
        self.accounts.set_disabled(actor, principal, account, disabled)
        return account

    @staticmethod
    def _not_self(principal: Principal, account: Account, what: str) -> None:
        if principal.account_id == account.id:
            raise OperationDeniedError(f"A service account cannot {what}")


def _audit(account: Account) -> dict[str, object]:
    return {
        "id": account.id,
        "name": account.name,
        "username": account.username,
        "rootRole": account.root_role_id,
    }
