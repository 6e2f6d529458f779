"""SCIM provisioning: the identity provider's externalId for a person, and when the provider
deleted them (Baton deactivates and keeps them; SCIM answers 404 from then on).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and an index: no batch re-creation of the users table.
    op.add_column("users", sa.Column("scim_external_id", sa.String(length=255), nullable=True))
    op.add_column(
        "users", sa.Column("scim_deleted_at", ledger.models.types.UTCDateTime(), nullable=True)
    )
    op.create_index("ix_users_scim_external_id", "users", ["scim_external_id"])


def downgrade():
    op.drop_index("ix_users_scim_external_id", table_name="users")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("scim_deleted_at")
        batch_op.drop_column("scim_external_id")
