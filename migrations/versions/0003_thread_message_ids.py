"""Threading: one normal form for stored Message-IDs, related tickets, suspect senders, reply idempotency keys.

Before this revision our own replies were stored as "<uuid@domain>" (with angle brackets) while incoming ids
were stored without; every stored id, In-Reply-To and References value is rewritten to the normal form of
mail_ingest.ids (no brackets, lowercase domain), so a reply that names our id finds its ticket.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _normal(value):
    from mail_ingest.ids import normalize_message_id

    return normalize_message_id(value)


def _normal_list(value):
    from mail_ingest.ids import parse_id_list

    ids = parse_id_list(value)
    return " ".join(ids) or None


def _normalise_ids(bind) -> None:
    messages = sa.table("ticket_messages", sa.column("id", sa.Integer), sa.column("message_id", sa.String),
                        sa.column("in_reply_to", sa.String), sa.column("references_header", sa.Text))
    outbox = sa.table("outbox_mails", sa.column("id", sa.Integer), sa.column("message_id", sa.String))
    taken = {row[0] for row in bind.execute(sa.select(messages.c.message_id)) if row[0]}
    rows = bind.execute(sa.select(messages.c.id, messages.c.message_id, messages.c.in_reply_to,
                                  messages.c.references_header).where(
        sa.or_(messages.c.message_id.like("%<%"), messages.c.in_reply_to.like("%<%"),
               messages.c.references_header.like("%<%")))).all()
    for row_id, message_id, in_reply_to, references in rows:
        values = {}
        new_id = _normal(message_id) if message_id else None
        if new_id and new_id != message_id and new_id not in taken:  # never merge two rows into one id
            values["message_id"] = new_id
            taken.add(new_id)
        if in_reply_to and "<" in in_reply_to:
            values["in_reply_to"] = _normal(in_reply_to)
        if references and "<" in references:
            values["references_header"] = _normal_list(references)
        if values:
            bind.execute(sa.update(messages).where(messages.c.id == row_id).values(**values))
    for row_id, message_id in bind.execute(sa.select(outbox.c.id, outbox.c.message_id)
                                           .where(outbox.c.message_id.like("%<%"))).all():
        bind.execute(sa.update(outbox).where(outbox.c.id == row_id).values(message_id=_normal(message_id)))


def upgrade():
    # Plain ADD COLUMN / CREATE INDEX: a batch (copy-and-move) on SQLite would drop the tickets table, which
    # foreign keys from existing rows forbid.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # SQLite adds a column with its REFERENCES clause, no ALTER
        # a downgrade on SQLite leaves related_ticket_id behind (see downgrade): add it only when missing
        if "related_ticket_id" not in {c["name"] for c in sa.inspect(bind).get_columns("tickets")}:
            op.execute("ALTER TABLE tickets ADD COLUMN related_ticket_id INTEGER "
                       "CONSTRAINT fk_tickets_related_ticket_id_tickets REFERENCES tickets (id)")
    else:
        op.add_column("tickets", sa.Column("related_ticket_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_tickets_related_ticket_id_tickets", "tickets", "tickets",
                              ["related_ticket_id"], ["id"])
    op.add_column("tickets", sa.Column("related_reason", sa.String(length=500), nullable=True))
    op.add_column("ticket_messages", sa.Column("suspect", sa.Text(), nullable=True))
    op.add_column("ticket_messages", sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index("ix_ticket_messages_idempotency_key", "ticket_messages", ["idempotency_key"], unique=True)
    _normalise_ids(op.get_bind())


def downgrade():
    op.drop_index("ix_ticket_messages_idempotency_key", table_name="ticket_messages")
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (a batch copy would drop tables that rows point to). SQLite cannot drop a column in a
        # foreign key, so related_ticket_id stays behind there: nullable and unused by older code.
        for table, column in (("ticket_messages", "idempotency_key"), ("ticket_messages", "suspect"),
                              ("tickets", "related_reason")):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    op.drop_column("ticket_messages", "idempotency_key")
    op.drop_column("ticket_messages", "suspect")
    op.drop_constraint("fk_tickets_related_ticket_id_tickets", "tickets", type_="foreignkey")
    op.drop_column("tickets", "related_reason")
    op.drop_column("tickets", "related_ticket_id")
