"""Roles, the permissions each holds, and project roles held by accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import Base, UTCDateTime, utcnow

# The environment column of a role permission: empty for root and project permissions, a name
# for an environment permission, or ANY_ENVIRONMENT for "every environment, present and future".
NO_ENVIRONMENT = ""
ANY_ENVIRONMENT = "*"
# The largest id an integer column holds; larger ids in requests match nothing.
MAX_ID = 2_147_483_647


class RoleType:
    ROOT = "root"
    ROOT_CUSTOM = "root-custom"
    PROJECT = "project"
    CUSTOM = "custom"

    ALL = (ROOT, ROOT_CUSTOM, PROJECT, CUSTOM)
    ROOT_TYPES = (ROOT, ROOT_CUSTOM)
    PROJECT_TYPES = (PROJECT, CUSTOM)
    PREDEFINED = (ROOT, PROJECT)


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("type IN ('root', 'root-custom', 'project', 'custom')", name="known_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    type: Mapped[str] = mapped_column(String(32), nullable=False)

    permissions: Mapped[list[RolePermission]] = relationship(
        back_populates="role",
        cascade="all, delete-orphan",
        order_by="RolePermission.permission",
        lazy="selectin",
    )

    @property
    def is_predefined(self) -> bool:
        return self.type in RoleType.PREDEFINED

    @property
    def is_root(self) -> bool:
        return self.type in RoleType.ROOT_TYPES


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)
    environment: Mapped[str] = mapped_column(String(100), primary_key=True, default=NO_ENVIRONMENT)

    role: Mapped[Role] = relationship(back_populates="permissions")


class ProjectRoleAssignment(Base):
    """A project role held by an account (user or service account) in one project."""

    __tablename__ = "project_role_assignments"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The projects table belongs to flagstaff.flags; access ends with the project.
    project: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    # RESTRICT: a role in use cannot disappear from under the accounts that hold it.
    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class AccountManager(Base):
    """A person an admin lets look after one service account's tokens (``policy.manages``)."""

    __tablename__ = "service_account_managers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    manager_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), nullable=False)
