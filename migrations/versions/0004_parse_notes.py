"""Ticket messages keep the parser's notes (what a limit cut off, shown to the agent); the stored HTML is made
to match the bounded sanitiser once, so ticket pages show it as stored and never run nh3 at a view.

Revision ID: 0004_parse_notes
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from mail_ingest.html_text import bound_html, sanitize_html
from mail_ingest.mime import ParseLimits

revision = "0004_parse_notes"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 200


def upgrade():
    op.add_column("ticket_messages", sa.Column("parse_notes", sa.Text(), nullable=True))
    bind = op.get_bind()
    messages = sa.table("ticket_messages", sa.column("id", sa.Integer), sa.column("html", sa.Text))
    limits, last = ParseLimits(), 0
    while True:  # keyset pages: bounded memory whatever the number of rows
        rows = bind.execute(sa.select(messages.c.id, messages.c.html).where(
            messages.c.id > last, messages.c.html.is_not(None)).order_by(messages.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row_id, html in rows:
            bounded, _notes = bound_html(html, limits.max_html_depth, limits.max_html_chars)
            bind.execute(messages.update().where(messages.c.id == row_id).values(html=sanitize_html(bounded)))
        last = rows[-1][0]


def downgrade():
    op.drop_column("ticket_messages", "parse_notes")
