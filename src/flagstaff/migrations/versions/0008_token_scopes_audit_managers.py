"""Least privilege and forensics: token scopes, the client addresses each token was used from,
the token and user agent on every event, the managers of service accounts, and rate-limit
windows shared by every process.

Existing tokens are unscoped (they keep every permission of their account, as before).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import flagstaff.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scopes", JSON, nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("token_hint", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("user_agent", sa.String(length=512), nullable=True))
        batch_op.create_index("ix_events_token_id_id", ["token_id", "id"], unique=False)
    op.create_table(
        "token_client_ips",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["personal_access_tokens.id"],
            name=op.f("fk_token_client_ips_token_id_personal_access_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "ip", name=op.f("pk_token_client_ips")),
    )
    op.create_table(
        "service_account_managers",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_service_account_managers_account_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["users.id"],
            name=op.f("fk_service_account_managers_manager_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "manager_id", name=op.f("pk_service_account_managers")
        ),
    )
    with op.batch_alter_table("service_account_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_account_managers_manager_id"), ["manager_id"], unique=False
        )
    op.create_table(
        "rate_limit_windows",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("window_start", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limit_windows")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_windows")
    with op.batch_alter_table("service_account_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_account_managers_manager_id"))
    op.drop_table("service_account_managers")
    op.drop_table("token_client_ips")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_token_id_id")
        batch_op.drop_column("user_agent")
        batch_op.drop_column("token_hint")
        batch_op.drop_column("token_id")
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.drop_column("scopes")
