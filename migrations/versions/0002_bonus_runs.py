"""Add bonus runs, their lines and conversions, with the database rules that guard them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:00:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types
from migrations.triggers import create_append_only, drop_append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CONVERSION_COLUMNS = ("id", "award_line_id", "bonus_run_id", "user_id", "points", "created_at")

# The one change a conversion allows: voided_at set once, every other column unchanged.
_VOID_ONCE = "OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL AND " + " AND ".join(
    f"NEW.{column} = OLD.{column}" for column in CONVERSION_COLUMNS
)

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION baton_conversion_void_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_VOID_ONCE} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'conversions is append-only except voiding once: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


def upgrade():
    op.create_table(
        "bonus_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("since_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("until_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=False),
        sa.Column("cents_per_point", sa.BigInteger(), nullable=True),
        sa.Column("pool_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cap_cents", sa.BigInteger(), nullable=True),
        sa.Column("min_points", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("draft_digest", sa.String(length=64), nullable=False),
        sa.Column("total_points", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("commit_operation_id", sa.Integer(), nullable=True),
        sa.Column("void_operation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("committed_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("paid_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.Column("voided_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'committed', 'paid', 'voided')", name=op.f("ck_bonus_runs_status")
        ),
        sa.CheckConstraint("rule IN ('rate', 'pool')", name=op.f("ck_bonus_runs_rule")),
        sa.CheckConstraint(
            "(rule = 'rate' AND cents_per_point > 0 AND pool_cents IS NULL)"
            " OR (rule = 'pool' AND pool_cents > 0 AND cents_per_point IS NULL)",
            name=op.f("ck_bonus_runs_rule_amount"),
        ),
        sa.CheckConstraint(
            "cap_cents IS NULL OR cap_cents > 0", name=op.f("ck_bonus_runs_cap_positive")
        ),
        sa.CheckConstraint("min_points >= 0", name=op.f("ck_bonus_runs_min_points")),
        sa.CheckConstraint("until_at > since_at", name=op.f("ck_bonus_runs_window")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_bonus_runs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["commit_operation_id"],
            ["operations.id"],
            name=op.f("fk_bonus_runs_commit_operation_id_operations"),
        ),
        sa.ForeignKeyConstraint(
            ["void_operation_id"],
            ["operations.id"],
            name=op.f("fk_bonus_runs_void_operation_id_operations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_runs")),
    )
    op.create_index("ix_bonus_runs_created_by_id", "bonus_runs", ["created_by_id"])
    op.create_table(
        "bonus_run_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bonus_run_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("clawback_points", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("forfeited_cents", sa.BigInteger(), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("inactive", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "points >= 0 AND clawback_points >= 0", name=op.f("ck_bonus_run_lines_points")
        ),
        sa.CheckConstraint(
            "amount_cents >= 0 AND forfeited_cents >= 0", name=op.f("ck_bonus_run_lines_amounts")
        ),
        sa.ForeignKeyConstraint(
            ["bonus_run_id"],
            ["bonus_runs.id"],
            name=op.f("fk_bonus_run_lines_bonus_run_id_bonus_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bonus_run_lines_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_run_lines")),
    )
    op.create_index(
        "uq_bonus_run_lines_person", "bonus_run_lines", ["bonus_run_id", "user_id"], unique=True
    )
    op.create_table(
        "conversions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_line_id", sa.Integer(), nullable=False),
        sa.Column("bonus_run_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("created_at", ledger.models.types.UTCDateTime(), nullable=False),
        sa.Column("voided_at", ledger.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_line_id"],
            ["award_lines.id"],
            name=op.f("fk_conversions_award_line_id_award_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["bonus_run_id"],
            ["bonus_runs.id"],
            name=op.f("fk_conversions_bonus_run_id_bonus_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversions")),
    )
    op.create_index(
        "uq_conversions_live",
        "conversions",
        ["award_line_id"],
        unique=True,
        sqlite_where=sa.text("voided_at IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_index("ix_conversions_bonus_run_id", "conversions", ["bonus_run_id"])
    create_append_only("bonus_run_lines")
    _create_conversion_triggers()


def downgrade():
    _drop_conversion_triggers()
    drop_append_only("bonus_run_lines")
    op.drop_table("conversions")
    op.drop_table("bonus_run_lines")
    op.drop_table("bonus_runs")


def _create_conversion_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER conversions_void_once BEFORE UPDATE OR DELETE ON conversions "
            "FOR EACH ROW EXECUTE FUNCTION baton_conversion_void_once()"
        )
        # baton_refuse_change() comes from 0001.
        op.execute(
            "CREATE TRIGGER conversions_no_truncate BEFORE TRUNCATE ON conversions "
            "FOR EACH STATEMENT EXECUTE FUNCTION baton_refuse_change()"
        )
        return
    op.execute(
        "CREATE TRIGGER conversions_void_once BEFORE UPDATE ON conversions "
        f"WHEN NOT ({_VOID_ONCE}) BEGIN "
        "SELECT RAISE(ABORT, 'conversions is append-only except voiding once: UPDATE refused'); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER conversions_no_delete BEFORE DELETE ON conversions BEGIN "
        "SELECT RAISE(ABORT, 'conversions is append-only: DELETE refused'); END"
    )


def _drop_conversion_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS conversions_void_once ON conversions")
        op.execute("DROP TRIGGER IF EXISTS conversions_no_truncate ON conversions")
        op.execute("DROP FUNCTION IF EXISTS baton_conversion_void_once()")
        return
    op.execute("DROP TRIGGER IF EXISTS conversions_void_once")
    op.execute("DROP TRIGGER IF EXISTS conversions_no_delete")
