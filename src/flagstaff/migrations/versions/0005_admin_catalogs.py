"""Context fields, tags, instance settings, client applications, project archive; a strategy may
name a segment that does not exist.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:26:20
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import flagstaff.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "client_applications",
        sa.Column("app_name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("color", sa.String(length=50), nullable=True),
        sa.Column("icon", sa.String(length=255), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("app_name", name=op.f("pk_client_applications")),
    )
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("updated_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )
    op.create_table(
        "context_fields",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("stickiness", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("legal_values", JSON, nullable=False),
        sa.Column("project", sa.String(length=100), nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.id"],
            name=op.f("fk_context_fields_project_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_context_fields")),
    )
    with op.batch_alter_table("context_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_context_fields_project"), ["project"], unique=False)

    op.create_table(
        "tags",
        sa.Column("tag_type", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_type"],
            ["tag_types.name"],
            name=op.f("fk_tags_tag_type_tag_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tag_type", "value", name=op.f("pk_tags")),
    )
    with op.batch_alter_table("feature_strategy_segments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_feature_strategy_segments_segment_id_segments"), type_="foreignkey"
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True)
        )

    _seed()


def _seed() -> None:
    now = datetime.now(UTC)
    # Unleash's own context fields, as its migrations seed them.
    op.bulk_insert(
        sa.table(
            "context_fields",
            sa.column("name"),
            sa.column("description"),
            sa.column("stickiness"),
            sa.column("sort_order"),
            sa.column("legal_values", JSON),
            sa.column("created_at", flagstaff.core.db.UTCDateTime()),
        ),
        [
            {
                "name": name,
                "description": description,
                "stickiness": stickiness,
                "sort_order": order,
                "legal_values": [],
                "created_at": now,
            }
            for order, (name, description, stickiness) in enumerate(
                [
                    ("environment", "Allows you to constrain on application environment", False),
                    ("userId", "Allows you to constrain on userId", False),
                    ("appName", "Allows you to constrain on application name", False),
                    ("currentTime", "Allows you to constrain on date values", False),
                    ("sessionId", "Allows you to constrain on sessionId", True),
                ]
            )
        ],
    )
    # Tags already on flags become known tags; applications already registered become known.
    op.execute(
        sa.text(
            "INSERT INTO tags (tag_type, value, created_at) "
            "SELECT DISTINCT tag_type, tag_value, :now FROM feature_tags"
        ).bindparams(sa.bindparam("now", now, type_=flagstaff.core.db.UTCDateTime()))
    )
    op.execute(
        sa.text(
            "INSERT INTO client_applications (app_name, created_at) "
            "SELECT app_name, MIN(created_at) FROM client_instances GROUP BY app_name"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("archived_at")

    # The foreign key comes back, so references to segments that do not exist must go first.
    op.execute(
        "DELETE FROM feature_strategy_segments WHERE segment_id NOT IN (SELECT id FROM segments)"
    )
    with op.batch_alter_table("feature_strategy_segments", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_feature_strategy_segments_segment_id_segments"),
            "segments",
            ["segment_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    op.drop_table("tags")
    with op.batch_alter_table("context_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_fields_project"))

    op.drop_table("context_fields")
    op.drop_table("settings")
    op.drop_table("client_applications")
