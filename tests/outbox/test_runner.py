"""The sender as the operator runs it: the CLI command and the background thread of `make run`."""

from __future__ import annotations

import time

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxMail
from tests.support.tickets import reply_form


def test_outbox_run_once_without_smtp_explains_itself(runner, client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Antwoord"))
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0 and "HELPDESK_SMTP_HOST" in result.output
    assert db.session.scalars(select(OutboxMail)).one().status == "pending"


def test_background_thread_delivers(make_app, make_ticket, login, client, smtp_server):
    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Antwoord via de achtergrond"))
    threaded = make_app(OUTBOX_THREAD=True, OUTBOX_INTERVAL=0.1, SMTP_HOST=smtp_server.host,
                        SMTP_PORT=smtp_server.port)
    thread, stop = threaded.extensions["outbox_thread"]
    try:
        deadline = time.monotonic() + 15
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(smtp_server.messages) == 1
    assert b"Antwoord via de achtergrond" in smtp_server.messages[0].raw
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMail)).one().status == "sent"


def test_no_thread_unless_configured(make_app):
    assert "outbox_thread" not in make_app().extensions
