"""Add in-app notifications, notification settings, Slack links and people's Slack ids.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:30:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and a unique index: no batch re-creation of the users table.
    op.add_column("users", sa.Column("slack_user_id", sa.String(length=32), nullable=True))
    op.add_column("users", sa.Column("slack_handle", sa.String(length=80), nullable=True))
    op.create_index("uq_users_slack_user_id", "users", ["slack_user_id"], unique=True)
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('award_mail', 'in_app', 'digest')",
            name=op.f("ck_notification_settings_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "slack_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("slack_team_id", sa.String(length=32), nullable=False),
        sa.Column("slack_handle", sa.String(length=80), nullable=True),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["users.id"], name=op.f("fk_slack_links_used_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_slack_links_token_hash")),
    )
    op.create_index("ix_slack_links_slack_user_id", "slack_links", ["slack_user_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("bonus_run_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("read_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('award_received', 'award_reversed', 'bonus_paid')",
            name=op.f("ck_notifications_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_notifications_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["bonus_run_id"],
            ["bonus_runs.id"],
            name=op.f("fk_notifications_bonus_run_id_bonus_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operations.id"],
            name=op.f("fk_notifications_operation_id_operations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_unread", "notifications", ["user_id", "read_at"])
    op.create_index("ix_notifications_user_id", "notifications", ["user_id", "id"])


def downgrade():
    op.drop_table("notifications")
    op.drop_table("slack_links")
    op.drop_table("notification_settings")
    op.drop_index("uq_users_slack_user_id", table_name="users")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("slack_handle")
        batch_op.drop_column("slack_user_id")
