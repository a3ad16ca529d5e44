"""Human users: create, update, delete, passwords. Service accounts live beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account, LoginSession
from flagstaff.accounts.passwords import Passwords, check_strength
from flagstaff.core import revision
from flagstaff.core.db import LIKE_ESCAPE, batches, contains_pattern, utcnow
from flagstaff.core.errors import (
    BadDataError,
    FlagstaffError,
    NameExistsError,
    NotFoundError,
    OperationDeniedError,
)
from flagstaff.events.service import Actor, EventService
from flagstaff.rbac.granting import ensure_can_grant, resolve_root_role
from flagstaff.rbac.models import Role
from flagstaff.rbac.predefined import ADMIN_ROLE_ID
from flagstaff.rbac.principal import Principal

SEARCH_LIMIT = 100


@dataclass(frozen=True)
class NewUser:
    username: str | None
    email: str | None
    name: str | None
    password: str | None
    root_role: int | str


@dataclass(frozen=True)
class UserChanges:
    email: str | None = None
    name: str | None = None
    root_role: int | str | None = None


class UserExistsError(BadDataError):
    """A person's username or e-mail that an account already has: Unleash's 400."""

    def __init__(self) -> None:
        super().__init__("User already exists")


def _taken(service: bool) -> FlagstaffError:
    """A service account's taken name stays a 409 (docs/service-accounts.md: Unleash's
    open-source server has no service accounts to follow, and 409 is what a name clash means
    everywhere else here); a person's is Unleash's 400."""
    if service:
        return NameExistsError(
            "A user or service account with that username or email already exists"
        )
    return UserExistsError()


class AccountService:
    def __init__(self, session: Session, passwords: Passwords) -> None:
        self.session = session
        self.passwords = passwords
        self.events = EventService(session)

    # Reading

    def list_users(self) -> list[Account]:
        return list(
            self.session.scalars(
                select(Account).where(Account.is_service.is_(False)).order_by(Account.id)
            )
        )

    def list_accounts(self) -> list[Account]:
        return list(self.session.scalars(select(Account).order_by(Account.id)))

    def search_users(self, query: str) -> list[Account]:
        pattern = contains_pattern(query.lower())
        columns = (Account.username, Account.email, Account.name)
        return list(
            self.session.scalars(
                select(Account)
                .where(
                    Account.is_service.is_(False),
                    or_(
                        *(
                            func.lower(func.coalesce(c, "")).like(pattern, escape=LIKE_ESCAPE)
                            for c in columns
                        )
                    ),
                )
                .order_by(Account.id)
                .limit(SEARCH_LIMIT)
            )
        )

    def get_account(self, account_id: int) -> Account:
        """Any account, user or service account."""
        account = self.session.get(Account, account_id)
        if account is None:
            raise NotFoundError("No account found")
        return account

    def get_user(self, user_id: int) -> Account:
        """A human user; a service account's id is "not found" here, as in Unleash."""
        account = self.session.get(Account, user_id)
        if account is None or account.is_service:
            raise NotFoundError("No user found")
        return account

    def admin_count(self) -> dict[str, int]:
        rows = self.session.execute(
            select(Account.is_service, Account.password_hash.is_not(None), func.count())
            .where(Account.root_role_id == ADMIN_ROLE_ID)
            .group_by(Account.is_service, Account.password_hash.is_not(None))
        )
        counts = {"password": 0, "noPassword": 0, "service": 0}
        for is_service, has_password, count in rows:
            key = "service" if is_service else ("password" if has_password else "noPassword")
            counts[key] += count
        return counts

    # Writing

    def create_user(self, actor: Actor, principal: Principal | None, new: NewUser) -> Account:
        username = (new.username or "").strip() or None
        email = (new.email or "").strip().lower() or None
        if username is None and email is None:
            raise BadDataError("You must specify username or email")
        role = resolve_root_role(self.session, new.root_role)
        if principal is not None:
            ensure_can_grant(principal, role)
        password_hash = None
        if new.password:
            check_strength(new.password)
            password_hash = self.passwords.hash(new.password)
        self.ensure_login_name_free(username, email)
        account = Account(
            username=username,
            email=email,
            name=(new.name or "").strip() or None,
            password_hash=password_hash,
            root_role_id=role.id,
            created_by_user_id=actor.user_id if actor.user_id and actor.user_id > 0 else None,
        )
        self.session.add(account)
        self.flush_unique()
        self.events.record(actor, "user-created", data=user_data(account))
        return account

    def update_user(
        self, actor: Actor, principal: Principal, user_id: int, changes: UserChanges
    ) -> Account:
        account = self.get_user(user_id)
        before = user_data(account)
        # Decided before anything changes: the last-admin check locks rows, and a pending
        # change flushed ahead of that lock could deadlock against a concurrent update.
        role = self._new_root_role(principal, account, changes.root_role)
        if changes.email is not None:
            email = changes.email.strip().lower()
            if email != account.email:
                self.ensure_login_name_free(None, email)
            account.email = email or None
            if account.email is None and account.username is None:
                raise BadDataError("A user needs a username or an email")
        if changes.name is not None:
            account.name = changes.name.strip() or None
        if role is not None:
            account.root_role_id = role.id
            account.root_role = role
        self.flush_unique()
        self.events.record(actor, "user-updated", data=user_data(account), pre_data=before)
        return account

    def _new_root_role(
        self, principal: Principal, account: Account, ref: int | str | None
    ) -> Role | None:
        """The role to switch to, checked; ``None`` when the role stays as it is."""
        if ref is None:
            return None
        role = resolve_root_role(self.session, ref)
        if role.id == account.root_role_id:
            return None
        ensure_can_grant(principal, role)
        if account.root_role_id == ADMIN_ROLE_ID:
            self._ensure_other_admin(account)
        return role

    def delete_user(self, actor: Actor, user_id: int) -> None:
        account = self.get_user(user_id)
        if account.root_role_id == ADMIN_ROLE_ID:
            self._ensure_other_admin(account)
        before = user_data(account)
        self.session.delete(account)
        self.session.flush()
        self.events.record(actor, "user-deleted", pre_data=before)

    def set_password(
        self, user_id: int, password: str, *, keep_session_id: int | None = None
    ) -> None:
        """Set a new password and end the account's sessions everywhere; a user changing their
        own password keeps the session they did it from."""
        account = self.get_user(user_id)
        check_strength(password)
        account.password_hash = self.passwords.hash(password)
        ended = delete(LoginSession).where(LoginSession.account_id == account.id)
        if keep_session_id is not None:
            ended = ended.where(LoginSession.id != keep_session_id)
        self.session.execute(ended)
        self.session.flush()
        revision.bump(self.session)

    def set_disabled(
        self, actor: Actor, principal: Principal, account: Account, disabled: bool
    ) -> None:
        """Turn an account off without deleting it: its sessions and tokens are refused in every
        process once the revision moves; enabling it restores them. No one switches themselves
        (nor can a service account), and the last Admin who can log in stays enabled."""
        if principal.account_id == account.id:
            raise OperationDeniedError("You cannot disable or enable your own account")
        if (account.disabled_at is not None) == disabled:
            return
        if disabled and account.root_role_id == ADMIN_ROLE_ID:
            self._ensure_other_admin(account)
        account.disabled_at = utcnow() if disabled else None
        self.session.flush()
        kind = "service-account" if account.is_service else "user"
        action = "disabled" if disabled else "enabled"
        self.events.record(actor, f"{kind}-{action}", data=user_data(account))

    def ensure_login_name_free(
        self, username: str | None, email: str | None, *, service: bool = False
    ) -> None:
        clauses = []
        if username:
            clauses.append(Account.username == username)
        if email:
            clauses.append(Account.email == email)
        if clauses and self.session.scalars(select(Account.id).where(or_(*clauses))).first():
            raise _taken(service)

    def flush_unique(self, *, service: bool = False) -> None:
        # The unique constraints decide races that the check above cannot see.
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise _taken(service) from None

    def _ensure_other_admin(self, account: Account) -> None:
        """Refuse to demote or delete the last Admin who can log in.

        The Admins' rows are locked (in id order, so that two of these cannot deadlock): two
        Admins demoting each other at once would otherwise both see the other and leave none.
        """
        if account.is_service:
            return
        admins = self.session.scalars(
            select(Account.id)
            .where(
                Account.root_role_id == ADMIN_ROLE_ID,
                Account.is_service.is_(False),
                Account.password_hash.is_not(None),
                Account.disabled_at.is_(None),
            )
            .order_by(Account.id)
            .with_for_update()
        ).all()
        if not [admin_id for admin_id in admins if admin_id != account.id]:
            raise OperationDeniedError(
                "This is the last admin who can log in; make someone else an Admin first"
            )


def user_data(account: Account) -> dict[str, object]:
    return {
        "id": account.id,
        "username": account.username,
        "email": account.email,
        "name": account.name,
        "rootRole": account.root_role_id,
    }


def display_names(session: Session, account_ids: Sequence[int]) -> dict[int, str]:
    """The name Unleash shows for each account that still exists: its name, else its username,
    else its e-mail."""
    names: dict[int, str] = {}
    for batch in batches(sorted(set(account_ids))):
        rows = session.execute(
            select(Account.id, Account.name, Account.username, Account.email).where(
                Account.id.in_(batch)
            )
        )
        for account_id, name, username, email in rows:
            shown = name or username or email
            if shown:
                names[account_id] = shown
    return names
