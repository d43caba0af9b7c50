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
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("related_ticket_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("related_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_tickets_related_ticket_id_tickets"), "tickets",
                                    ["related_ticket_id"], ["id"])
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspect", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_ticket_messages_idempotency_key"), ["idempotency_key"])
    _normalise_ids(op.get_bind())


def downgrade():
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_ticket_messages_idempotency_key"), type_="unique")
        batch_op.drop_column("idempotency_key")
        batch_op.drop_column("suspect")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tickets_related_ticket_id_tickets"), type_="foreignkey")
        batch_op.drop_column("related_reason")
        batch_op.drop_column("related_ticket_id")
