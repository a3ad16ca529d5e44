"""Changes to several flags of a project at once. Each flag changes as it would alone (same checks,
same events); the request's one transaction makes the whole list succeed or fail together."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.features.models import Feature
from flagstaff.flags.lookup import ensure_in_project
from flagstaff.flags.toggles.service import ToggleService


class BulkService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def set_enabled(
        self, actor: Actor, project_id: str, env: str, names: list[str], enabled: bool
    ) -> None:
        """As the single toggle, flag by flag: a flag without strategies gets the default one
        when switched on, and only a flag whose state changes records an event."""
        lookup.project(self.session, project_id)
        lookup.environment(self.session, env)
        toggles = ToggleService(self.session)
        for name in dict.fromkeys(names):
            toggles.set_enabled(actor, project_id, name, env, enabled)

    def set_stale(self, actor: Actor, project_id: str, names: list[str], stale: bool) -> None:
        """As Unleash: names of no flag are ignored; a flag of another project refuses the
        whole list; an event for each flag whose staleness changes."""
        lookup.project(self.session, project_id)
        wanted = list(dict.fromkeys(names))
        flags = list(
            self.session.scalars(
                select(Feature).where(Feature.name.in_(wanted)).order_by(Feature.name)
            )
        )
        ensure_in_project(project_id, flags)
        for feature in flags:
            if feature.stale == stale:
                continue
            feature.stale = stale
            self.session.flush()
            self.events.record(
                actor,
                "feature-stale-on" if stale else "feature-stale-off",
                data={"name": feature.name, "stale": stale},
                project=project_id,
                feature_name=feature.name,
            )
