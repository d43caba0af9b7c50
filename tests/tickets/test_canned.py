"""Canned replies: own and shared, inserted into the reply without losing typed text."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import CannedReply, Requester
from tests.conftest import PASSWORD
from tests.support.tickets import reply_form


def test_canned_replies_own_and_shared(app, client, login, make_user):
    login("agent")
    assert client.post("/tickets/standaardantwoorden", data={"title": "Bedankt", "body": "Dank, {naam}!",
                                                             "shared": "y"}).status_code == 302
    client.post("/tickets/standaardantwoorden", data={"title": "Privé", "body": "Mijn eigen tekst"})
    assert client.post("/tickets/standaardantwoorden", data={"title": "", "body": "x"}).status_code == 400
    shared, private = (db.session.scalar(select(CannedReply).where(CannedReply.title == t))
                       for t in ("Bedankt", "Privé"))
    assert shared.shared and not private.shared and shared.owner_id == private.owner_id is not None

    other = make_user("agent")
    other_client = app.test_client()
    with app.app_context():
        other_client.post("/login", data={"email": other.email, "password": PASSWORD})
    with app.app_context():
        page = other_client.get("/tickets/standaardantwoorden").get_data(as_text=True)
    assert "Bedankt" in page and "Privé" not in page
    with app.app_context():
        assert other_client.get(f"/tickets/standaardantwoorden/{private.id}").status_code == 404
    with app.app_context():
        assert other_client.post(f"/tickets/standaardantwoorden/{private.id}/verwijderen").status_code == 404

    assert client.post(f"/tickets/standaardantwoorden/{private.id}",
                       data={"title": "Privé 2", "body": "Nieuwe tekst"}).status_code == 302
    db.session.refresh(private)
    assert (private.title, private.body) == ("Privé 2", "Nieuwe tekst")
    assert client.post(f"/tickets/standaardantwoorden/{private.id}/verwijderen").status_code == 302
    assert db.session.get(CannedReply, private.id) is None


def test_inserting_a_canned_reply_keeps_typed_text_and_personalises(client, login, make_ticket):
    login("agent")
    client.post("/tickets/standaardantwoorden", data={"title": "Bedankt", "body": "Dank, {naam}!", "shared": "y"})
    canned = db.session.scalar(select(CannedReply))
    ticket = make_ticket()
    db.session.get(Requester, ticket.requester_id).name = "Daan Dijk"
    db.session.commit()
    response = client.post(f"/tickets/{ticket.id}/antwoord",
                           data={**reply_form(ticket, "Al getypt."), "canned": str(canned.id),
                                 "insert_canned": "Invoegen", "send": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Al getypt.\n\nDank, Daan Dijk!</textarea>" in page
    from helpdesk.models import OutboxMail

    assert db.session.scalars(select(OutboxMail)).all() == []
