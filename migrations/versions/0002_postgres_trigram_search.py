"""PostgreSQL only: trigram indexes so the agents' queue search (ILIKE '%word%') stays fast at 100,000 tickets.

Revision ID: 0002
Revises: 0001
"""

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (index name, table, column); every name ends in _trgm (tests/web/test_migrations.py knows these are PG-only)
INDEXES = [
    ("ix_ticket_messages_clean_text_trgm", "ticket_messages", "clean_text"),
    ("ix_ticket_messages_text_trgm", "ticket_messages", "text"),
    ("ix_tickets_subject_trgm", "tickets", "subject"),
    ("ix_requesters_name_trgm", "requesters", "name"),
    ("ix_requesters_email_trgm", "requesters", "email"),
    ("ix_requesters_organisation_trgm", "requesters", "organisation"),
]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite's LIKE scan is fast enough at this size; there is no trigram index there
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:  # a database user without the right to add extensions: search still works
        log.warning("pg_trgm niet beschikbaar (%s); zoeken in tickets werkt, maar zonder trigramindex", exc.orig)
        return
    for name, table, column in INDEXES:
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name, _table, _column in INDEXES:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
