"""Flag links, favorite flags and projects, flag lifecycle stages, flag-type lifetimes.

Existing flags enter the lifecycle at "initial" (when they were created), and archived ones also
at "archived", as Unleash backfills them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 06:03:50.425066
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import flagstaff.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feature_type_lifetimes",
        sa.Column("type_id", sa.String(length=100), nullable=False),
        sa.Column("lifetime_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("type_id", name=op.f("pk_feature_type_lifetimes")),
    )
    op.create_table(
        "favorite_features",
        sa.Column("feature_name", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feature_name"],
            ["features.name"],
            name=op.f("fk_favorite_features_feature_name_features"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_favorite_features_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feature_name", "user_id", name=op.f("pk_favorite_features")),
    )
    with op.batch_alter_table("favorite_features", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_favorite_features_user_id"), ["user_id"], unique=False)

    op.create_table(
        "favorite_projects",
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.id"],
            name=op.f("fk_favorite_projects_project_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_favorite_projects_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project", "user_id", name=op.f("pk_favorite_projects")),
    )
    with op.batch_alter_table("favorite_projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_favorite_projects_user_id"), ["user_id"], unique=False)

    op.create_table(
        "feature_lifecycles",
        sa.Column("feature_name", sa.String(length=255), nullable=False),
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=True),
        sa.Column("status_value", sa.String(length=255), nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feature_name"],
            ["features.name"],
            name=op.f("fk_feature_lifecycles_feature_name_features"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feature_name", "stage", name=op.f("pk_feature_lifecycles")),
    )
    op.create_table(
        "feature_links",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("feature_name", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["feature_name"],
            ["features.name"],
            name=op.f("fk_feature_links_feature_name_features"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_links")),
    )
    with op.batch_alter_table("feature_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feature_links_feature_name"), ["feature_name"], unique=False
        )

    op.execute(
        "INSERT INTO feature_lifecycles (feature_name, stage, created_at) "
        "SELECT name, 'initial', created_at FROM features"
    )
    op.execute(
        "INSERT INTO feature_lifecycles (feature_name, stage, created_at) "
        "SELECT name, 'archived', archived_at FROM features WHERE archived_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("feature_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feature_links_feature_name"))

    op.drop_table("feature_links")
    op.drop_table("feature_lifecycles")
    with op.batch_alter_table("favorite_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_favorite_projects_user_id"))

    op.drop_table("favorite_projects")
    with op.batch_alter_table("favorite_features", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_favorite_features_user_id"))

    op.drop_table("favorite_features")
    op.drop_table("feature_type_lifetimes")
