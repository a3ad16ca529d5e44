"""Projects: create, update, delete; which environments a project uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import ID_LENGTH, utcnow
from flagstaff.core.errors import BadDataError, ConflictError, NameExistsError, NotFoundError
from flagstaff.core.schemas import iso
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.errors import InvalidOperationError
from flagstaff.flags.features.models import Feature, FeatureEnvironment
from flagstaff.flags.projects.models import DEFAULT_PROJECT, Project, ProjectEnvironment
from flagstaff.rbac.models import ProjectRoleAssignment
from flagstaff.rbac.predefined import OWNER_ROLE_ID

# Project ids appear in API token secrets (``project:env.secret``) and paths: URL-safe only.
PROJECT_ID = re.compile(r"^[A-Za-z0-9_~.-]+$")
MODES = ("open", "protected", "private")


@dataclass(frozen=True)
class ProjectFields:
    name: str
    description: str | None = None
    mode: str | None = None
    default_stickiness: str | None = None
    feature_limit: int | None = None


@dataclass(frozen=True)
class ProjectStats:
    feature_count: int
    member_count: int


def project_data(project: Project) -> dict[str, object]:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "mode": project.mode,
        "defaultStickiness": project.default_stickiness,
        "featureLimit": project.feature_limit,
        "environments": sorted(e.environment for e in project.environments),
    }


def archive_data(project: Project) -> dict[str, object]:
    return {**project_data(project), "archivedAt": iso(project.archived_at)}


def ensure_active(session: Session, project_id: str) -> None:
    """Refuses work that adds to an archived (or missing) project, such as creating a flag.

    Takes a shared lock on the project row: archiving takes an exclusive one, so a flag cannot
    be created in a project whose archiving saw no active flags (PostgreSQL; SQLite writers are
    serialised anyway)."""
    archived_at = session.execute(
        select(Project.archived_at).where(Project.id == project_id).with_for_update(read=True)
    ).one_or_none()
    if archived_at is None or archived_at[0] is not None:
        raise NotFoundError(f"Active project with id {project_id} does not exist")


class ProjectService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def all(self, *, archived: bool | None = None) -> list[Project]:
        """Every project; or only the active (``archived=False``) or archived ones."""
        query = select(Project).order_by(Project.name, Project.id)
        if archived is not None:
            query = query.where(
                Project.archived_at.is_not(None) if archived else Project.archived_at.is_(None)
            )
        return list(self.session.scalars(query))

    def stats(self) -> dict[str, ProjectStats]:
        features = dict(
            self.session.execute(
                select(Feature.project, func.count())
                .where(Feature.archived_at.is_(None))
                .group_by(Feature.project)
            ).all()
        )
        members = dict(
            self.session.execute(
                select(
                    ProjectRoleAssignment.project,
                    func.count(func.distinct(ProjectRoleAssignment.account_id)),
                ).group_by(ProjectRoleAssignment.project)
            ).all()
        )
        return {p.id: ProjectStats(features.get(p.id, 0), members.get(p.id, 0)) for p in self.all()}

    def owners(self) -> dict[str, list[Account]]:
        rows = self.session.execute(
            select(ProjectRoleAssignment.project, Account)
            .join(Account, Account.id == ProjectRoleAssignment.account_id)
            .where(ProjectRoleAssignment.role_id == OWNER_ROLE_ID)
            .order_by(Account.id)
        ).all()
        owners: dict[str, list[Account]] = {}
        for project_id, account in rows:
            owners.setdefault(project_id, []).append(account)
        return owners

    def get(self, project_id: str) -> Project:
        return lookup.project(self.session, project_id)

    def create(
        self,
        actor: Actor,
        creator_id: int | None,
        project_id: str | None,
        fields: ProjectFields,
        environments: list[str] | None,
    ) -> Project:
        name = _clean_name(fields.name)
        project_id = project_id if project_id is not None else self._id_from(name)
        _check_id(project_id)
        if self.session.get(Project, project_id) is not None:
            raise NameExistsError(f"A project with id {project_id} already exists")
        env_names = self._environments_for_new(environments)
        project = Project(
            id=project_id,
            name=name,
            description=fields.description,
            mode=_mode(fields.mode or "open"),
            default_stickiness=fields.default_stickiness or "default",
            feature_limit=fields.feature_limit,
        )
        project.environments = [ProjectEnvironment(environment=e) for e in env_names]
        self.session.add(project)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise NameExistsError(f"A project with id {project_id} already exists") from None
        if creator_id is not None:
            # As Unleash: whoever creates a project owns it.
            self.session.add(
                ProjectRoleAssignment(
                    account_id=creator_id, project=project_id, role_id=OWNER_ROLE_ID
                )
            )
            self.session.flush()
        self.events.record(actor, "project-created", data=project_data(project), project=project_id)
        return project

    def update(self, actor: Actor, project_id: str, fields: ProjectFields) -> Project:
        project = self.get(project_id)
        before = project_data(project)
        project.name = _clean_name(fields.name)
        if fields.description is not None:
            project.description = fields.description
        if fields.mode is not None:
            project.mode = _mode(fields.mode)
        if fields.default_stickiness is not None:
            project.default_stickiness = fields.default_stickiness
        if fields.feature_limit is not None:
            project.feature_limit = fields.feature_limit
        project.updated_at = utcnow()
        self.session.flush()
        self.events.record(
            actor,
            "project-updated",
            data=project_data(project),
            pre_data=before,
            project=project_id,
        )
        return project

    def delete(self, actor: Actor, project_id: str) -> None:
        if project_id == DEFAULT_PROJECT:
            raise InvalidOperationError("You can not delete the default project!")
        project = self.get(project_id)
        if self._active_feature_count(project_id):
            raise InvalidOperationError("You can not delete a project with active feature flags")
        before = project_data(project)
        archived = list(self.session.scalars(select(Feature).where(Feature.project == project_id)))
        for feature in archived:
            self.session.delete(feature)
            self.session.flush()
            self.events.record(
                actor, "feature-deleted", project=project_id, feature_name=feature.name
            )
        self.session.delete(project)
        self.session.flush()
        self.events.record(actor, "project-deleted", pre_data=before, project=project_id)

    def archive(self, actor: Actor, project_id: str) -> Project:
        if project_id == DEFAULT_PROJECT:
            raise InvalidOperationError("You can not archive the default project!")
        project = self._locked(project_id)
        if project.archived_at is not None:
            raise ConflictError(f"The project {project_id} is already archived")
        if self._active_feature_count(project_id):
            raise InvalidOperationError("You can not archive a project with active feature flags")
        project.archived_at = utcnow()
        self.session.flush()
        self.events.record(
            actor, "project-archived", data=archive_data(project), project=project_id
        )
        return project

    def revive(self, actor: Actor, project_id: str) -> Project:
        project = self._locked(project_id)
        if project.archived_at is None:
            raise ConflictError(f"The project {project_id} is not archived")
        before = archive_data(project)
        project.archived_at = None
        self.session.flush()
        self.events.record(
            actor,
            "project-revived",
            data=archive_data(project),
            pre_data=before,
            project=project_id,
        )
        return project

    def _locked(self, project_id: str) -> Project:
        found = self.session.scalars(
            select(Project)
            .where(Project.id == project_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"Could not find project with id: {project_id}")
        return found

    def _active_feature_count(self, project_id: str) -> int:
        return self.session.execute(
            select(func.count())
            .where(Feature.project == project_id)
            .where(Feature.archived_at.is_(None))
        ).scalar_one()

    # Environments of a project

    def add_environment(self, actor: Actor, project_id: str, environment: str) -> None:
        project = self.get(project_id)
        env = self.session.get(Environment, environment)
        if env is None:
            raise NotFoundError(f"Could not find environment with name: {environment}")
        if self.session.get(ProjectEnvironment, (project_id, environment)) is not None:
            raise NameExistsError(
                f"The environment {environment} is already enabled for project {project_id}"
            )
        project.environments.append(ProjectEnvironment(environment=environment))
        names = self.session.scalars(select(Feature.name).where(Feature.project == project_id))
        for name in names:
            self.session.add(FeatureEnvironment(feature_name=name, environment=environment))
        self.session.flush()
        self.events.record(
            actor,
            "project-environment-added",
            data={"environment": environment},
            project=project_id,
            environment=environment,
        )

    def remove_environment(self, actor: Actor, project_id: str, environment: str) -> None:
        project = self.get(project_id)
        link = self.session.get(ProjectEnvironment, (project_id, environment))
        if link is None:
            raise NotFoundError(
                f"The environment {environment} is not enabled for project {project_id}"
            )
        if len(project.environments) <= 1:
            raise BadDataError("You must always have one active environment")
        project.environments.remove(link)
        # The flags' settings there go too (their strategies cascade), as in Unleash.
        self.session.execute(
            delete(FeatureEnvironment)
            .where(FeatureEnvironment.environment == environment)
            .where(
                FeatureEnvironment.feature_name.in_(
                    select(Feature.name).where(Feature.project == project_id)
                )
            )
        )
        self.session.flush()
        self.events.record(
            actor,
            "project-environment-removed",
            pre_data={"environment": environment},
            project=project_id,
            environment=environment,
        )

    def _environments_for_new(self, requested: list[str] | None) -> list[str]:
        if requested is None:
            return list(
                self.session.scalars(
                    select(Environment.name)
                    .where(Environment.enabled.is_(True))
                    .order_by(Environment.sort_order, Environment.name)
                )
            )
        unknown = [e for e in requested if self.session.get(Environment, e) is None]
        if unknown:
            raise BadDataError(f"These environments do not exist: {', '.join(unknown)}")
        return list(dict.fromkeys(requested))

    def _id_from(self, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_~.-]+", "-", name.strip().lower()).strip("-") or "project"
        base = base[: ID_LENGTH - 6]
        candidate, counter = base, 1
        while self.session.get(Project, candidate) is not None:
            counter += 1
            candidate = f"{base}-{counter}"
        return candidate


def _clean_name(name: str) -> str:
    if not name.strip():
        raise BadDataError("A project needs a name that is not blank")
    return name.strip()


def _check_id(project_id: str) -> None:
    if not PROJECT_ID.match(project_id) or len(project_id) > ID_LENGTH:
        raise BadDataError(
            f"The project id {project_id!r} must be 1 to {ID_LENGTH} characters of letters, "
            "digits and _ ~ . -"
        )


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise BadDataError(f"`mode` must be one of {', '.join(MODES)}")
    return mode
