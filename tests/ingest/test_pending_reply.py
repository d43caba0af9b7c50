"""A parked ticket ("Later oppakken tot <datum>") comes back as soon as the requester answers, date or not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpdesk.extensions import db

pytestmark = pytest.mark.imap


def test_the_requesters_answer_brings_a_snoozed_ticket_back(talk, client):
    ticket = talk.start()
    sent = talk.answer(ticket)
    day = date.today() + timedelta(days=14)
    assert client.post(f"/tickets/{ticket.id}/later", data={"until": day.isoformat()}).status_code == 302
    db.session.refresh(ticket)
    assert ticket.status == "pending" and ticket.pending_until is not None
    reply = talk.receive(talk.client_reply("gmail.eml", sent))
    db.session.refresh(ticket)
    assert reply.ticket_id == ticket.id
    assert ticket.status == "open" and ticket.pending_until is None and ticket.due_at is not None
    page = client.get("/tickets/").get_data(as_text=True)
    assert f">IPO-{ticket.id}<" in page
