"""Dependencies between flags of one project: a child is only on when its parents agree.

Unlike Unleash, a parent may itself have parents (the client specification evaluates chains);
what is refused is a parent that does not exist, one in another project, and any cycle.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from flagstaff.core.errors import BadDataError
from flagstaff.events.service import Actor, EventService
from flagstaff.flags import lookup
from flagstaff.flags.features.models import Feature, FeatureDependency, FeatureEnvironment
from flagstaff.flags.strategies.models import FeatureStrategy


def dependency_json(dependency: FeatureDependency) -> dict[str, Any]:
    return {
        "feature": dependency.parent,
        "enabled": dependency.enabled,
        "variants": list(dependency.variants),
    }


class DependencyService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def parents_of(self, child: str) -> list[FeatureDependency]:
        return list(
            self.session.scalars(
                select(FeatureDependency)
                .where(FeatureDependency.child == child)
                .order_by(FeatureDependency.parent)
            )
        )

    def children_of(self, parent: str) -> list[str]:
        return list(
            self.session.scalars(
                select(FeatureDependency.child)
                .where(FeatureDependency.parent == parent)
                .order_by(FeatureDependency.child)
            )
        )

    def add(
        self,
        actor: Actor,
        project_id: str,
        child: str,
        parent: str,
        enabled: bool | None,
        variants: list[str] | None,
    ) -> None:
        lookup.project(self.session, project_id)
        # Both rows held (shared, in name order as archiving takes them) until commit: neither
        # flag can be archived meanwhile, leaving a dependency on or of an archived flag.
        self.session.scalars(
            select(Feature)
            .where(Feature.name.in_([child, parent]))
            .order_by(Feature.name)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        ).all()
        lookup.feature(self.session, project_id, child)
        if parent == child:
            raise BadDataError(f"The flag {child} cannot depend on itself")
        parent_flag = self.session.get(Feature, parent)
        if parent_flag is None or parent_flag.archived:
            raise BadDataError(f"The parent flag {parent} does not exist")
        if parent_flag.project != project_id:
            raise BadDataError(
                f"The parent flag {parent} is in project {parent_flag.project}; a dependency "
                f"must stay within project {project_id}"
            )
        if child in self._ancestors(parent):
            raise BadDataError(
                f"{child} cannot depend on {parent}: {parent} already depends on {child}, "
                "and a cycle would never evaluate"
            )
        dependency = self.session.get(FeatureDependency, (child, parent))
        if dependency is None:
            dependency = FeatureDependency(child=child, parent=parent)
            self.session.add(dependency)
        dependency.enabled = True if enabled is None else enabled
        dependency.variants = list(dict.fromkeys(variants or []))
        self.session.flush()
        self.events.record(
            actor,
            "feature-dependency-added",
            data=dependency_json(dependency),
            project=project_id,
            feature_name=child,
        )

    def remove(self, actor: Actor, project_id: str, child: str, parent: str) -> None:
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, child)
        removed = lookup.affected_rows(
            self.session.execute(
                delete(FeatureDependency)
                .where(FeatureDependency.child == child)
                .where(FeatureDependency.parent == parent)
            )
        )
        if removed:
            self.events.record(
                actor,
                "feature-dependency-removed",
                data={"feature": parent},
                project=project_id,
                feature_name=child,
            )

    def remove_all(self, actor: Actor, project_id: str, child: str) -> None:
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, child)
        removed = lookup.affected_rows(
            self.session.execute(delete(FeatureDependency).where(FeatureDependency.child == child))
        )
        if removed:
            self.events.record(
                actor, "feature-dependencies-removed", project=project_id, feature_name=child
            )

    def parent_options(self, project_id: str, child: str) -> list[str]:
        """Flags of the project that ``child`` could depend on without a cycle."""
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, child)
        names = self.session.scalars(
            select(Feature.name)
            .where(Feature.project == project_id)
            .where(Feature.archived_at.is_(None))
            .where(Feature.name != child)
            .order_by(Feature.name)
        )
        return [name for name in names if child not in self._ancestors(name)]

    def parents_left_behind(self, names: list[str]) -> list[str]:
        """Flags among ``names`` that an active flag outside ``names`` still depends on: archiving
        (or deleting) those together would orphan that child (Unleash's orphan parents)."""
        return list(
            self.session.scalars(
                select(FeatureDependency.parent)
                .join(Feature, Feature.name == FeatureDependency.child)
                .where(FeatureDependency.parent.in_(names))
                .where(FeatureDependency.child.not_in(names))
                .where(Feature.archived_at.is_(None))
                .distinct()
                .order_by(FeatureDependency.parent)
            )
        )

    def any_involving(self, names: list[str]) -> bool:
        """Whether any of ``names`` is a parent or a child of some dependency."""
        found = self.session.scalars(
            select(FeatureDependency.child)
            .where(or_(FeatureDependency.parent.in_(names), FeatureDependency.child.in_(names)))
            .limit(1)
        ).first()
        return found is not None

    def drop_for_archived(self, actor: Actor, project_id: str, child: str) -> None:
        """An archived flag depends on nothing any more, as in Unleash, which records that
        (``feature-dependencies-removed``) when there was something to drop."""
        removed = lookup.affected_rows(
            self.session.execute(delete(FeatureDependency).where(FeatureDependency.child == child))
        )
        if removed:
            self.events.record(
                actor, "feature-dependencies-removed", project=project_id, feature_name=child
            )

    def parent_variants(self, project_id: str, parent: str) -> list[str]:
        """Names of the variants ``parent`` can serve, in any environment, from its strategies
        or its environment variants: what a child may ask of it (Unleash's
        getPossibleParentVariants), sorted, each once."""
        lookup.project(self.session, project_id)
        lookup.feature(self.session, project_id, parent)
        lists = [
            *self.session.scalars(
                select(FeatureStrategy.variants).where(FeatureStrategy.feature_name == parent)
            ),
            *self.session.scalars(
                select(FeatureEnvironment.variants).where(FeatureEnvironment.feature_name == parent)
            ),
        ]
        names = {
            variant["name"]
            for variants in lists
            for variant in variants or ()
            if isinstance(variant, dict) and isinstance(variant.get("name"), str)
        }
        return sorted(names)

    def project_has_dependencies(self, project_id: str) -> bool:
        lookup.project(self.session, project_id)
        found = self.session.scalars(
            select(FeatureDependency.child)
            .join(Feature, Feature.name == FeatureDependency.child)
            .where(Feature.project == project_id)
            .limit(1)
        ).first()
        return found is not None

    def _ancestors(self, name: str) -> set[str]:
        edges: dict[str, list[str]] = defaultdict(list)
        for child, parent in self.session.execute(
            select(FeatureDependency.child, FeatureDependency.parent)
        ):
            edges[child].append(parent)
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            for parent in edges.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    pending.append(parent)
        return seen
