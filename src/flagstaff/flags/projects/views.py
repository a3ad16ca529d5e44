"""Projects, environments and project access as the Admin API shows them."""

from __future__ import annotations

import hashlib
from typing import Any

from flagstaff.accounts.models import Account
from flagstaff.core.schemas import iso
from flagstaff.flags.environments.models import Environment
from flagstaff.flags.environments.service import EnvironmentStats
from flagstaff.flags.projects.access import Member
from flagstaff.flags.projects.models import Project
from flagstaff.flags.projects.service import ProjectStats
from flagstaff.rbac.models import Role


def project_json(
    project: Project, stats: ProjectStats | None, owners: list[Account] | None = None
) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "health": 100,
        "technicalDebt": 0,
        "featureCount": stats.feature_count if stats else 0,
        "memberCount": stats.member_count if stats else 0,
        "createdAt": iso(project.created_at),
        "updatedAt": iso(project.updated_at),
        "lastUpdatedAt": iso(project.updated_at),
        "archivedAt": iso(project.archived_at),
        "favorite": False,
        "mode": project.mode,
        "defaultStickiness": project.default_stickiness,
        "featureLimit": project.feature_limit,
        "environments": sorted(e.environment for e in project.environments),
        "owners": _owners_json(owners or []),
    }


def _owners_json(owners: list[Account]) -> list[dict[str, Any]]:
    """Unleash's ``owners``: the Owner-role users, or the system when there are none."""
    if not owners:
        return [{"ownerType": "system"}]
    return [
        {
            "ownerType": "user",
            "name": a.name or a.username or a.email or "",
            "email": a.email,
            "imageUrl": image_url(a),
        }
        for a in owners
    ]


def project_created_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "featureLimit": project.feature_limit,
        "mode": project.mode,
        "defaultStickiness": project.default_stickiness,
        "environments": sorted(e.environment for e in project.environments),
    }


def environment_json(env: Environment, stats: EnvironmentStats | None) -> dict[str, Any]:
    return {
        "name": env.name,
        "type": env.type,
        "enabled": env.enabled,
        "protected": env.protected,
        "sortOrder": env.sort_order,
        "requiredApprovals": None,
        "projectCount": stats.project_count if stats else 0,
        "enabledToggleCount": stats.enabled_toggle_count if stats else 0,
    }


def project_environment_json(
    env: Environment, stats: EnvironmentStats | None, visible: bool
) -> dict[str, Any]:
    return {
        "name": env.name,
        "type": env.type,
        "enabled": env.enabled,
        "protected": env.protected,
        "sortOrder": env.sort_order,
        "projectEnabledToggleCount": stats.enabled_toggle_count if stats else 0,
        "visible": visible,
        "requiredApprovals": None,
    }


def role_json(role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "name": role.name,
        "type": role.type,
        "description": role.description,
    }


def member_json(member: Member) -> dict[str, Any]:
    account = member.account
    return {
        "id": account.id,
        "name": account.name,
        "username": account.username,
        "email": account.email,
        "imageUrl": image_url(account),
        "accountType": account.account_type,
        "isAPI": False,
        "roleId": member.role_ids[0],
        "roles": member.role_ids,
    }


def image_url(account: Account) -> str:
    seed = (account.email or account.username or str(account.id)).strip().lower()
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"https://gravatar.com/avatar/{digest}?s=42&d=retro&r=g"
