"""Bonus runs may weight points by distinct internal customers: points x min(1, customers / k).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    # NULL: the run does not weight (every run before this one). The services check the range.
    op.add_column("bonus_runs", sa.Column("customers_k", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("bonus_runs") as batch:
        batch.drop_column("customers_k")
