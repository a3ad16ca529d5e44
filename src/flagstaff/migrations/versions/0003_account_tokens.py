"""Account tokens: personal access tokens and service-account tokens, stored as keyed hashes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import flagstaff.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=32), nullable=False),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_personal_access_tokens_account_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_access_tokens")),
        sa.UniqueConstraint(
            "account_id", "description", name="uq_personal_access_tokens_description"
        ),
        sa.UniqueConstraint("digest", name=op.f("uq_personal_access_tokens_digest")),
    )
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_access_tokens_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_access_tokens_account_id"))
    op.drop_table("personal_access_tokens")
