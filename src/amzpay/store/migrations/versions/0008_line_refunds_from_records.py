"""What refunds hold of an order's lines is read from the refunds' own records: the copies kept
on item and expense rows go.

Nothing is lost: every refund's state and the amount it asked of each line are on its record
(``refunds``, ``refund_lines``), from which the store folds a line's status, booked and
pending amounts when it reads the order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TABLES = ("order_items", "order_expenses")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("refund_pending")
            batch.drop_column("refund_booked")
            batch.drop_column("refund_status")


def downgrade() -> None:
    # The copies come back empty ("open", nothing booked or pending): the store no longer
    # reads them.
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("refund_status", sa.String(16), nullable=False, server_default="open")
            )
            batch.add_column(
                sa.Column("refund_booked", sa.BigInteger(), nullable=False, server_default="0")
            )
            batch.add_column(
                sa.Column("refund_pending", sa.BigInteger(), nullable=False, server_default="0")
            )
