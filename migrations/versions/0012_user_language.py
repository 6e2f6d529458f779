"""Each person may choose the language of their pages and mail (English or Simplified Chinese).

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-29 08:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # NULL: follow the browser's Accept-Language (everyone before this migration).
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            op.f("ck_users_language"), "language IS NULL OR language IN ('en', 'zh_Hans')"
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_language", type_="check")
        batch.drop_column("language")
