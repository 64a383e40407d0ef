"""The Amazon API each order is paid through; the orders stored before are the legacy API's.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("amazon_api", sa.String(length=8), nullable=False, server_default="legacy")
        )


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("amazon_api")
