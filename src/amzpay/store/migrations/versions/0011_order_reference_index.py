"""An index on the orders' Amazon order reference: each IPN asks which order it belongs to
(storing it for the worker, applying it, an order reference's own news), which was a scan of
every order.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_index(
            "ix_orders_amazon_order_reference_id", ["amazon_order_reference_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("ix_orders_amazon_order_reference_id")
