"""Audit events name the token used and the client's address, and are filtered by person.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 14:20:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.triggers import create_append_only, drop_append_only

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines: a batch rebuild would drop the append-only triggers.
    op.add_column("audit_events", sa.Column("token_id", sa.Integer(), nullable=True))
    op.add_column("audit_events", sa.Column("client_address", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor_id"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_action", table_name="audit_events")
    op.drop_index("ix_audit_events_actor_id", table_name="audit_events")
    # SQLite drops a column by rebuilding the table, which loses its triggers: put them back.
    drop_append_only("audit_events")
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("client_address")
        batch_op.drop_column("token_id")
    create_append_only("audit_events")
