"""Migration 0003 rewrites Message-IDs stored before it (ours had angle brackets) into the one normal form."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.outbox.compose import new_message_id
from tests.conftest import PG_URL, base_config


@pytest.fixture
def old_database(tmp_path):
    """A database of its own (a new PostgreSQL database when the suite runs on PostgreSQL), never the suite's."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"helpdesk_0003_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_bracketed_ids_from_before_are_normalised(tmp_path, old_database):
    url = old_database
    app = create_app(base_config(tmp_path / "data", url))
    ours, theirs = new_message_id("ipo-helpdesk.duo.nl"), "Vraag.1@School.Example"
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO requesters (id, email, name, organisation, created_at) "
                              "VALUES (1, 'a@school.example', '', '', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO tickets (id, subject, requester_id, status, kind, version, created_at,"
                              " updated_at) VALUES (1, 's', 1, 'open', 'question', 1, CURRENT_TIMESTAMP,"
                              " CURRENT_TIMESTAMP)"))
            for n, (mid, irt, refs) in enumerate([(f"<{theirs}>", None, None),
                                                  (f"<{ours}>", f"<{theirs}>", f"<old@x.example> <{theirs}>")]):
                conn.execute(text("INSERT INTO ticket_messages (id, ticket_id, direction, kind, from_email,"
                                  " from_name, to_addrs, cc_addrs, subject, message_id, in_reply_to,"
                                  " references_header, text, created_at) VALUES (:id, 1, 'in', 'question', '', '',"
                                  " '', '', '', :mid, :irt, :refs, '', CURRENT_TIMESTAMP)"),
                             {"id": n + 1, "mid": mid, "irt": irt, "refs": refs})
            conn.execute(text("INSERT INTO outbox_mails (id, ticket_message_id, message_id, to_addrs, status,"
                              " attempts, next_attempt_at, created_at) VALUES (1, 2, :mid, 'a@school.example',"
                              " 'sent', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"mid": f"<{ours}>"})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT message_id, in_reply_to, references_header FROM ticket_messages "
                                     "ORDER BY id")).all()
            outbox = conn.execute(text("SELECT message_id FROM outbox_mails")).scalar()
        assert [tuple(r) for r in rows] == [("Vraag.1@school.example", None, None),
                                            (ours, "Vraag.1@school.example", "old@x.example Vraag.1@school.example")]
        assert outbox == ours
        downgrade(revision="0002")  # the downgrade runs too (ids stay normalised: both forms are readable)
        db.engine.dispose()
