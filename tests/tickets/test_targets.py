"""Response targets in working days: weekends and Dutch public holidays excluded, the queue sorted by deadline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from helpdesk.extensions import db
from helpdesk.models import utcnow
from helpdesk.tickets.targets import OfficeCalendar


def numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="ticket-link">IPO-(\d+)<', page)]


def test_christmas_and_the_weekend_are_no_working_days():
    calendar = OfficeCalendar("09:00-17:00", "Europe/Amsterdam", "NL")
    # Thursday 24 December 2026, 10:00 in Amsterdam; 25/26 December are holidays, then a Sunday
    assert calendar.add_working_days(datetime(2026, 12, 24, 9, 0), 2) == datetime(2026, 12, 29, 9, 0)


def test_mail_after_hours_starts_the_clock_at_the_next_opening_past_kings_day():
    calendar = OfficeCalendar("08:30-17:00", "Europe/Amsterdam", "NL")
    # Friday 24 April 2026, 19:00 local (summer time); Monday 27 April is King's Day
    due = calendar.add_working_days(datetime(2026, 4, 24, 17, 0), 2)
    assert due == datetime(2026, 4, 30, 6, 30)  # Thursday 08:30 local


def test_queue_sorts_by_deadline_and_says_overdue(app, client, login, make_ticket):
    app.config["RESPONSE_TARGETS"] = {"cost": 20, "deadline": 1}
    login("agent")
    now = utcnow()
    patient = make_ticket(subject="Kosten", category="cost", category_confidence=0.9)
    urgent = make_ticket(subject="Termijn", category="deadline", category_confidence=0.9)
    fresh = make_ticket(subject="Vers", category="cost", category_confidence=0.9)
    patient.waiting_since = now - timedelta(days=6)
    urgent.waiting_since = now - timedelta(days=5)
    db.session.commit()
    assert numbers(client.get("/tickets/").get_data(as_text=True))[:2] == [patient.id, urgent.id]
    page = client.get("/tickets/?sorteer=termijn").get_data(as_text=True)
    assert numbers(page) == [urgent.id, patient.id, fresh.id]
    rows = {n: page.split(f">IPO-{n}<")[1].split("</tr>")[0] for n in (urgent.id, patient.id)}
    assert "Te laat" in rows[urgent.id] and "Te laat" not in rows[patient.id]
    assert "eerst te beantwoorden" in page  # the caption says the order in words


def test_recategorising_moves_the_deadline(app, client, login, make_ticket):
    app.config["RESPONSE_TARGETS"] = {"cost": 20}
    login("agent")
    ticket = make_ticket(category="other", category_confidence=0.9)
    before = ticket.due_at
    client.post(f"/tickets/{ticket.id}/categorie", data={"category": "cost"})
    db.session.refresh(ticket)
    assert before is not None and ticket.due_at > before + timedelta(days=14)


def test_a_reply_clears_the_deadline_and_bounces_have_none(client, login, make_ticket):
    from tests.support.tickets import reply_form

    login("agent")
    ticket = make_ticket(category="cost", category_confidence=0.9)
    bounce = make_ticket(kind="bounce")
    assert ticket.due_at is not None and ticket.first_due_at is not None and bounce.due_at is None
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Dertig euro."))
    db.session.refresh(ticket)
    assert ticket.due_at is None and ticket.first_due_at is not None
