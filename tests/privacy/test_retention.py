"""Retention: a ticket closed 13 months ago has no personal data left (rows, files), while the dashboard
figures for its week are unchanged; files go after 3 months; --dry-run only reports."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from helpdesk.dashboard.stats import recent_weeks
from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Attachment, SearchLog, Ticket, TicketMessage, utcnow
from helpdesk.tickets.operations import send_reply
from tests.privacy.test_erase import files_mentioning, mentions
from tests.privacy.test_export import SAMPLE, mail
from tests.support.dashboard import median_first_response_hours, tickets_per_category_per_week


def closed_ticket(make_user) -> Ticket:
    assert ingest_raw(SAMPLE.read_bytes(), source="test").status == "created"
    ticket = db.session.scalars(select(Ticket)).one()
    ticket.category = "cost"
    send_reply(ticket, "Beste admin,\n\nDank voor het formulier.", make_user("agent"), status_after="solved")
    db.session.commit()
    ticket.status, ticket.solved_at = "closed", utcnow()
    db.session.commit()
    return ticket


def run(runner, *args: str) -> dict:
    result = runner.invoke(args=["retention", "run", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_a_ticket_closed_13_months_ago_keeps_nothing_personal(app, runner, make_user):
    ticket = closed_ticket(make_user)
    open_one = ingest_raw(mail("Bea <bea@andere-school.example>", "Nog open", "Bea wacht nog.", "bea-2@x.example"),
                          source="test")
    db.session.add(SearchLog(query="wat kost het", normalized="kost", result_count=3, source="faq"))
    db.session.commit()
    weeks = recent_weeks()
    before = (tickets_per_category_per_week(weeks), median_first_response_hours(weeks))
    later = (utcnow() + timedelta(days=400)).date().isoformat()

    planned = run(runner, "--dry-run", "--as-of", later)
    assert planned["tickets_anonymised"] == 1 and planned["search_logs_deleted"] == 1
    assert mentions("admin@school.example")  # a dry run changes nothing

    done = run(runner, "--as-of", later)
    assert done["tickets_anonymised"] == 1
    db.session.expire_all()
    for needle in ("admin@school.example", "zie bijlage", "dank voor het formulier", "formulier bijgevoegd"):
        assert mentions(needle) == [], needle
    assert files_mentioning(Path(app.config["DATA_DIR"]), b"admin@school.example") == []
    assert db.session.scalar(select(func.count(SearchLog.id))) == 0
    assert (tickets_per_category_per_week(weeks), median_first_response_hours(weeks)) == before
    kept = db.session.get(Ticket, ticket.id)
    assert kept.category == "cost" and kept.first_response_at is not None and kept.solved_at is not None
    # the open ticket is not touched; a second run has nothing left to do
    assert db.session.get(TicketMessage, db.session.scalar(select(TicketMessage.id).where(
        TicketMessage.ticket_id == open_one.ticket_id))).from_email == "bea@andere-school.example"
    assert run(runner, "--as-of", later)["tickets_anonymised"] == 0


def test_files_go_after_three_months_while_the_ticket_stays(app, runner, make_user):
    ticket = closed_ticket(make_user)
    in_four_months = (utcnow() + timedelta(days=122)).date().isoformat()
    done = run(runner, "--as-of", in_four_months)
    assert done == {**done, "tickets_anonymised": 0, "tickets_files_removed": 1}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert not list(Path(app.config["RAW_MAIL_DIR"]).rglob("*.eml"))
    assert db.session.get(Ticket, ticket.id).requester.email == "admin@school.example"
