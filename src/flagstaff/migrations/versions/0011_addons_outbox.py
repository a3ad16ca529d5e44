"""Addons (webhooks), the event subscriptions behind them, the outbox and the delivery log.

An addon's filters are an event subscription (``event_subscriptions``, the same id); each event
a subscription wants gets an outbox entry in the event's transaction (``event_outbox``), which
the deliverer deletes once delivered or given up; every attempt is a row of
``addon_deliveries``.

Downgrading drops all four tables: addons, what they had yet to receive and their logs.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import flagstaff.core.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_DATETIME = flagstaff.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("event_types", JSON, nullable=False),
        sa.Column("projects", JSON, nullable=False),
        sa.Column("environments", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_subscriptions")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=255), nullable=True),
        sa.Column("claimed_until", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_outbox_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["event_subscriptions.id"],
            name=op.f("fk_event_outbox_subscription_id_event_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_outbox")),
        sa.UniqueConstraint(
            "subscription_id", "event_id", name=op.f("uq_event_outbox_subscription_id_event_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("event_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_event_outbox_due_at_id", ["due_at", "id"], unique=False)
    op.create_table(
        "addons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("sealed_parameters", sa.Text(), nullable=True),
        sa.Column("signing_salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["id"],
            ["event_subscriptions.id"],
            name=op.f("fk_addons_id_event_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addons")),
    )
    op.create_table(
        "addon_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("retry_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint(
            "state IN ('success', 'failed')", name=op.f("ck_addon_deliveries_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["addon_id"],
            ["addons.id"],
            name=op.f("fk_addon_deliveries_addon_id_addons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_addon_deliveries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addon_deliveries")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("addon_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_addon_deliveries_addon_id_id", ["addon_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_addon_deliveries_event_id"), ["event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("addon_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addon_deliveries_event_id"))
        batch_op.drop_index("ix_addon_deliveries_addon_id_id")
    op.drop_table("addon_deliveries")
    op.drop_table("addons")
    with op.batch_alter_table("event_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_event_outbox_due_at_id")
    op.drop_table("event_outbox")
    op.drop_table("event_subscriptions")
