"""Create the ledger core: people, accounts, transfers, awards, audit and tokens.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 10:37:11.666785
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types
from migrations.triggers import create_append_only, drop_append_only

APPEND_ONLY = ("transfers", "awards", "award_lines", "reversals", "audit_events", "seals")
SYSTEM_ACCOUNTS = ("issuance", "expired", "converted", "adjustments")
SERVICE_KINDS = (
    ("need", "Met my need", "Met my real need: I, the internal customer, placed the order."),
    ("proactive", "Proactive", "Helped before I asked."),
    ("handoff", "Clean hand-off", "Passed the baton cleanly: nothing dropped, nothing to chase."),
    ("lead-time", "Lead time", "Gave me lead time to prepare."),
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("principal", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("transfer_count", sa.Integer(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'rejected')", name=op.f("ck_operations_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations")),
    )
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.create_index(
            "uq_operations_idempotency",
            ["principal", "idempotency_key"],
            unique=True,
            sqlite_where=sa.text("idempotency_key IS NOT NULL"),
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
        )

    op.create_table(
        "periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=8), nullable=False),
        sa.Column("starts_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("ends_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("base_allowance", sa.Integer(), nullable=False),
        sa.Column("manager_boost", sa.Integer(), nullable=False),
        sa.Column("max_points_per_recipient", sa.Integer(), nullable=False),
        sa.Column("pair_cap", sa.Integer(), nullable=True),
        sa.Column("closed_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periods")),
        sa.UniqueConstraint("key", name=op.f("uq_periods_key")),
    )
    op.create_table(
        "service_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_service_kinds_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("employee_number", sa.String(length=64), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            ledger.models.types.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("deactivated_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('person', 'bot', 'service')", name=op.f("ck_users_kind")),
        sa.CheckConstraint("role IN ('employee', 'manager', 'admin')", name=op.f("ck_users_role")),
        sa.CheckConstraint(
            "manager_id IS NULL OR manager_id <> id", name=op.f("ck_users_not_own_manager")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_users_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_users_manager_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("employee_number", name=op.f("uq_users_employee_number")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_department_id", ["department_id"], unique=False)
        batch_op.create_index("ix_users_manager_id", ["manager_id"], unique=False)

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("bounded", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'allowance') = (period_id IS NOT NULL)",
            name=op.f("ck_accounts_period_iff_allowance"),
        ),
        sa.CheckConstraint(
            "kind IN ('allowance', 'earned', 'clawback', 'issuance', 'expired', 'converted', 'adjustments')",
            name=op.f("ck_accounts_kind"),
        ),
        sa.CheckConstraint(
            "NOT bounded OR balance >= 0", name=op.f("ck_accounts_bounded_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name=op.f("fk_accounts_period_id_periods")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_accounts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_period_id", ["period_id"], unique=False)
        batch_op.create_index(
            "uq_accounts_allowance",
            ["user_id", "period_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'allowance'"),
            postgresql_where=sa.text("kind = 'allowance'"),
        )
        batch_op.create_index(
            "uq_accounts_clawback",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'clawback'"),
            postgresql_where=sa.text("kind = 'clawback'"),
        )
        batch_op.create_index(
            "uq_accounts_earned",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'earned'"),
            postgresql_where=sa.text("kind = 'earned'"),
        )
        batch_op.create_index(
            "uq_accounts_system",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.String(length=100), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_api_tokens_user_id", ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_id"], ["users.id"], name=op.f("fk_audit_events_on_behalf_of_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operations.id"],
            name=op.f("fk_audit_events_operation_id_operations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_created_at", ["created_at"], unique=False)

    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("service_kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("points_per_recipient", sa.Integer(), nullable=False),
        sa.Column("points_total", sa.Integer(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("points_per_recipient > 0", name=op.f("ck_awards_points_positive")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_awards_actor_id_users")),
        sa.ForeignKeyConstraint(["giver_id"], ["users.id"], name=op.f("fk_awards_giver_id_users")),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_awards_operation_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name=op.f("fk_awards_period_id_periods")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("operation_id", name=op.f("uq_awards_operation_id")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index("ix_awards_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_awards_giver_id", ["giver_id", "period_id"], unique=False)

    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("period_length", sa.String(length=8), nullable=False),
        sa.Column("base_allowance", sa.Integer(), nullable=False),
        sa.Column("manager_boost", sa.Integer(), nullable=False),
        sa.Column("max_points_per_recipient", sa.Integer(), nullable=False),
        sa.Column("pair_cap", sa.Integer(), nullable=True),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "period_length IN ('month', 'quarter')", name=op.f("ck_policies_period_length")
        ),
        sa.CheckConstraint(
            "base_allowance >= 0 AND manager_boost >= 0", name=op.f("ck_policies_amounts")
        ),
        sa.CheckConstraint("max_points_per_recipient >= 1", name=op.f("ck_policies_max_points")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_policies_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
    )
    op.create_table(
        "award_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("cross_department", sa.Boolean(), nullable=False),
        sa.Column("service_kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('up', 'down', 'lateral')", name=op.f("ck_award_lines_direction")
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_award_lines_points_positive")),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_award_lines_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["users.id"], name=op.f("fk_award_lines_giver_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_award_lines_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_lines")),
    )
    with op.batch_alter_table("award_lines", schema=None) as batch_op:
        batch_op.create_index("ix_award_lines_award_id", ["award_id"], unique=False)
        batch_op.create_index("ix_award_lines_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_award_lines_giver", ["giver_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_award_lines_recipient", ["recipient_id", "created_at"], unique=False
        )

    op.create_table(
        "reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("clawback", sa.Boolean(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_reversals_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_reversals_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_reversals_operation_id_operations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reversals")),
        sa.UniqueConstraint("award_id", name=op.f("uq_reversals_award_id")),
        sa.UniqueConstraint("operation_id", name=op.f("uq_reversals_operation_id")),
    )
    op.create_table(
        "seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("transfer_count", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_seals_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_seals_operation_id_operations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seals")),
        sa.UniqueConstraint("account_id", name=op.f("uq_seals_account_id")),
    )
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("debit_account_id", sa.Integer(), nullable=False),
        sa.Column("credit_account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("award_line_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=True),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_transfers_amount_positive")),
        sa.CheckConstraint(
            "debit_account_id <> credit_account_id", name=op.f("ck_transfers_distinct_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["award_line_id"],
            ["award_lines.id"],
            name=op.f("fk_transfers_award_line_id_award_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["credit_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfers_credit_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfers_debit_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_transfers_operation_id_operations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transfers_credit_account_id", ["credit_account_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_transfers_debit_account_id", ["debit_account_id", "id"], unique=False
        )
        batch_op.create_index("ix_transfers_operation_id", ["operation_id"], unique=False)

    for table in APPEND_ONLY:
        create_append_only(table)
    accounts = sa.table(
        "accounts",
        sa.column("kind"),
        sa.column("bounded"),
        sa.column("balance"),
        sa.column("version"),
    )
    op.bulk_insert(
        accounts,
        [{"kind": kind, "bounded": False, "balance": 0, "version": 0} for kind in SYSTEM_ACCOUNTS],
    )
    kinds = sa.table(
        "service_kinds",
        sa.column("code"),
        sa.column("name"),
        sa.column("description"),
        sa.column("builtin"),
        sa.column("active"),
    )
    op.bulk_insert(
        kinds,
        [
            {
                "code": code,
                "name": name,
                "description": description,
                "builtin": True,
                "active": True,
            }
            for code, name, description in SERVICE_KINDS
        ],
    )


def downgrade():
    for table in APPEND_ONLY:
        drop_append_only(table)
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_operation_id")
        batch_op.drop_index("ix_transfers_debit_account_id")
        batch_op.drop_index("ix_transfers_credit_account_id")

    op.drop_table("transfers")
    op.drop_table("seals")
    op.drop_table("reversals")
    with op.batch_alter_table("award_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_award_lines_recipient")
        batch_op.drop_index("ix_award_lines_giver")
        batch_op.drop_index("ix_award_lines_created_at")
        batch_op.drop_index("ix_award_lines_award_id")

    op.drop_table("award_lines")
    op.drop_table("policies")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_giver_id")
        batch_op.drop_index("ix_awards_created_at")

    op.drop_table("awards")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_created_at")

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_api_tokens_user_id")

    op.drop_table("api_tokens")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_accounts_system",
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_accounts_earned",
            sqlite_where=sa.text("kind = 'earned'"),
            postgresql_where=sa.text("kind = 'earned'"),
        )
        batch_op.drop_index(
            "uq_accounts_clawback",
            sqlite_where=sa.text("kind = 'clawback'"),
            postgresql_where=sa.text("kind = 'clawback'"),
        )
        batch_op.drop_index(
            "uq_accounts_allowance",
            sqlite_where=sa.text("kind = 'allowance'"),
            postgresql_where=sa.text("kind = 'allowance'"),
        )
        batch_op.drop_index("ix_accounts_period_id")

    op.drop_table("accounts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_manager_id")
        batch_op.drop_index("ix_users_department_id")

    op.drop_table("users")
    op.drop_table("service_kinds")
    op.drop_table("periods")
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_operations_idempotency",
            sqlite_where=sa.text("idempotency_key IS NOT NULL"),
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
        )

    op.drop_table("operations")
    op.drop_table("departments")
