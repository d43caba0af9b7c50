"""Two agents on one ticket: presence notice and the collision check on submit."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxMail, TicketMessage
from helpdesk.tickets.operations import send_reply
from tests.conftest import PASSWORD
from tests.support.tickets import reply_form


def _sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_new_mail_meanwhile_refuses_the_reply_and_keeps_the_text(client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    form = reply_form(ticket, "Mijn zorgvuldig getypte antwoord.")
    db.session.add(TicketMessage(ticket=ticket, direction="in", from_email=ticket.requester.email,
                                 text="Laat maar, we hebben het al gevonden!", message_id="<nieuw@school.example>"))
    ticket.version += 1
    db.session.commit()

    response = client.post(f"/tickets/{ticket.id}/antwoord", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "dit ticket is intussen gewijzigd" in page
    assert "Laat maar, we hebben het al gevonden!" in page
    assert "Mijn zorgvuldig getypte antwoord." in page.split("<textarea")[1]
    assert db.session.scalars(select(OutboxMail)).all() == []

    # The re-rendered form carries the new version: sending again (deliberately) works.
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    seen = page.split('name="seen_message_id" type="hidden" value="')[1].split('"')[0]
    again = client.post(f"/tickets/{ticket.id}/antwoord", data={**form, "version": version, "seen_message_id": seen})
    assert again.status_code == 302
    assert len(db.session.scalars(select(OutboxMail)).all()) == 1


def test_colleague_replied_meanwhile(client, login, make_ticket, make_user):
    ticket = make_ticket()
    agent = login("agent")
    form = reply_form(ticket, "Ook een antwoord")
    colleague = make_user("agent", name="Bram Collega")
    send_reply(ticket, "Al beantwoord door Bram.", colleague)
    db.session.commit()

    response = client.post(f"/tickets/{ticket.id}/antwoord", data=form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Antwoord van Bram Collega" in page and "Al beantwoord door Bram." in page
    assert len(db.session.scalars(select(OutboxMail)).all()) == 1
    assert agent.id != colleague.id


def test_other_changes_do_not_block_a_reply(client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    form = reply_form(ticket, "Antwoord")
    client.post(f"/tickets/{ticket.id}/categorie", data={"category": "deadline"})
    assert client.post(f"/tickets/{ticket.id}/antwoord", data=form).status_code == 302


def test_stale_version_without_seen_marker_is_refused(client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    form = reply_form(ticket, "Antwoord")
    del form["seen_message_id"]
    ticket.version += 1
    db.session.commit()
    assert client.post(f"/tickets/{ticket.id}/antwoord", data=form).status_code == 409


def test_presence_shows_who_else_has_the_ticket_open(app, make_ticket, make_user):
    ticket = make_ticket()
    anna, bram = make_user("agent", name="Anna Agent"), make_user("agent", name="Bram Agent")
    client_a, client_b = app.test_client(), app.test_client()
    with app.app_context():
        _sign_in(client_a, anna)
    with app.app_context():
        _sign_in(client_b, bram)
    # A fresh app context per request: Flask-Login caches the user in `g`, which the test's context would share.
    with app.app_context():
        assert "bekijkt dit ticket ook" not in client_a.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    with app.app_context():
        page_b = client_b.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Anna Agent bekijkt dit ticket ook." in page_b
    assert "Bram Agent bekijkt dit ticket ook." not in page_b
