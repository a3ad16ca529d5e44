"""Token lifecycle: disabled accounts and tokens, rotation (families, successors, grace windows),
revocation records, self-rotation, expiry notices, and the leases of cluster-wide jobs.

Existing tokens become active ones: each is the original of its own family. The description of
an account's tokens is now unique among its live tokens only (not revoked, not rotated), since a
successor carries its predecessor's description and a revoked record keeps its own.

Downgrading deletes what the older schema cannot hold: revoked records and rotated-out tokens.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import flagstaff.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIVE = "revoked_at IS NULL AND rotated_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        for name in (
            "disabled_at",
            "rotated_at",
            "grace_until",
            "revoked_at",
            "expiry_notified_at",
        ):
            batch_op.add_column(
                sa.Column(name, flagstaff.core.db.UTCDateTime(timezone=True), nullable=True)
            )
        batch_op.add_column(sa.Column("family_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("self_rotation", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("disabled_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.String(length=255), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_personal_access_tokens_successor_id_personal_access_tokens"),
            "personal_access_tokens",
            ["successor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint("uq_personal_access_tokens_description", type_="unique")
        batch_op.create_index(
            batch_op.f("ix_personal_access_tokens_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personal_access_tokens_revoked_at"), ["revoked_at"], unique=False
        )
        batch_op.create_index(
            "uq_personal_access_tokens_live_description",
            ["account_id", "description"],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
    op.execute("UPDATE personal_access_tokens SET family_id = id")
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("expires_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
    op.execute("DELETE FROM personal_access_tokens WHERE revoked_at IS NOT NULL")
    op.execute("DELETE FROM personal_access_tokens WHERE rotated_at IS NOT NULL")
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.drop_index("uq_personal_access_tokens_live_description")
        batch_op.drop_index(batch_op.f("ix_personal_access_tokens_revoked_at"))
        batch_op.drop_index(batch_op.f("ix_personal_access_tokens_family_id"))
        batch_op.create_unique_constraint(
            "uq_personal_access_tokens_description", ["account_id", "description"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_personal_access_tokens_successor_id_personal_access_tokens"),
            type_="foreignkey",
        )
        for name in (
            "revoke_reason",
            "revoked_by",
            "successor_id",
            "disabled_by",
            "self_rotation",
            "family_id",
            "expiry_notified_at",
            "revoked_at",
            "grace_until",
            "rotated_at",
            "disabled_at",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
