"""Trust policies on service accounts, federated tokens and the ID tokens the exchange accepted.

A trust policy lets a service account get short-lived tokens in exchange for an OIDC ID token
from a named issuer (``credentials.federation``). A token minted that way records the issuer,
the subject and the policy; every existing token is not federated. Accepted ID tokens are kept
by digest until they expire, so a replay is refused by every process.

Downgrading drops the policies, the accepted ID tokens and the tokens' federation columns (the
federated tokens themselves stay, as ordinary tokens until they expire).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import flagstaff.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "trust_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("issuer", sa.String(length=2048), nullable=False),
        sa.Column("audience", sa.String(length=1024), nullable=False),
        sa.Column("conditions", JSON, nullable=False),
        sa.Column("max_lifetime_seconds", sa.Integer(), nullable=False),
        sa.Column("scopes", JSON, nullable=True),
        sa.Column("created_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "max_lifetime_seconds > 0", name=op.f("ck_trust_policies_max_lifetime_positive")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_trust_policies_account_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_policies")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_trust_policies_account_id_name")),
    )
    with op.batch_alter_table("trust_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trust_policies_account_id"), ["account_id"], unique=False
        )
    op.create_table(
        "accepted_id_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_accepted_id_tokens")),
    )
    with op.batch_alter_table("accepted_id_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accepted_id_tokens_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("federated_issuer", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("federated_subject", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("trust_policy_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_personal_access_tokens_trust_policy_id"),
            ["trust_policy_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_personal_access_tokens_trust_policy_id_trust_policies"),
            "trust_policies",
            ["trust_policy_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_personal_access_tokens_trust_policy_id_trust_policies"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_personal_access_tokens_trust_policy_id"))
        batch_op.drop_column("trust_policy_id")
        batch_op.drop_column("federated_subject")
        batch_op.drop_column("federated_issuer")
    with op.batch_alter_table("accepted_id_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accepted_id_tokens_expires_at"))
    op.drop_table("accepted_id_tokens")
    with op.batch_alter_table("trust_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_policies_account_id"))
    op.drop_table("trust_policies")
