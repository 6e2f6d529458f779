"""Invitations and password resets (one-time links, stored as hashes), when each person last
signed in (to invite those who never did), and the OpenID Connect subject for SSO.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 18:10:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and a unique index: no batch re-creation of the users table.
    op.add_column(
        "users", sa.Column("signed_in_at", ledger.models.types.UTCDateTime(), nullable=True)
    )
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("uq_users_oidc_subject", "users", ["oidc_subject"], unique=True)
    # Whoever signed in before this migration is not "never signed in".
    op.execute(
        "UPDATE users SET signed_in_at = (SELECT max(a.created_at) FROM audit_events a "
        "WHERE a.action = 'sign_in' AND a.object_type = 'user' "
        "AND a.object_id = CAST(users.id AS VARCHAR(64)))"
    )
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitation', 'reset')", name=op.f("ck_password_links_purpose")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_password_links_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
    )
    op.create_index("ix_password_links_user_id", "password_links", ["user_id"])


def downgrade():
    op.drop_index("ix_password_links_user_id", table_name="password_links")
    op.drop_table("password_links")
    op.drop_index("uq_users_oidc_subject", table_name="users")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("signed_in_at")
