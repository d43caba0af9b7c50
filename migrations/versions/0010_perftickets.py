"""Ticket search over one document per ticket (subject, requester, message texts) kept in step by triggers:
FTS5 with the trigram tokenizer on SQLite, a pg_trgm GIN index on PostgreSQL; queue indexes end in the id;
covering indexes for the dashboard and the waves.

Revision ID: 0010_perftickets
Revises: 0009_cluster
"""

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0010_perftickets"
down_revision = "0009_cluster"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Every part on a line of its own: a query word has no whitespace, so no match can span two parts.
SQLITE_DOCUMENT = """coalesce(t.subject, '') || char(10) || coalesce(r.name, '') || char(10) || coalesce(r.email, '')
    || char(10) || coalesce(r.organisation, '') || char(10) || coalesce((SELECT group_concat(coalesce(m.clean_text,
    m.text), char(10)) FROM ticket_messages m WHERE m.ticket_id = t.id), '')"""
POSTGRES_DOCUMENT = """concat_ws(E'\\n', t.subject, r.name, r.email, r.organisation, (SELECT string_agg(
    coalesce(m.clean_text, m.text), E'\\n') FROM ticket_messages m WHERE m.ticket_id = t.id))"""


def _refresh(document: str, where: str) -> str:
    """Upsert the documents of the tickets `where` selects (WHERE true: SQLite's upsert-after-SELECT rule)."""
    return (f"INSERT INTO ticket_search_documents (ticket_id, document) SELECT t.id, {document} FROM tickets t "
            f"LEFT JOIN requesters r ON r.id = t.requester_id WHERE {where} "
            "ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document")


SQLITE_TRIGGERS = {
    "ticket_search_ticket_insert": "AFTER INSERT ON tickets BEGIN {refresh:t.id = NEW.id}; END",
    "ticket_search_ticket_update": "AFTER UPDATE OF subject, requester_id ON tickets "
                                   "BEGIN {refresh:t.id = NEW.id}; END",
    "ticket_search_ticket_delete": "AFTER DELETE ON tickets "
                                   "BEGIN DELETE FROM ticket_search_documents WHERE ticket_id = OLD.id; END",
    "ticket_search_message_insert": "AFTER INSERT ON ticket_messages BEGIN {refresh:t.id = NEW.ticket_id}; END",
    "ticket_search_message_update": "AFTER UPDATE OF text, clean_text, ticket_id ON ticket_messages "
                                    "BEGIN {refresh:t.id IN (OLD.ticket_id, NEW.ticket_id)}; END",
    "ticket_search_message_delete": "AFTER DELETE ON ticket_messages BEGIN {refresh:t.id = OLD.ticket_id}; END",
    "ticket_search_requester_update": "AFTER UPDATE OF name, email, organisation ON requesters "
                                      "BEGIN {refresh:t.requester_id = NEW.id}; END",
    # the external-content FTS index follows the documents table
    "ticket_search_fts_insert": "AFTER INSERT ON ticket_search_documents BEGIN INSERT INTO ticket_search_fts "
                                "(rowid, document) VALUES (NEW.ticket_id, NEW.document); END",
    "ticket_search_fts_delete": "AFTER DELETE ON ticket_search_documents BEGIN INSERT INTO ticket_search_fts "
                                "(ticket_search_fts, rowid, document) VALUES ('delete', OLD.ticket_id, "
                                "OLD.document); END",
    "ticket_search_fts_update": "AFTER UPDATE ON ticket_search_documents BEGIN INSERT INTO ticket_search_fts "
                                "(ticket_search_fts, rowid, document) VALUES ('delete', OLD.ticket_id, "
                                "OLD.document); INSERT INTO ticket_search_fts (rowid, document) "
                                "VALUES (NEW.ticket_id, NEW.document); END",
}

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION ticket_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tickets' THEN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM ticket_search_documents WHERE ticket_id = OLD.id;
            RETURN NULL;
        END IF;
        {_refresh(POSTGRES_DOCUMENT, "t.id = NEW.id")};
    ELSIF TG_TABLE_NAME = 'requesters' THEN
        {_refresh(POSTGRES_DOCUMENT, "t.requester_id = NEW.id")};
    ELSIF TG_OP = 'INSERT' THEN
        {_refresh(POSTGRES_DOCUMENT, "t.id = NEW.ticket_id")};
    ELSIF TG_OP = 'DELETE' THEN
        {_refresh(POSTGRES_DOCUMENT, "t.id = OLD.ticket_id")};
    ELSE
        {_refresh(POSTGRES_DOCUMENT, "t.id IN (OLD.ticket_id, NEW.ticket_id)")};
    END IF;
    RETURN NULL;
END $$"""
POSTGRES_TRIGGERS = {
    "ticket_search_tickets": "AFTER INSERT OR DELETE OR UPDATE OF subject, requester_id ON tickets",
    "ticket_search_messages": "AFTER INSERT OR DELETE OR UPDATE OF text, clean_text, ticket_id ON ticket_messages",
    "ticket_search_requesters": "AFTER UPDATE OF name, email, organisation ON requesters",
}
# 0002's per-column trigram indexes: the search reads the documents now, so they would only slow down writes
COLUMN_TRGM = [("ix_ticket_messages_clean_text_trgm", "ticket_messages", "clean_text"),
               ("ix_ticket_messages_text_trgm", "ticket_messages", "text"),
               ("ix_tickets_subject_trgm", "tickets", "subject"), ("ix_requesters_name_trgm", "requesters", "name"),
               ("ix_requesters_email_trgm", "requesters", "email"),
               ("ix_requesters_organisation_trgm", "requesters", "organisation")]
QUEUE_INDEXES = {"ix_tickets_queue": "waiting_since", "ix_tickets_due": "due_at"}
# covering indexes for the dashboard's and the waves' GROUP BYs: they never read the (wide) table rows
FIGURE_INDEXES = {
    "ix_tickets_arrivals": ["kind", "created_at", "category", "first_response_at", "first_due_at"],
    "ix_tickets_answers": ["kind", "first_response_at", "used_article_slug"],
    "ix_tickets_waves": ["kind", "status", "top_article_slug", "category"],
}


def _queue_indexes(with_id: bool) -> None:
    """The queue reads (kind, status, time, id) in index order; ending in the id saves a sort of all ties."""
    for name, column in QUEUE_INDEXES.items():
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", ["kind", "status", column, *(["id"] if with_id else [])])


def upgrade():
    op.create_table(
        "ticket_search_documents",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_search_documents")),
    )
    _queue_indexes(with_id=True)
    for name, columns in FIGURE_INDEXES.items():
        op.create_index(name, "tickets", columns)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("CREATE VIRTUAL TABLE ticket_search_fts USING fts5(document, "
                             "content='ticket_search_documents', content_rowid='ticket_id', tokenize='trigram')")
        for name, body in SQLITE_TRIGGERS.items():
            head, _, rest = body.partition("{refresh:")
            if rest:
                where, _, tail = rest.partition("}")
                body = head + _refresh(SQLITE_DOCUMENT, where) + tail
            bind.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
        bind.exec_driver_sql(_refresh(SQLITE_DOCUMENT, "true"))
        return
    bind.exec_driver_sql(POSTGRES_FUNCTION)
    for name, event in POSTGRES_TRIGGERS.items():
        bind.exec_driver_sql(f"CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION ticket_search_refresh()")
    bind.exec_driver_sql(_refresh(POSTGRES_DOCUMENT, "true"))
    for name, _table, _column in COLUMN_TRGM:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:  # as in 0002: search still works, without the index
        log.warning("pg_trgm niet beschikbaar (%s); zoeken in tickets werkt, maar zonder trigramindex", exc.orig)
        return
    bind.exec_driver_sql("CREATE INDEX ix_ticket_search_documents_trgm ON ticket_search_documents "
                         "USING gin (document gin_trgm_ops)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS ticket_search_fts")
    else:
        for name, event in POSTGRES_TRIGGERS.items():
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {event.rsplit(' ', 1)[1]}")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS ticket_search_refresh()")
        if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
            for name, table, column in COLUMN_TRGM:
                bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")
    op.drop_table("ticket_search_documents")
    for name in FIGURE_INDEXES:
        op.drop_index(name, table_name="tickets")
    _queue_indexes(with_id=False)
