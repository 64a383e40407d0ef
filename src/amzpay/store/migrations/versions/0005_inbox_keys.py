"""An IPN is read once, when it is received: the inbox keeps what it is about (the kind of
Amazon object, its id and state, and our order) beside the raw body, so an order's IPNs are a
key lookup and the IPN log reads no bodies. Messages stored before keep these empty and are
found as before, by their bodies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ipn_inbox") as batch:
        batch.add_column(sa.Column("object_kind", sa.String(32), nullable=True))
        batch.add_column(sa.Column("amazon_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("object_state", sa.String(32), nullable=True))
        batch.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_ipn_inbox_order_id_orders", "orders", ["order_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_ipn_inbox_order_id", ["order_id"])


def downgrade() -> None:
    with op.batch_alter_table("ipn_inbox") as batch:
        batch.drop_index("ix_ipn_inbox_order_id")
        batch.drop_constraint("fk_ipn_inbox_order_id_orders", type_="foreignkey")
        batch.drop_column("order_id")
        batch.drop_column("object_state")
        batch.drop_column("amazon_id")
        batch.drop_column("object_kind")
