"""Archiving, reviving and deleting several flags of a project at once (Unleash's
archiveFeatures, validateArchiveFeatures, reviveFeatures and deleteFeatures).

Each flag goes through the single-flag operation, so the rules are those of one flag; the
request's one transaction makes the list succeed or fail together. Unlike Unleash, which skips
them, a name of no flag refuses the whole list: a caller who named a flag should learn it was
not there rather than read success.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.errors import NotFoundError
from flagstaff.events.service import Actor
from flagstaff.flags import lookup
from flagstaff.flags.features.dependencies import DependencyService
from flagstaff.flags.features.models import Feature
from flagstaff.flags.features.service import FeatureService
from flagstaff.flags.lookup import ensure_in_project
from flagstaff.flags.projects.service import ensure_active

SHOWN = 10  # missing names quoted in the error, at most


class ArchiveBulkService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.features = FeatureService(session)

    def archive(self, actor: Actor, project_id: str, names: list[str]) -> None:
        """Flags already archived are left as they are (no event), as in Unleash."""
        flags = self._named_flags(project_id, names)
        active = [flag for flag in flags if not flag.archived]
        if active:
            self.features.archive_together(actor, project_id, active)

    def validate_archive(self, project_id: str, names: list[str]) -> dict[str, Any]:
        """What archiving ``names`` would do to dependencies: whether any would be dropped, and
        which of the flags still have children left outside the list (archive refuses those)."""
        flags = self._named_flags(project_id, names, lock=False)
        wanted = [flag.name for flag in flags]
        dependencies = DependencyService(self.session)
        return {
            "hasDeletedDependencies": dependencies.any_involving(wanted),
            "parentsWithChildFeatures": dependencies.parents_left_behind(wanted),
        }

    def revive(self, actor: Actor, project_id: str, names: list[str]) -> None:
        """Flags that are not archived are left as they are (no event), as in Unleash."""
        lookup.project(self.session, project_id)
        ensure_active(self.session, project_id)
        for flag in self._named_flags(project_id, names):
            if flag.archived:
                self.features.revive(actor, flag.name)

    def delete(self, actor: Actor, project_id: str, names: list[str]) -> None:
        """Only archived flags can be deleted: an active one refuses the whole list (Unleash
        skips it silently; here the caller learns that a flag they named is still there)."""
        for flag in self._named_flags(project_id, names):
            self.features.delete_archived(actor, flag.name)

    def _named_flags(
        self, project_id: str, names: list[str], *, lock: bool = True
    ) -> list[Feature]:
        """Each named flag once, archived or not, in the order first named (its row locked when
        about to change); all must exist and belong to the project."""
        lookup.project(self.session, project_id)
        wanted = list(dict.fromkeys(names))
        rows = (
            self.features.lock(wanted)
            if lock
            else self.session.scalars(select(Feature).where(Feature.name.in_(wanted)))
        )
        found = {flag.name: flag for flag in rows}
        missing = [name for name in wanted if name not in found]
        if missing:
            listed = ", ".join(f'"{name}"' for name in missing[:SHOWN])
            if len(missing) > SHOWN:
                listed += f" and {len(missing) - SHOWN} more"
            raise NotFoundError(f"Could not find feature flags named {listed}")
        flags = [found[name] for name in wanted]
        ensure_in_project(project_id, flags)
        return flags
