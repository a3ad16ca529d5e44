"""API tokens (client, frontend, admin) stored as keyed hashes; SDK metrics and registrations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import flagstaff.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_instances",
        sa.Column("app_name", sa.String(length=255), nullable=False),
        sa.Column("instance_id", sa.String(length=255), nullable=False),
        sa.Column("environment", sa.String(length=100), nullable=False),
        sa.Column("sdk_version", sa.String(length=255), nullable=True),
        sa.Column(
            "strategies",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("started_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "app_name", "instance_id", "environment", name=op.f("pk_client_instances")
        ),
    )
    op.create_table(
        "client_metric_variants",
        sa.Column("feature_name", sa.String(length=255), nullable=False),
        sa.Column("app_name", sa.String(length=255), nullable=False),
        sa.Column("environment", sa.String(length=100), nullable=False),
        sa.Column("timestamp", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("variant", sa.String(length=255), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_client_metric_variants_count_not_negative")),
        sa.PrimaryKeyConstraint(
            "feature_name",
            "app_name",
            "environment",
            "timestamp",
            "variant",
            name=op.f("pk_client_metric_variants"),
        ),
    )
    op.create_table(
        "client_metrics",
        sa.Column("feature_name", sa.String(length=255), nullable=False),
        sa.Column("app_name", sa.String(length=255), nullable=False),
        sa.Column("environment", sa.String(length=100), nullable=False),
        sa.Column("timestamp", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("yes", sa.BigInteger(), nullable=False),
        sa.Column("no", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "yes >= 0 AND no >= 0", name=op.f("ck_client_metrics_counts_not_negative")
        ),
        sa.PrimaryKeyConstraint(
            "feature_name", "app_name", "environment", "timestamp", name=op.f("pk_client_metrics")
        ),
    )
    op.create_index(
        op.f("ix_client_metrics_timestamp"), "client_metrics", ["timestamp"], unique=False
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("environment", sa.String(length=100), nullable=True),
        sa.Column("all_projects", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("selector", sa.String(length=32), nullable=False),
        sa.Column("hint", sa.String(length=255), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seen_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(type = 'admin') = (environment IS NULL)",
            name=op.f("ck_api_tokens_environment_matches_type"),
        ),
        sa.CheckConstraint(
            "type <> 'admin' OR all_projects", name=op.f("ck_api_tokens_admin_all_projects")
        ),
        sa.CheckConstraint(
            "type IN ('client', 'frontend', 'admin')", name=op.f("ck_api_tokens_known_type")
        ),
        sa.ForeignKeyConstraint(
            ["environment"],
            ["environments.name"],
            name=op.f("fk_api_tokens_environment_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_tokens_digest")),
        sa.UniqueConstraint("selector", name=op.f("uq_api_tokens_selector")),
    )
    op.create_index(op.f("ix_api_tokens_environment"), "api_tokens", ["environment"], unique=False)
    op.create_index(op.f("ix_api_tokens_name"), "api_tokens", ["name"], unique=False)
    op.create_table(
        "api_token_projects",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["project"],
            ["projects.id"],
            name=op.f("fk_api_token_projects_project_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_token_projects_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "project", name=op.f("pk_api_token_projects")),
    )
    op.create_index(
        op.f("ix_api_token_projects_project"), "api_token_projects", ["project"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_api_token_projects_project"), table_name="api_token_projects")
    op.drop_table("api_token_projects")
    op.drop_index(op.f("ix_api_tokens_name"), table_name="api_tokens")
    op.drop_index(op.f("ix_api_tokens_environment"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_client_metrics_timestamp"), table_name="client_metrics")
    op.drop_table("client_metrics")
    op.drop_table("client_metric_variants")
    op.drop_table("client_instances")
