"""dashboard rollup: per-day counts and per-week medians of the dashboard, and a log of the days whose tickets
changed, written by triggers on tickets (so every write counts: the ORM, bulk UPDATEs, retention, merges, later
migrations); the existing days are logged here and built by the first refresh (`flask setup` runs it).

Revision ID: 0015_dashboard_rollup
Revises: 0014_notifications
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_dashboard_rollup"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None

# The columns the rollups are computed from; a change to any other column (status, subject, requester, …)
# changes no figure of the rollups.
WATCHED = ("kind", "category", "created_at", "first_response_at", "first_due_at", "used_article_slug")
# the median of an arrival week follows these (and only answered tickets count)
MEDIAN_INPUTS = ("kind", "created_at", "first_response_at")


def _sqlite_changed(columns) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _sqlite_log(rows: list[tuple[str, str]]) -> str:
    """INSERT the distinct non-null days of (day expression, answers expression) pairs."""
    union = " UNION ".join(f"SELECT substr({day}, 1, 10) AS day, {answers} AS answers" for day, answers in rows)
    return f"INSERT INTO dashboard_dirty_days (day, answers) SELECT day, answers FROM ({union}) WHERE day IS NOT NULL"


SQLITE_UPDATE_ANSWERS = (f"((OLD.first_response_at IS NOT NULL OR NEW.first_response_at IS NOT NULL) "
                         f"AND ({_sqlite_changed(MEDIAN_INPUTS)}))")
SQLITE_TRIGGERS = {
    "dashboard_ticket_insert": "AFTER INSERT ON tickets BEGIN " + _sqlite_log([
        ("NEW.created_at", "NEW.first_response_at IS NOT NULL"), ("NEW.first_response_at", "0")]) + "; END",
    "dashboard_ticket_update": f"AFTER UPDATE OF {', '.join(WATCHED)} ON tickets WHEN {_sqlite_changed(WATCHED)} "
                               "BEGIN " + _sqlite_log([
                                   ("OLD.created_at", SQLITE_UPDATE_ANSWERS), ("NEW.created_at", SQLITE_UPDATE_ANSWERS),
                                   ("OLD.first_response_at", "0"), ("NEW.first_response_at", "0")]) + "; END",
    "dashboard_ticket_delete": "AFTER DELETE ON tickets BEGIN " + _sqlite_log([
        ("OLD.created_at", "OLD.first_response_at IS NOT NULL"), ("OLD.first_response_at", "0")]) + "; END",
}


def _pg_log(rows: str) -> str:
    return (f"INSERT INTO dashboard_dirty_days (day, answers) SELECT DISTINCT d, a FROM (VALUES {rows}) AS v(d, a) "
            "WHERE d IS NOT NULL")


def _pg_row(columns, prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{c}" for c in columns) + ")"


POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION dashboard_note_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    median_changed boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_log("(NEW.created_at::date, NEW.first_response_at IS NOT NULL), (NEW.first_response_at::date, false)")};
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_log("(OLD.created_at::date, OLD.first_response_at IS NOT NULL), (OLD.first_response_at::date, false)")};
    ELSIF {_pg_row(WATCHED, "OLD")} IS DISTINCT FROM {_pg_row(WATCHED, "NEW")} THEN
        median_changed := (OLD.first_response_at IS NOT NULL OR NEW.first_response_at IS NOT NULL)
            AND {_pg_row(MEDIAN_INPUTS, "OLD")} IS DISTINCT FROM {_pg_row(MEDIAN_INPUTS, "NEW")};
        {_pg_log("(OLD.created_at::date, median_changed), (NEW.created_at::date, median_changed), "
                 "(OLD.first_response_at::date, false), (NEW.first_response_at::date, false)")};
    END IF;
    RETURN NULL;
END $$"""
POSTGRES_TRIGGER = (f"CREATE TRIGGER dashboard_note_days AFTER INSERT OR DELETE OR UPDATE OF {', '.join(WATCHED)} "
                    "ON tickets FOR EACH ROW EXECUTE FUNCTION dashboard_note_days()")


def _log_existing_days(bind) -> None:
    """Every day that has tickets is dirty: the first refresh builds its rows (one code path for all builds)."""
    day = "substr({0}, 1, 10)" if bind.dialect.name == "sqlite" else "CAST({0} AS date)"
    bind.exec_driver_sql(
        f"INSERT INTO dashboard_dirty_days (day, answers) SELECT DISTINCT {day.format('created_at')}, "
        f"first_response_at IS NOT NULL FROM tickets UNION SELECT DISTINCT {day.format('first_response_at')}, "
        f"{'0' if bind.dialect.name == 'sqlite' else 'false'} FROM tickets WHERE first_response_at IS NOT NULL")


def upgrade():
    op.create_table(
        "dashboard_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("received", "answered", "on_time", "replies", "with_article")),
        sa.PrimaryKeyConstraint("day", "category", name=op.f("pk_dashboard_days")),
    )
    op.create_table(
        "dashboard_article_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "slug", name=op.f("pk_dashboard_article_days")),
    )
    op.create_table(
        "dashboard_week_medians",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("week", name=op.f("pk_dashboard_week_medians")),
    )
    op.create_table(
        "dashboard_dirty_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_dirty_days")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            bind.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    else:
        bind.exec_driver_sql(POSTGRES_FUNCTION)
        bind.exec_driver_sql(POSTGRES_TRIGGER)
    _log_existing_days(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS dashboard_note_days ON tickets")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS dashboard_note_days()")
    for table in ("dashboard_dirty_days", "dashboard_week_medians", "dashboard_article_days", "dashboard_days"):
        op.drop_table(table)
