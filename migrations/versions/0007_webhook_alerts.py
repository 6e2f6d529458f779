"""Tell a webhook's owner when the worker disables it: an in-app notice with no operation
behind it (the worker's), and a setting for the alert mail.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 14:30:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_NOTICES = "kind IN ('award_received', 'award_reversed', 'bonus_paid')"
NEW_NOTICES = "kind IN ('award_received', 'award_reversed', 'bonus_paid', 'webhook_disabled')"
OLD_SETTINGS = "kind IN ('award_mail', 'in_app', 'digest')"
NEW_SETTINGS = "kind IN ('award_mail', 'in_app', 'digest', 'webhook_mail')"


def _notifications(check: str, operation_nullable: bool) -> sa.Table:
    """The table as it stands, given to batch mode (SQLite cannot reflect its CHECK)."""
    return sa.Table(
        "notifications",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_notifications_user_id_users"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "operation_id",
            sa.Integer(),
            sa.ForeignKey("operations.id", name="fk_notifications_operation_id_operations"),
            nullable=operation_nullable,
        ),
        sa.Column(
            "award_id",
            sa.Integer(),
            sa.ForeignKey("awards.id", name="fk_notifications_award_id_awards"),
            nullable=True,
        ),
        sa.Column(
            "bonus_run_id",
            sa.Integer(),
            sa.ForeignKey("bonus_runs.id", name="fk_notifications_bonus_run_id_bonus_runs"),
            nullable=True,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("read_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(check, name="ck_notifications_kind"),
        sa.Index("ix_notifications_unread", "user_id", "read_at"),
        sa.Index("ix_notifications_user_id", "user_id", "id"),
    )


def _settings(check: str) -> sa.Table:
    return sa.Table(
        "notification_settings",
        sa.MetaData(),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_notification_settings_user_id_users"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(check, name="ck_notification_settings_kind"),
    )


def _change(old_notices, new_notices, old_settings, new_settings, nullable_before, nullable):
    with op.batch_alter_table(
        "notifications", copy_from=_notifications(old_notices, nullable_before)
    ) as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), sa.text(new_notices))
        batch.alter_column("operation_id", existing_type=sa.Integer(), nullable=nullable)
    with op.batch_alter_table("notification_settings", copy_from=_settings(old_settings)) as batch:
        batch.drop_constraint(op.f("ck_notification_settings_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notification_settings_kind"), sa.text(new_settings))


def upgrade():
    _change(OLD_NOTICES, NEW_NOTICES, OLD_SETTINGS, NEW_SETTINGS, False, True)


def downgrade():
    op.execute("DELETE FROM notifications WHERE operation_id IS NULL OR kind = 'webhook_disabled'")
    op.execute("DELETE FROM notification_settings WHERE kind = 'webhook_mail'")
    _change(NEW_NOTICES, OLD_NOTICES, NEW_SETTINGS, OLD_SETTINGS, True, False)
