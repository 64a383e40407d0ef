"""Access: back-office users and their sessions, API tokens; who acknowledged an external
refund.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import amzpay.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _stamp() -> amzpay.store.types.UtcDateTime:
    return amzpay.store.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "external_refunds", sa.Column("acknowledged_by", sa.String(length=64), nullable=True)
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _stamp(), nullable=False),
        sa.Column("last_login_at", _stamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", _stamp(), nullable=False),
        sa.Column("expires_at", _stamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _stamp(), nullable=False),
        sa.Column("last_used_at", _stamp(), nullable=True),
        sa.Column("revoked_at", _stamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_api_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
    with op.batch_alter_table("external_refunds") as batch:
        batch.drop_column("acknowledged_by")
