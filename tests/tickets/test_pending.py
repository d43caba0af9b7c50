"""Pending with a reminder: "Later oppakken tot <datum>" parks a ticket outside the open queue until its date."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Ticket, utcnow
from helpdesk.tickets.pending import return_due_tickets
from tests.support.tickets import reply_form


def numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="ticket-link">IPO-(\d+)<', page)]


def test_snoozed_ticket_leaves_the_queue_and_returns_on_its_date(client, login, make_ticket, runner):
    login("agent")
    ticket = make_ticket(subject="Terugbellen na de vakantie")
    day = date.today() + timedelta(days=7)
    response = client.post(f"/tickets/{ticket.id}/later", data={"until": day.isoformat()}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"{ticket.number} staat tot {day:%d-%m-%Y} buiten de open wachtrij" in page
    assert ticket.id not in numbers(page)
    assert ticket.id in numbers(client.get("/tickets/?status=pending").get_data(as_text=True))
    assert "Komt terug op" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)

    result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0 and json.loads(result.output)["pending_tickets"]["returned"] == []
    db.session.expire_all()
    db.session.get(Ticket, ticket.id).pending_until = utcnow() - timedelta(minutes=1)  # the date has come
    db.session.commit()
    result = runner.invoke(args=["jobs", "run", "--once"])
    assert json.loads(result.output)["pending_tickets"]["returned"] == [ticket.id]
    assert ticket.id in numbers(client.get("/tickets/").get_data(as_text=True))
    db.session.expire_all()
    back = db.session.get(Ticket, ticket.id)
    assert back.status == "open" and back.pending_until is None and back.due_at is not None
    assert db.session.query(AuditEvent).filter_by(ticket_id=ticket.id, action="returned").count() == 1


def test_a_ticket_returns_once_when_two_nodes_run_the_job(client, login, make_ticket):
    login("agent")
    ticket = make_ticket()
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Ik hoor graag van u."))
    db.session.refresh(ticket)
    ticket.pending_until = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert ticket.id not in numbers(client.get("/tickets/").get_data(as_text=True))  # wacht op aanvrager
    later = utcnow()
    assert return_due_tickets(later) == [ticket.id]
    assert return_due_tickets(later) == []  # the row was claimed: the second node finds nothing
    db.session.commit()


def test_bad_dates_get_a_dutch_answer_and_change_nothing(client, login, make_ticket):
    login("agent")
    ticket = make_ticket()
    for value in ("gisteren", (date.today() - timedelta(days=1)).isoformat(), "9999-12-31", ""):
        response = client.post(f"/tickets/{ticket.id}/later", data={"until": value}, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and ("Kies een geldige datum" in page or "Kies een datum na vandaag" in page)
        db.session.expire_all()
        assert db.session.get(Ticket, ticket.id).status == "new"
