"""The flows: the poll schedule of payment records, refunds' seller notes, the mail outbox,
external refunds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amzpay.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PAYMENTS = ("amazon_authorizations", "amazon_captures", "amazon_refunds")


def _stamp() -> amzpay.store.types.UtcDateTime:
    return amzpay.store.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    for table in _PAYMENTS:
        op.add_column(table, sa.Column("polls", sa.Integer(), server_default="0", nullable=False))
        op.add_column(table, sa.Column("next_poll_at", _stamp(), nullable=True))
    op.add_column("amazon_refunds", sa.Column("seller_note", sa.String(length=255), nullable=True))
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("mail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_before", _stamp(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _stamp(), nullable=False),
        sa.Column("sent_at", _stamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_mail_outbox_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(
        "ix_mail_outbox_status_not_before", "mail_outbox", ["status", "not_before"], unique=False
    )
    op.create_table(
        "external_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("amazon_refund_id", sa.String(length=64), nullable=False),
        sa.Column("reference_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("first_seen_at", _stamp(), nullable=False),
        sa.Column("updated_at", _stamp(), nullable=False),
        sa.Column("acknowledged_at", _stamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_external_refunds_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_refunds")),
        sa.UniqueConstraint("amazon_refund_id", name=op.f("uq_external_refunds_amazon_refund_id")),
    )


def downgrade() -> None:
    op.drop_table("external_refunds")
    op.drop_index("ix_mail_outbox_status_not_before", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("amazon_refunds") as batch:
        batch.drop_column("seller_note")
    for table in _PAYMENTS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("next_poll_at")
            batch.drop_column("polls")
