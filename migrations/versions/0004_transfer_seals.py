"""Add the seal chain over all transfers, append-only like the transfers it seals.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:40:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types
from migrations.triggers import create_append_only, drop_append_only

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfer_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.BigInteger(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("transfer_count", sa.Integer(), nullable=False),
        sa.Column("rows_digest", sa.String(length=64), nullable=False),
        sa.Column("row_index", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operations.id"],
            name=op.f("fk_transfer_seals_operation_id_operations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_seals")),
        sa.UniqueConstraint("number", name=op.f("uq_transfer_seals_number")),
    )
    create_append_only("transfer_seals")


def downgrade() -> None:
    drop_append_only("transfer_seals")
    op.drop_table("transfer_seals")
