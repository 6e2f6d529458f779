"""Service requests (issue 17): the customer's order, its relay of events, the award lines a
close gives, and the giver's proactive mark on awards without a request.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 08:50:00
"""

import sqlalchemy as sa
from alembic import op

import ledger.models.types
from migrations.triggers import create_append_only, drop_append_only

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("service_requests", "service_request_events", "request_award_lines")
KINDS = "'opened', 'accepted', 'handed_off', 'delivered', 'closed', 'withdrawn', 'declined'"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade():
    stamp = ledger.models.types.UTCDateTime
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("asked_at", stamp(), nullable=False),
        sa.Column("due_at", stamp(), nullable=False),
        sa.Column("lead_time_seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(provider_id IS NULL) <> (department_id IS NULL)",
            name=op.f("ck_service_requests_one_target"),
        ),
        sa.CheckConstraint(
            "due_at > asked_at AND lead_time_seconds > 0",
            name=op.f("ck_service_requests_lead_time"),
        ),
        _fk("service_requests", "operation_id", "operations"),
        _fk("service_requests", "customer_id", "users"),
        _fk("service_requests", "provider_id", "users"),
        _fk("service_requests", "department_id", "departments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_requests")),
        sa.UniqueConstraint("operation_id", name=op.f("uq_service_requests_operation_id")),
    )
    for column in ("customer_id", "provider_id", "department_id"):
        op.create_index(f"ix_service_requests_{column}", "service_requests", [column])
    op.create_table(
        "service_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", stamp(), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_service_request_events_seq")),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_service_request_events_kind")),
        _fk("service_request_events", "request_id", "service_requests"),
        _fk("service_request_events", "actor_id", "users"),
        _fk("service_request_events", "holder_id", "users"),
        _fk("service_request_events", "award_id", "awards"),
        _fk("service_request_events", "operation_id", "operations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_request_events")),
        sa.UniqueConstraint("request_id", "seq", name="uq_service_request_events_seq"),
    )
    for column in ("holder_id", "actor_id"):
        op.create_index(f"ix_service_request_events_{column}", "service_request_events", [column])
    op.create_table(
        "request_award_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_line_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lead_time_seconds", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_request_award_lines_position")),
        _fk("request_award_lines", "award_line_id", "award_lines"),
        _fk("request_award_lines", "request_id", "service_requests"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_award_lines")),
        sa.UniqueConstraint("award_line_id", name=op.f("uq_request_award_lines_award_line_id")),
    )
    op.create_index("ix_request_award_lines_request_id", "request_award_lines", ["request_id"])
    # ADD COLUMN keeps the append-only triggers of awards on both engines (no batch mode).
    op.add_column(
        "awards",
        sa.Column("proactive", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # The overdue pass asks whether a request was already reported overdue.
    op.create_index("ix_outbox_events_object", "outbox_events", ["object_type", "object_id"])
    for table in TABLES:
        create_append_only(table)


def downgrade():
    op.drop_index("ix_outbox_events_object", table_name="outbox_events")
    drop_append_only("awards")
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("proactive")
    create_append_only("awards")  # batch mode re-created the table without them
    for table in reversed(TABLES):
        drop_append_only(table)
        op.drop_table(table)
