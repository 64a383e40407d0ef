"""The first schema: orders, item states and history, timers, jobs, payment records,
refund bookings, the API call log and the IPN inbox.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 16:23:49.795627
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amzpay.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ipn_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("notification_type", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ipn_inbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_ipn_inbox_message_id")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("customer_email", sa.String(length=320), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("amazon_order_reference_id", sa.String(length=32), nullable=True),
        sa.Column("process", sa.String(length=64), nullable=False),
        sa.Column("created_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("reference", name=op.f("uq_orders_reference")),
    )
    op.create_table(
        "amazon_api_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.String(length=64), nullable=True),
        sa.Column("amazon_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("started_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amazon_api_calls_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_api_calls")),
    )
    with op.batch_alter_table("amazon_api_calls", schema=None) as batch_op:
        batch_op.create_index("ix_amazon_api_calls_reference_id", ["reference_id"], unique=False)

    op.create_table(
        "amazon_order_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amazon_order_reference_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("updated_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("observed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amazon_order_references_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_order_references")),
        sa.UniqueConstraint(
            "amazon_order_reference_id",
            name=op.f("uq_amazon_order_references_amazon_order_reference_id"),
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_amazon_order_references_order_id")),
    )
    op.create_table(
        "item_state_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("from_state", sa.String(length=64), nullable=True),
        sa.Column("to_state", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_item_state_history_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_state_history")),
    )
    with op.batch_alter_table("item_state_history", schema=None) as batch_op:
        batch_op.create_index("ix_item_state_history_order", ["order_id", "id"], unique=False)

    op.create_table(
        "oms_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_before", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_until", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_oms_jobs_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oms_jobs")),
    )
    with op.batch_alter_table("oms_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oms_jobs_status_not_before", ["status", "not_before"], unique=False
        )

    op.create_table(
        "oms_timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("due_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_oms_timers_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oms_timers")),
        sa.UniqueConstraint("order_id", "item_id", "event", name=op.f("uq_oms_timers_order_id")),
    )
    with op.batch_alter_table("oms_timers", schema=None) as batch_op:
        batch_op.create_index("ix_oms_timers_due_at", ["due_at"], unique=False)

    op.create_table(
        "order_bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("gross_price", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_bundles_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_bundles")),
        sa.UniqueConstraint("order_id", "bundle_id", name=op.f("uq_order_bundles_order_id")),
    )
    op.create_table(
        "order_expenses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("expense_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("gross_price", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", sa.String(length=16), nullable=False),
        sa.Column("tax_amount", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=True),
        sa.Column("capture_id", sa.String(length=64), nullable=True),
        sa.Column("refund_status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("refund_booked", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refund_pending", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_expenses_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_expenses")),
        sa.UniqueConstraint("order_id", "expense_id", name=op.f("uq_order_expenses_order_id")),
    )
    op.create_table(
        "order_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("unit_gross_price", sa.BigInteger(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=True),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", sa.String(length=16), nullable=False),
        sa.Column("tax_amount", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=True),
        sa.Column("capture_id", sa.String(length=64), nullable=True),
        sa.Column("refund_status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("refund_booked", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refund_pending", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("state", sa.String(length=64), nullable=True),
        sa.Column("state_entered_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
        sa.UniqueConstraint("order_id", "item_id", name=op.f("uq_order_items_order_id")),
    )
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.create_index("ix_order_items_state", ["state"], unique=False)

    op.create_table(
        "order_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_shipments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_shipments")),
        sa.UniqueConstraint("order_id", "shipment_id", name=op.f("uq_order_shipments_order_id")),
    )
    op.create_table(
        "amazon_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amazon_authorization_id", sa.String(length=64), nullable=True),
        sa.Column("capture_now", sa.Boolean(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("reference_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("observed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["oms_jobs.id"], name=op.f("fk_amazon_authorizations_job_id_oms_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amazon_authorizations_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_authorizations")),
        sa.UniqueConstraint(
            "amazon_authorization_id", name=op.f("uq_amazon_authorizations_amazon_authorization_id")
        ),
        sa.UniqueConstraint("reference_id", name=op.f("uq_amazon_authorizations_reference_id")),
    )
    op.create_table(
        "amazon_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=False),
        sa.Column("amazon_capture_id", sa.String(length=64), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("reference_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("observed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["amazon_authorizations.id"],
            name=op.f("fk_amazon_captures_authorization_id_amazon_authorizations"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["oms_jobs.id"], name=op.f("fk_amazon_captures_job_id_oms_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amazon_captures_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_captures")),
        sa.UniqueConstraint("amazon_capture_id", name=op.f("uq_amazon_captures_amazon_capture_id")),
        sa.UniqueConstraint("reference_id", name=op.f("uq_amazon_captures_reference_id")),
    )
    op.create_table(
        "amazon_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("amazon_refund_id", sa.String(length=64), nullable=True),
        sa.Column("over_refund", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reference_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("observed_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["amazon_captures.id"],
            name=op.f("fk_amazon_refunds_capture_id_amazon_captures"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["oms_jobs.id"], name=op.f("fk_amazon_refunds_job_id_oms_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amazon_refunds_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_refunds")),
        sa.UniqueConstraint("amazon_refund_id", name=op.f("uq_amazon_refunds_amazon_refund_id")),
        sa.UniqueConstraint("reference_id", name=op.f("uq_amazon_refunds_reference_id")),
    )
    op.create_table(
        "amazon_refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["amazon_refunds.id"],
            name=op.f("fk_amazon_refund_lines_refund_id_amazon_refunds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amazon_refund_lines")),
        sa.UniqueConstraint("refund_id", "line_id", name=op.f("uq_amazon_refund_lines_refund_id")),
    )
    op.create_table(
        "refund_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("booked_at", amzpay.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["amazon_refunds.id"],
            name=op.f("fk_refund_bookings_refund_id_amazon_refunds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_bookings")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_refund_bookings_refund_id")),
    )


def downgrade() -> None:
    op.drop_table("refund_bookings")
    op.drop_table("amazon_refund_lines")
    op.drop_table("amazon_refunds")
    op.drop_table("amazon_captures")
    op.drop_table("amazon_authorizations")
    op.drop_table("order_shipments")
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_index("ix_order_items_state")

    op.drop_table("order_items")
    op.drop_table("order_expenses")
    op.drop_table("order_bundles")
    with op.batch_alter_table("oms_timers", schema=None) as batch_op:
        batch_op.drop_index("ix_oms_timers_due_at")

    op.drop_table("oms_timers")
    with op.batch_alter_table("oms_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_oms_jobs_status_not_before")

    op.drop_table("oms_jobs")
    with op.batch_alter_table("item_state_history", schema=None) as batch_op:
        batch_op.drop_index("ix_item_state_history_order")

    op.drop_table("item_state_history")
    op.drop_table("amazon_order_references")
    with op.batch_alter_table("amazon_api_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_amazon_api_calls_reference_id")

    op.drop_table("amazon_api_calls")
    op.drop_table("orders")
    op.drop_table("ipn_inbox")
