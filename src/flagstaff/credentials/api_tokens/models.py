"""API tokens (client/backend, frontend, admin): Unleash's SDK and integration keys.

Only a keyed hash of a token is stored, with a short hint for lists and a random ``selector``
that the Admin API uses to address a token (Unleash's v2 storage answers the same way: lists
show the selector in ``secret`` and mark the token ``secure``). A database dump reveals no
usable token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flagstaff.core.db import NAME_LENGTH, Base, UTCDateTime, utcnow

TOKEN_TYPES = ("client", "frontend", "admin")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("type IN ('client', 'frontend', 'admin')", name="known_type"),
        # An admin token reaches every environment; an SDK token exactly one.
        CheckConstraint(
            "(type = 'admin') = (environment IS NULL)", name="environment_matches_type"
        ),
        CheckConstraint("type <> 'admin' OR all_projects", name="admin_all_projects"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    # NULL is "*" (admin tokens). Deleting an environment deletes its tokens.
    environment: Mapped[str | None] = mapped_column(
        ForeignKey("environments.name", ondelete="CASCADE"), index=True
    )
    # Explicit rather than "no project rows": a token whose projects were all deleted must see
    # nothing, not everything.
    all_projects: Mapped[bool] = mapped_column(Boolean, nullable=False)
    digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    selector: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    hint: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who created the token: the audit id (an account's id, or Unleash's ids for an admin
    # token and the system) and the name the event log shows, kept as it was then, so that a
    # token outlives its creator's renaming or deletion without becoming nobody's.
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH))

    project_links: Mapped[list[ApiTokenProject]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="ApiTokenProject.project",
    )

    @property
    def projects(self) -> list[str]:
        return ["*"] if self.all_projects else [link.project for link in self.project_links]

    @property
    def environment_name(self) -> str:
        return self.environment or "*"


class ApiTokenProject(Base):
    __tablename__ = "api_token_projects"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    project: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
