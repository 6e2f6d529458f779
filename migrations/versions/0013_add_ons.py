"""An award may add to another (an add-on, "+5, me too"): awards.add_on_to_id.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.triggers import create_append_only, drop_append_only

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with the reference inline on both engines: a batch rebuild would drop
    # the append-only triggers, and SQLite cannot add a constraint after the fact.
    op.add_column(
        "awards",
        sa.Column("add_on_to_id", sa.Integer(), sa.ForeignKey("awards.id"), nullable=True),
        inline_references=True,
    )
    op.create_index("ix_awards_add_on_to_id", "awards", ["add_on_to_id"])


def downgrade() -> None:
    op.drop_index("ix_awards_add_on_to_id", table_name="awards")
    # SQLite drops a column by rebuilding the table, which loses its triggers: put them back.
    drop_append_only("awards")
    with op.batch_alter_table("awards") as batch_op:
        batch_op.drop_column("add_on_to_id")
    create_append_only("awards")
