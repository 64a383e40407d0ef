"""An IPN whose application failed is tried again later: how often it was tried, and when
next.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amzpay.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "ipn_inbox", sa.Column("attempts", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "ipn_inbox",
        sa.Column("next_attempt_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("ipn_inbox") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
