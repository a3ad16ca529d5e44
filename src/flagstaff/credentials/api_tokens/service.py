"""Creating, listing, re-dating and deleting API tokens. Every change records Unleash's event
(without the secret) and so bumps the revision: each process drops its cached principals, and a
deleted or re-dated token takes effect everywhere within a poll interval.

Every token records who created it. Admin API tokens follow the token lifetime policy of account
tokens (``credentials.account_tokens.lifetimes``) when they are created or re-dated; tokens that
exist keep working whatever the policy says, and SDK tokens are not concerned."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from flagstaff.config import Settings
from flagstaff.core.db import utcnow
from flagstaff.core.errors import BadDataError, NotFoundError
from flagstaff.core.keys import Keys
from flagstaff.core.revision import Revision
from flagstaff.core.schemas import iso
from flagstaff.credentials.account_tokens.lifetimes import current_policy
from flagstaff.credentials.api_tokens import format
from flagstaff.credentials.api_tokens.models import ApiToken, ApiTokenProject
from flagstaff.events.service import Actor, EventService
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.projects.models import Project

DIGEST_PURPOSE = "api-token"
MAX_TOKENS = 2000  # Unleash's default resource limit
# A token without an expiry, as the lifetime policy sees it: as far off as the UI's "never".
NEVER = timedelta(days=365 * 1000)


@dataclass(frozen=True)
class NewApiToken:
    name: str
    type: str  # "client", "frontend" or "admin" ("backend" is stored as "client")
    environment: str
    projects: list[str]
    expires_at: datetime | None = None


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    secret: str  # returned once, in the create response, and never stored


def normalize_type(value: str) -> str:
    lowered = value.lower()
    return "client" if lowered == "backend" else lowered


def normalize_projects(projects: Iterable[str]) -> list[str]:
    unique = sorted(set(projects))
    return [format.ALL] if format.ALL in unique or not unique else unique


class ApiTokenService:
    def __init__(
        self,
        session: Session,
        keys: Keys,
        limit: int | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        """``settings``: where the token lifetime policy comes from until an admin stores one.
        Without them no policy applies: the tokens given at start (``INIT_ADMIN_API_TOKENS``)
        are the operator's own decision."""
        self.session = session
        self.keys = keys
        self.limit = MAX_TOKENS if limit is None else limit
        self.settings = settings
        self.events = EventService(session)

    def all(self, types: Iterable[str] | None = None) -> list[ApiToken]:
        statement = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
        if types is not None:
            statement = statement.where(ApiToken.type.in_(list(types)))
        return list(self.session.scalars(statement))

    def list_for_project(self, project: str) -> list[ApiToken]:
        return list(
            self.session.scalars(
                select(ApiToken)
                .join(ApiTokenProject, ApiTokenProject.token_id == ApiToken.id)
                .where(ApiTokenProject.project == project)
                .order_by(ApiToken.created_at, ApiToken.id)
            )
        )

    def find(self, identifier: str) -> ApiToken | None:
        """A token by its full secret or by its selector (what lists show in ``secret``)."""
        digest = self.keys.digest(DIGEST_PURPOSE, identifier)
        return self.session.scalars(
            select(ApiToken).where((ApiToken.digest == digest) | (ApiToken.selector == identifier))
        ).first()

    def create(
        self, actor: Actor, new: NewApiToken, *, secret: str | None = None
    ) -> IssuedApiToken:
        """Validate as Unleash does, then store the keyed hash. ``secret`` is for the tokens
        given at start; otherwise a random one is generated."""
        kind = normalize_type(new.type)
        projects = normalize_projects(new.projects)
        self._validate_scope(kind, projects, new.environment)
        if new.expires_at is not None and new.expires_at <= utcnow():
            raise BadDataError("The expiry date should be in future.")
        self._check_lifetime(kind, new.expires_at)
        self._check_limit()
        self._check_environment(new.environment)
        self._check_projects(projects)
        secret = secret or format.generate(projects, new.environment)
        token = ApiToken(
            name=new.name,
            type=kind,
            environment=None if new.environment == format.ALL else new.environment,
            all_projects=projects == [format.ALL],
            digest=self.keys.digest(DIGEST_PURPOSE, secret),
            selector=format.new_selector(),
            hint=format.hint(secret),
            expires_at=new.expires_at,
            created_by_user_id=actor.user_id,
            created_by=actor.name,
            project_links=[]
            if projects == [format.ALL]
            else [ApiTokenProject(project=p) for p in projects],
        )
        self.session.add(token)
        self.session.flush()
        self.events.record(
            actor,
            "api-token-created",
            data=audit_data(token),
            project=_event_project(token),
            environment=token.environment,
        )
        return IssuedApiToken(token, secret)

    def update_expiry(self, actor: Actor, token: ApiToken, expires_at: datetime) -> None:
        self._check_lifetime(token.type, expires_at)
        before = audit_data(token)
        token.expires_at = expires_at
        self.session.flush()
        self.events.record(
            actor,
            "api-token-updated",
            data=audit_data(token),
            pre_data=before,
            project=_event_project(token),
            environment=token.environment,
        )

    def delete(self, actor: Actor, token: ApiToken) -> None:
        data = audit_data(token)
        project, environment = _event_project(token), token.environment
        self.session.delete(token)
        self.session.flush()
        self.events.record(
            actor,
            "api-token-deleted",
            data=data,
            pre_data=data,
            project=project,
            environment=environment,
        )

    def _check_lifetime(self, kind: str, expires_at: datetime | None) -> None:
        """The lifetime policy's 400, naming its limit, for an admin token that would outlive
        it (or never expire where that is not allowed)."""
        if kind != "admin" or self.settings is None:
            return
        now = utcnow()
        policy = current_policy(self.session, self.settings)
        policy.refuse_expiry(expires_at or now + NEVER, now)

    def _validate_scope(self, kind: str, projects: list[str], environment: str) -> None:
        if kind == "admin":
            if projects != [format.ALL]:
                raise BadDataError("Admin token cannot be scoped to single project")
            if environment != format.ALL:
                raise BadDataError("Admin token cannot be scoped to single environment")
        elif environment == format.ALL:
            kind = "Client" if kind == "client" else "Frontend"
            raise BadDataError(f"{kind} token cannot be scoped to all environments")

    def _check_limit(self) -> None:
        # Count under a lock, or concurrent creations could each see room for one more. The
        # limit is global, so the lock is on the one row every change writes anyway, the
        # revision, taken now instead of when the event is recorded (the same row lock as
        # AccountTokenService takes on the owner). SQLite has no row locks; its write
        # transactions are serialized by BEGIN IMMEDIATE.
        self.session.execute(select(Revision.id).where(Revision.id == 1).with_for_update())
        count = self.session.execute(select(func.count()).select_from(ApiToken)).scalar_one()
        if count >= self.limit:
            raise BadDataError(
                f"Failed to create api token. You can't create more than the established "
                f"limit of {self.limit}."
            )

    def _check_environment(self, environment: str) -> None:
        if environment == format.ALL:
            return
        if self.session.get(Environment, environment) is None:
            raise BadDataError(f"Environment={environment} does not exist")

    def _check_projects(self, projects: list[str]) -> None:
        if projects == [format.ALL]:
            return
        known = set(self.session.scalars(select(Project.id).where(Project.id.in_(projects))))
        for project in projects:
            if project not in known:
                raise BadDataError(f"Project={project} does not exist")


def _event_project(token: ApiToken) -> str | None:
    projects = token.projects
    return projects[0] if len(projects) == 1 and projects[0] != format.ALL else None


def audit_data(token: ApiToken) -> dict[str, Any]:
    """The token as events record it: everything but the secret (and its hash)."""
    return {
        "tokenName": token.name,
        "type": token.type,
        "environment": token.environment_name,
        "projects": token.projects,
        "expiresAt": iso(token.expires_at),
        "createdAt": iso(token.created_at),
        "selector": token.selector,
        "secure": True,
        "createdBy": token.created_by,
        "createdByUserId": token.created_by_user_id,
    }


def count_for_project(session: Session, project: str) -> int:
    """API tokens naming ``project`` (tokens for every project are not counted, as Unleash)."""
    count = session.scalar(
        select(func.count()).select_from(ApiTokenProject).where(ApiTokenProject.project == project)
    )
    return int(count or 0)


def flush_seen(session: Session, token_ids: set[int], when: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id.in_(sorted(token_ids))).values(seen_at=when))


def not_found(identifier: str) -> NotFoundError:
    return NotFoundError(f"Could not find an API token matching {identifier[:8]}…")
