"""The database schema, as SQLAlchemy Core tables (the domain stays free of SQLAlchemy).

Amounts are integers in the currency's minor unit next to their currency; timestamps are
timezone-aware. Every Amazon payment object (order reference, authorization, capture, refund)
has its own row with its own state, reason code, Amazon id and our reference id: never one
status column shared between them. Alembic's migrations (``migrations/``) create exactly this
schema; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from amzpay.store.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = Integer
Stamp = UtcDateTime()
Minor = BigInteger  # an amount in minor units; 150,000.00 EUR fits an int, totals may not
Currency = String(3)
ReferenceId = String(32)  # Amazon: [A-Za-z0-9_-], at most 32 characters


def _order_fk() -> Column[int]:
    return Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)


orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("currency", Currency, nullable=False),
    Column("customer_email", String(320), nullable=False),
    Column("locale", String(16), nullable=False),
    Column("amazon_order_reference_id", String(32)),
    # The Amazon API the order is paid through (domain.order.AmazonApi's values).
    Column("amazon_api", String(8), nullable=False, server_default="legacy"),
    Column("process", String(64), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("closed_at", Stamp),
    # Every IPN stored or applied asks which order its Amazon order reference is: 0011.
    Index("ix_orders_amazon_order_reference_id", "amazon_order_reference_id"),
)

shipments = Table(
    "order_shipments",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("shipment_id", String(64), nullable=False),
    Column("method", String(128), nullable=False),
    UniqueConstraint("order_id", "shipment_id"),
)

bundles = Table(
    "order_bundles",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("bundle_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("gross_price", Minor, nullable=False),
    UniqueConstraint("order_id", "bundle_id"),
)


def _line_columns() -> list[Column[object]]:
    """What items and expenses share: price parts and their capture (what refunds hold of
    them is read from the refunds' own records)."""
    return [
        Column("discount", Minor, nullable=False),
        Column("tax_rate", String(16), nullable=False),  # a Decimal, kept exact as text
        Column("tax_amount", Minor, nullable=False),
        Column("shipment_id", String(64)),
        Column("capture_id", String(64)),
    ]


items = Table(
    "order_items",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("item_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("unit_gross_price", Minor, nullable=False),
    Column("options", JSON, nullable=False),
    Column("bundle_id", String(64)),
    *_line_columns(),
    Column("state", String(64)),  # the item's OMS state; NULL until its process starts
    Column("state_entered_at", Stamp),
    UniqueConstraint("order_id", "item_id"),
    Index("ix_order_items_state", "state"),
)

expenses = Table(
    "order_expenses",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("expense_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("gross_price", Minor, nullable=False),
    *_line_columns(),
    UniqueConstraint("order_id", "expense_id"),
)

order_buyers = Table(
    "order_buyers",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("buyer_name", String(255)),
    Column("buyer_email", String(320)),
    Column("buyer_phone", String(64)),
    Column("ship_name", String(255)),
    Column("ship_line1", String(255)),
    Column("ship_line2", String(255)),
    Column("ship_line3", String(255)),
    Column("ship_city", String(255)),
    Column("ship_postal_code", String(32)),
    Column("ship_country_code", String(2)),
    Column("ship_region", String(255)),
    Column("ship_phone", String(64)),
)
"""Who bought an order and where it ships (personal data: read only for the order's pages,
never logged)."""

state_history = Table(
    "item_state_history",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("item_id", String(64), nullable=False),
    Column("from_state", String(64)),
    Column("to_state", String(64), nullable=False),
    Column("event", String(64)),
    Column("actor", String(128), nullable=False),
    Column("at", Stamp, nullable=False),
    Index("ix_item_state_history_order", "order_id", "id"),
)

timers = Table(
    "oms_timers",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("item_id", String(64), nullable=False),
    Column("state", String(64), nullable=False),
    Column("event", String(64), nullable=False),
    Column("due_at", Stamp, nullable=False),
    UniqueConstraint("order_id", "item_id", "event"),
    Index("ix_oms_timers_due_at", "due_at"),
)

jobs = Table(
    "oms_jobs",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("command", String(64), nullable=False),
    Column("event", String(64), nullable=False),
    Column("items", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # due, running, done, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("not_before", Stamp, nullable=False),
    Column("claimed_by", String(128)),
    Column("claimed_until", Stamp),
    Column("last_error", Text),
    Column("created_at", Stamp, nullable=False),
    Column("finished_at", Stamp),
    Index("ix_oms_jobs_status_not_before", "status", "not_before"),
)


def _payment_columns() -> list[Column[object]]:
    """What every Amazon payment object row has."""
    return [
        Column("reference_id", ReferenceId, nullable=False, unique=True),
        Column("state", String(32), nullable=False),
        Column("reason_code", String(64)),
        Column("error_code", String(64)),
        Column("error_message", Text),
        Column("amount", Minor, nullable=False),
        Column("currency", Currency, nullable=False),
        Column("created_at", Stamp, nullable=False),
        Column("updated_at", Stamp, nullable=False),
        Column("observed_at", Stamp),  # Amazon's timestamp of the last state applied
        Column("job_id", Id, ForeignKey("oms_jobs.id")),  # the command that made it
        # The poll for lost IPNs (services/polling.py): how often asked, when next.
        Column("polls", Integer, nullable=False, server_default="0"),
        Column("next_poll_at", Stamp),
    ]


order_references = Table(
    "amazon_order_references",
    metadata,
    Column("id", Id, primary_key=True),
    Column(
        "order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True
    ),
    Column("amazon_order_reference_id", String(32), nullable=False, unique=True),
    Column("state", String(32), nullable=False),
    Column("reason_code", String(64)),
    Column("updated_at", Stamp, nullable=False),
    Column("observed_at", Stamp),
)

authorizations = Table(
    "amazon_authorizations",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("amazon_authorization_id", String(64), unique=True),
    Column("capture_now", Boolean, nullable=False),
    Column("items", JSON, nullable=False),
    *_payment_columns(),
)

captures = Table(
    "amazon_captures",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("authorization_id", Id, ForeignKey("amazon_authorizations.id"), nullable=False),
    Column("amazon_capture_id", String(64), unique=True),
    Column("items", JSON, nullable=False),
    *_payment_columns(),
)

refunds = Table(
    "amazon_refunds",
    metadata,
    Column("id", Id, primary_key=True),
    _order_fk(),
    Column("capture_id", Id, ForeignKey("amazon_captures.id"), nullable=False),
    Column("amazon_refund_id", String(64), unique=True),
    Column("over_refund", Minor, nullable=False, server_default="0"),
    *_payment_columns(),
    # Amazon's SellerRefundNote (<= 255 characters; in the sandbox, a simulation string)
    Column("seller_note", String(255)),
)

refund_lines = Table(
    "amazon_refund_lines",
    metadata,
    Column("id", Id, primary_key=True),
    Column("refund_id", Id, ForeignKey("amazon_refunds.id", ondelete="CASCADE"), nullable=False),
    Column("line_id", String(64), nullable=False),
    Column("kind", String(8), nullable=False),  # item or expense
    Column("amount", Minor, nullable=False),
    UniqueConstraint("refund_id", "line_id"),
)

refund_bookings = Table(
    "refund_bookings",
    metadata,
    Column("id", Id, primary_key=True),
    # unique: a completed refund is booked once, however often Amazon says so
    Column("refund_id", Id, ForeignKey("amazon_refunds.id"), nullable=False, unique=True),
    Column("amount", Minor, nullable=False),
    Column("currency", Currency, nullable=False),
    Column("booked_at", Stamp, nullable=False),
)

api_calls = Table(
    # Every HTTP attempt, as the client's CallLog port reports it (amzpay.amazonpay.calllog);
    # parameters arrive redacted (ids, reference ids, amounts and flags only).
    "amazon_api_calls",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="SET NULL")),
    Column("operation", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("reference_id", String(64)),
    Column("amazon_id", String(64)),
    Column("outcome", String(16), nullable=False),  # ok, declined, failed, retryable
    Column("http_status", Integer),
    Column("request_id", String(64)),
    Column("error_code", String(64)),
    Column("parameters", JSON, nullable=False),
    Column("started_at", Stamp, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_amazon_api_calls_reference_id", "reference_id"),
)

ipn_inbox = Table(
    "ipn_inbox",
    metadata,
    Column("id", Id, primary_key=True),
    Column("message_id", String(128), nullable=False, unique=True),
    Column("notification_type", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", Stamp, nullable=False),
    Column("processed_at", Stamp),
    Column("error", Text),
    # An application that failed is tried again (services/inbox.py RETRIES): 0004.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Stamp),
    # What the message is about, read once at receipt (0005); empty for messages stored
    # before, and for those that are about no Amazon object we read.
    Column("object_kind", String(32)),
    Column("amazon_id", String(64)),
    Column("object_state", String(32)),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="SET NULL"), index=True),
)

mail_outbox = Table(
    # E-mails queued by the state change that calls for them, sent after the commit.
    "mail_outbox",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="SET NULL")),
    Column("kind", String(32), nullable=False),
    Column("audience", String(8), nullable=False),  # buyer or staff
    Column("mail", Text, nullable=False),  # amzpay.mail.Mail as JSON
    Column("status", String(8), nullable=False),  # due, sent, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("not_before", Stamp, nullable=False),
    Column("last_error", Text),
    Column("created_at", Stamp, nullable=False),
    Column("sent_at", Stamp),
    Index("ix_mail_outbox_status_not_before", "status", "not_before"),
)

external_refunds = Table(
    # Refunds Amazon told us about that we never asked for (made in Seller Central):
    # recorded, never booked on items, flagged for staff until acknowledged.
    "external_refunds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="SET NULL")),
    Column("amazon_refund_id", String(64), nullable=False, unique=True),
    Column("reference_id", String(64), nullable=False),
    Column("state", String(32), nullable=False),
    Column("reason_code", String(64)),
    Column("amount", Minor),
    Column("currency", Currency),
    Column("first_seen_at", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    Column("acknowledged_at", Stamp),
    Column("acknowledged_by", String(64)),
)

staff_users = Table(
    # Back-office users (``amzpay user add``); the password only as an argon2 hash.
    "staff_users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128)),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("last_login_at", Stamp),
)

staff_sessions = Table(
    # A logged-in browser: the cookie holds the token, the table only its SHA-256, so a leaked
    # database opens no session. Logging out deletes the row.
    "staff_sessions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Id, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("expires_at", Stamp, nullable=False),
)

api_tokens = Table(
    # Machine clients of the REST API (``amzpay token add``): the secret is shown once, the
    # table keeps its SHA-256.
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Stamp, nullable=False),
    Column("last_used_at", Stamp),
    Column("revoked_at", Stamp),
)

login_failures = Table(
    # Failed back-office logins, as staff read them, and what the login throttle counts: per
    # username (as typed, whether or not such a user exists) and per client address.
    "login_failures",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", Stamp, nullable=False),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # amzpay.services.login_limits.LoginFailure
    Index("ix_login_failures_username_at", "username", "at"),
    Index("ix_login_failures_address_at", "address", "at"),
    Index("ix_login_failures_at", "at"),
)

instance_settings = Table(
    # What one amzpay process records for the others on the same database: the URL of the
    # simulator that ``amzpay serve --simulator`` serves for it (sandbox-simulator mode).
    "instance_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Stamp, nullable=False),
)
