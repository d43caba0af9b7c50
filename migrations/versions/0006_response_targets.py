"""Response targets: each ticket's answer deadlines in working days (due_at, first_due_at), indexed for the queue;
pending_until for "Later oppakken tot <datum>"; merged_into_id for a ticket merged into another.

Open questions get their deadlines from the default office calendar; later changes keep them up to date.

Revision ID: 0006_response_targets
Revises: 0005_cluster
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_response_targets"
down_revision = "0005_cluster"
branch_labels = None
depends_on = None


def _backfill(bind) -> None:
    from helpdesk.config import defaults
    from helpdesk.tickets.targets import OfficeCalendar

    config = defaults()
    calendar = OfficeCalendar(config["OFFICE_HOURS"], config["OFFICE_TIMEZONE"], config["HOLIDAY_COUNTRY"])
    days = config["RESPONSE_TARGET_DAYS"]
    tickets = sa.table("tickets", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                       sa.column("created_at", sa.DateTime), sa.column("waiting_since", sa.DateTime),
                       sa.column("due_at", sa.DateTime), sa.column("first_due_at", sa.DateTime))
    rows = bind.execute(sa.select(tickets.c.id, tickets.c.created_at, tickets.c.waiting_since)
                        .where(tickets.c.kind == "question")).all()
    for ident, created, waiting in rows:
        bind.execute(sa.update(tickets).where(tickets.c.id == ident).values(
            first_due_at=calendar.add_working_days(created, days) if created else None,
            due_at=calendar.add_working_days(waiting, days) if waiting else None))


def upgrade():
    op.add_column("tickets", sa.Column("due_at", sa.DateTime(), nullable=True))
    op.add_column("tickets", sa.Column("first_due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_tickets_due", "tickets", ["kind", "status", "due_at"])
    op.add_column("tickets", sa.Column("pending_until", sa.DateTime(), nullable=True))
    op.create_index("ix_tickets_pending_until", "tickets", ["pending_until"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # as in 0003: SQLite adds the column with its REFERENCES clause
        if "merged_into_id" not in {c["name"] for c in sa.inspect(bind).get_columns("tickets")}:  # left by a downgrade
            op.execute("ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER "
                       "CONSTRAINT fk_tickets_merged_into_id_tickets REFERENCES tickets (id)")
    else:
        op.add_column("tickets", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_tickets_merged_into_id_tickets", "tickets", "tickets", ["merged_into_id"], ["id"])
    _backfill(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a column in a foreign key: it stays, unused
        op.drop_constraint("fk_tickets_merged_into_id_tickets", "tickets", type_="foreignkey")
        op.drop_column("tickets", "merged_into_id")
    op.drop_index("ix_tickets_pending_until", table_name="tickets")
    op.execute("ALTER TABLE tickets DROP COLUMN pending_until")
    op.drop_index("ix_tickets_due", table_name="tickets")
    op.execute("ALTER TABLE tickets DROP COLUMN first_due_at")
    op.execute("ALTER TABLE tickets DROP COLUMN due_at")
