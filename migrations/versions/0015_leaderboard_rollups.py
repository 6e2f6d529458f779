"""Leaderboard rollups: what each person received per UTC month, kept by triggers.

`recipient_months` is derived from `award_lines` and `reversals`: a trigger on each adds a
line's points when it is written and takes an award's lines back out when it is reversed, in
the same transaction, whoever writes (the services, a restore, a bulk COPY). On PostgreSQL
the triggers are deferred to COMMIT: by then the transaction holds the row locks of the
balances it moved (taken in account id order), and an award and a reversal over one person
have already queued on that person's balance, so the rollup rows add no new lock order (they
still meet first at the balances, as `tests/ledger/test_opposing.py` forces). SQLite has one writer at a time and
runs them at once. Existing lines are rolled up after the triggers exist (creating them
locks both tables against writers until the migration commits).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PG_LINE = """
CREATE OR REPLACE FUNCTION baton_roll_up_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recipient_months AS r (recipient_id, month, points, awards, points_up, points_down, points_lateral)
    VALUES (NEW.recipient_id, date_trunc('month', NEW.created_at)::date, NEW.points, 1,
            CASE WHEN NEW.direction = 'up' THEN NEW.points ELSE 0 END,
            CASE WHEN NEW.direction = 'down' THEN NEW.points ELSE 0 END,
            CASE WHEN NEW.direction = 'lateral' THEN NEW.points ELSE 0 END)
    ON CONFLICT (recipient_id, month) DO UPDATE SET
        points = r.points + excluded.points, awards = r.awards + excluded.awards,
        points_up = r.points_up + excluded.points_up, points_down = r.points_down + excluded.points_down,
        points_lateral = r.points_lateral + excluded.points_lateral;
    RETURN NULL;
END
$$;
"""
PG_REVERSAL = """
CREATE OR REPLACE FUNCTION baton_roll_back_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE recipient_months AS r SET
        points = r.points - l.points, awards = r.awards - l.n,
        points_up = r.points_up - l.points_up, points_down = r.points_down - l.points_down, points_lateral = r.points_lateral - l.points_lateral
    FROM (
        SELECT recipient_id, date_trunc('month', created_at)::date AS month,
               sum(points) AS points, count(*) AS n,
               sum(CASE WHEN direction = 'up' THEN points ELSE 0 END) AS points_up,
               sum(CASE WHEN direction = 'down' THEN points ELSE 0 END) AS points_down,
               sum(CASE WHEN direction = 'lateral' THEN points ELSE 0 END) AS points_lateral
        FROM award_lines WHERE award_id = NEW.award_id GROUP BY 1, 2
    ) AS l
    WHERE r.recipient_id = l.recipient_id AND r.month = l.month;
    RETURN NULL;
END
$$;
"""
SQLITE_LINES = """
CREATE TRIGGER award_lines_roll_up AFTER INSERT ON award_lines BEGIN
    INSERT INTO recipient_months (recipient_id, month, points, awards, points_up, points_down, points_lateral)
    VALUES (NEW.recipient_id, date(NEW.created_at, 'start of month'), NEW.points, 1,
            CASE WHEN NEW.direction = 'up' THEN NEW.points ELSE 0 END,
            CASE WHEN NEW.direction = 'down' THEN NEW.points ELSE 0 END,
            CASE WHEN NEW.direction = 'lateral' THEN NEW.points ELSE 0 END)
    ON CONFLICT (recipient_id, month) DO UPDATE SET
        points = recipient_months.points + excluded.points,
        awards = recipient_months.awards + excluded.awards,
        points_up = recipient_months.points_up + excluded.points_up, points_down = recipient_months.points_down + excluded.points_down,
        points_lateral = recipient_months.points_lateral + excluded.points_lateral;
END
"""
SQLITE_REVERSAL = """
CREATE TRIGGER reversals_roll_back AFTER INSERT ON reversals BEGIN
    UPDATE recipient_months SET
        points = recipient_months.points - l.points, awards = recipient_months.awards - l.n,
        points_up = recipient_months.points_up - l.points_up, points_down = recipient_months.points_down - l.points_down,
        points_lateral = recipient_months.points_lateral - l.points_lateral
    FROM (
        SELECT recipient_id, date(created_at, 'start of month') AS month,
               sum(points) AS points, count(*) AS n,
               sum(CASE WHEN direction = 'up' THEN points ELSE 0 END) AS points_up,
               sum(CASE WHEN direction = 'down' THEN points ELSE 0 END) AS points_down,
               sum(CASE WHEN direction = 'lateral' THEN points ELSE 0 END) AS points_lateral
        FROM award_lines WHERE award_id = NEW.award_id GROUP BY 1, 2
    ) AS l
    WHERE recipient_months.recipient_id = l.recipient_id AND recipient_months.month = l.month;
END
"""
BACKFILL = """
INSERT INTO recipient_months (recipient_id, month, points, awards, points_up, points_down, points_lateral)
SELECT l.recipient_id, {month}, sum(l.points), count(*),
       sum(CASE WHEN l.direction = 'up' THEN l.points ELSE 0 END),
       sum(CASE WHEN l.direction = 'down' THEN l.points ELSE 0 END),
       sum(CASE WHEN l.direction = 'lateral' THEN l.points ELSE 0 END)
FROM award_lines l LEFT JOIN reversals v ON v.award_id = l.award_id
WHERE v.id IS NULL GROUP BY 1, 2
"""
MONTH = {
    "postgresql": "date_trunc('month', l.created_at)::date",
    "sqlite": "date(l.created_at, 'start of month')",
}


def upgrade():
    op.create_table(
        "recipient_months",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.Column("points_up", sa.Integer(), nullable=False),
        sa.Column("points_down", sa.Integer(), nullable=False),
        sa.Column("points_lateral", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_recipient_months_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("recipient_id", "month", name=op.f("pk_recipient_months")),
    )
    op.create_index("ix_recipient_months_month", "recipient_months", ["month", "recipient_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_LINE)
        op.execute(PG_REVERSAL)
        for table, function in (
            ("award_lines", "baton_roll_up_line"),
            ("reversals", "baton_roll_back_reversal"),
        ):
            name = "award_lines_roll_up" if table == "award_lines" else "reversals_roll_back"
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    else:
        op.execute(SQLITE_LINES)
        op.execute(SQLITE_REVERSAL)
    op.execute(BACKFILL.format(month=MONTH[dialect]))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS award_lines_roll_up ON award_lines")
        op.execute("DROP TRIGGER IF EXISTS reversals_roll_back ON reversals")
        op.execute("DROP FUNCTION IF EXISTS baton_roll_up_line()")
        op.execute("DROP FUNCTION IF EXISTS baton_roll_back_reversal()")
    else:
        op.execute("DROP TRIGGER IF EXISTS award_lines_roll_up")
        op.execute("DROP TRIGGER IF EXISTS reversals_roll_back")
    op.drop_index("ix_recipient_months_month", table_name="recipient_months")
    op.drop_table("recipient_months")
