"""Who bought an order and where it ships, as Amazon told the shop at checkout.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_buyers",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("buyer_name", sa.String(length=255), nullable=True),
        sa.Column("buyer_email", sa.String(length=320), nullable=True),
        sa.Column("buyer_phone", sa.String(length=64), nullable=True),
        sa.Column("ship_name", sa.String(length=255), nullable=True),
        sa.Column("ship_line1", sa.String(length=255), nullable=True),
        sa.Column("ship_line2", sa.String(length=255), nullable=True),
        sa.Column("ship_line3", sa.String(length=255), nullable=True),
        sa.Column("ship_city", sa.String(length=255), nullable=True),
        sa.Column("ship_postal_code", sa.String(length=32), nullable=True),
        sa.Column("ship_country_code", sa.String(length=2), nullable=True),
        sa.Column("ship_region", sa.String(length=255), nullable=True),
        sa.Column("ship_phone", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_buyers_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_buyers")),
    )


def downgrade() -> None:
    op.drop_table("order_buyers")
