"""The table of flags the overview and a project's page show: one switch per environment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from flagstaff.flags.features.models import Feature
from flagstaff.flags.features.views import feature_list_json
from flagstaff.rbac.permissions import Permission
from flagstaff.web.deps import WebUser
from flagstaff.web.flag_paths import flag_url


def flag_rows(
    user: WebUser, db: Session, features: Sequence[Feature], environments: list[str]
) -> list[dict[str, Any]]:
    """Each flag as the API lists it, with its environments in the installation's order and
    whether the caller may switch it there (``None`` where its project does not use one)."""
    rows = feature_list_json(db, features)
    for row in rows:
        by_name = {e["name"]: e for e in row["environments"]}
        row["switches"] = [
            {
                "environment": env,
                "enabled": by_name[env]["enabled"],
                "allowed": user.can(Permission.UPDATE_FEATURE_ENVIRONMENT, row["project"], env),
            }
            if env in by_name
            else None
            for env in environments
        ]
        row["url"] = flag_url(row["project"], row["name"])
    return rows
