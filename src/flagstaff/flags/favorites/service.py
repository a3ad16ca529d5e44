"""Favorite flags and projects: each account marks its own; the project list and flag search
show the caller's marks.

As Unleash, marking is idempotent and every call records its event (``feature-favorited`` and
so on), even one that changes nothing. Unlike Unleash (whose foreign keys fail with a 500), an
unknown project or flag, or a flag outside the project in the path, is a 404."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from flagstaff.accounts.models import Account
from flagstaff.core.db import engine_insert, utcnow
from flagstaff.core.errors import NotFoundError, OperationDeniedError, UnauthorizedError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.favorites.models import FavoriteFeature, FavoriteProject
from flagstaff.flags.features.models import Feature

NO_ACCOUNT = "Favorites belong to an account: an API token has none."


class FavoriteService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    # Marking

    def add_project(self, actor: Actor, account_id: int | None, project_id: str) -> None:
        user_id = self._account(account_id)
        lookup.project(self.session, project_id)
        self._insert(FavoriteProject, project=project_id, user_id=user_id)
        self.events.record(
            actor, "project-favorited", data={"project": project_id}, project=project_id
        )

    def remove_project(self, actor: Actor, account_id: int | None, project_id: str) -> None:
        user_id = self._account(account_id)
        lookup.project(self.session, project_id)
        self.session.execute(
            delete(FavoriteProject)
            .where(FavoriteProject.project == project_id)
            .where(FavoriteProject.user_id == user_id)
        )
        self.events.record(
            actor, "project-unfavorited", data={"project": project_id}, project=project_id
        )

    def add_feature(
        self, actor: Actor, account_id: int | None, project_id: str, feature_name: str
    ) -> None:
        user_id = self._account(account_id)
        self._feature(project_id, feature_name)
        self._insert(FavoriteFeature, feature_name=feature_name, user_id=user_id)
        # Unleash names the flag but no project on these events.
        self.events.record(
            actor, "feature-favorited", data={"feature": feature_name}, feature_name=feature_name
        )

    def remove_feature(
        self, actor: Actor, account_id: int | None, project_id: str, feature_name: str
    ) -> None:
        user_id = self._account(account_id)
        self._feature(project_id, feature_name)
        self.session.execute(
            delete(FavoriteFeature)
            .where(FavoriteFeature.feature_name == feature_name)
            .where(FavoriteFeature.user_id == user_id)
        )
        self.events.record(
            actor, "feature-unfavorited", data={"feature": feature_name}, feature_name=feature_name
        )

    # Reading: an API token (no account) has no favorites

    def projects_of(self, account_id: int | None) -> frozenset[str]:
        if account_id is None:
            return frozenset()
        return frozenset(
            self.session.scalars(
                select(FavoriteProject.project).where(FavoriteProject.user_id == account_id)
            )
        )

    def features_of(self, account_id: int | None, names: Iterable[str]) -> frozenset[str]:
        """Which of ``names`` the account has marked."""
        wanted = list(names)
        if account_id is None or not wanted:
            return frozenset()
        return frozenset(
            self.session.scalars(
                select(FavoriteFeature.feature_name)
                .where(FavoriteFeature.user_id == account_id)
                .where(FavoriteFeature.feature_name.in_(wanted))
            )
        )

    def is_favorite_project(self, account_id: int | None, project_id: str) -> bool:
        return project_id in self.projects_of(account_id)

    def is_favorite_feature(self, account_id: int | None, feature_name: str) -> bool:
        return feature_name in self.features_of(account_id, [feature_name])

    def _account(self, account_id: int | None) -> int:
        if account_id is None:
            raise OperationDeniedError(NO_ACCOUNT)
        if self.session.get(Account, account_id) is None:
            # Deleted a moment ago, before this process saw the revision move.
            raise UnauthorizedError("You must log in to use Flagstaff.")
        return account_id

    def _feature(self, project_id: str, feature_name: str) -> Feature:
        """The flag, archived or not, if it is in that project."""
        lookup.project(self.session, project_id)
        found = self.session.get(Feature, feature_name)
        if found is None or found.project != project_id:
            raise NotFoundError(
                f'There\'s no feature named "{feature_name}" in project "{project_id}".'
            )
        return found

    def _insert(self, model: type[FavoriteFeature | FavoriteProject], **row: object) -> None:
        """Adds the mark unless it is there already (or a racing request just added it)."""
        statement = engine_insert(self.session, model).values(created_at=utcnow(), **row)
        self.session.execute(statement.on_conflict_do_nothing())
