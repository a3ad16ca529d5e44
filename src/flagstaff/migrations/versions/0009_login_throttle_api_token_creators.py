"""Login throttling per login name and client address instead of account lockout, and the
creator of every API token.

The lockout's columns on ``users`` go: failed logins are counted in ``login_failures`` now, by
name and address, for names that belong to nobody as for those that belong to someone. Existing
API tokens keep working; each gets the name its ``api-token-created`` event recorded as its
creator, where the event log still has it.

Downgrading brings back the lockout's columns with no account locked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import flagstaff.core.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_digest", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", flagstaff.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_failures_failures_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sa.UniqueConstraint(
            "name_digest", "address", name=op.f("uq_login_failures_name_digest_address")
        ),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_window_start"), ["window_start"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_login_attempts_not_negative"), type_="check")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("login_attempts")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=255), nullable=True))
    _creators_from_events()


def _creators_from_events() -> None:
    connection = op.get_bind()
    events = connection.execute(
        sa.text("SELECT created_by, data FROM events WHERE type = 'api-token-created' ORDER BY id")
    )
    creators: dict[str, str] = {}
    for created_by, data in events:
        # JSONB arrives parsed on PostgreSQL; SQLite's JSON arrives as text.
        content: Any = json.loads(data) if isinstance(data, str) else data
        selector = content.get("selector") if isinstance(content, dict) else None
        if isinstance(selector, str) and created_by:
            creators[selector] = created_by
    for selector, created_by in creators.items():
        connection.execute(
            sa.text("UPDATE api_tokens SET created_by = :by WHERE selector = :selector"),
            {"by": created_by, "selector": selector},
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("created_by")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("login_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", flagstaff.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_check_constraint(
            op.f("ck_users_login_attempts_not_negative"), "login_attempts >= 0"
        )
    # The default only filled the existing rows: 0001 created the column without one.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("login_attempts", server_default=None)
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_window_start"))
    op.drop_table("login_failures")
