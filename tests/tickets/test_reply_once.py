"""Replies are sent once and shown honestly: replayed forms, cancelling, audit, IDNA/SMTPUTF8, all-or-nothing waves."""

from __future__ import annotations

import email
import html
import re
from email.policy import default

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxMail, Requester, Ticket, TicketMessage
from helpdesk.outbox.sender import claim_due, deliver_due
from tests.servers import SMTPTestServer, free_port
from tests.support.tickets import reply_form

SLUG = "wat-kost-eherkenning"


def _form_of(page: str) -> dict[str, str]:
    """The hidden fields of the reply form as the page drew them."""
    form = page.split('class="form reply-form"')[1].split("</form>")[0]
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', form)}


def _page(client, ticket: Ticket) -> str:
    return client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_a_replayed_reply_post_queues_nothing_and_says_so(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    hidden = _form_of(_page(client, ticket))
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", hidden["idempotency_key"])
    data = {**hidden, "body": "Dag,\n\nZie de website.", "status_after": "pending", "send": "Verstuur antwoord"}
    assert client.post(f"/tickets/{ticket.id}/antwoord", data=data).status_code == 302
    again = client.post(f"/tickets/{ticket.id}/antwoord", data=data, follow_redirects=True)
    assert "Dit antwoord is al verstuurd/in de wachtrij (wacht op verzending)" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(OutboxMail)).all()) == 1
    deliver()
    back_button = client.post(f"/tickets/{ticket.id}/antwoord", data=data, follow_redirects=True)
    assert "al verstuurd/in de wachtrij (verzonden)" in back_button.get_data(as_text=True)
    assert deliver().sent == [] and len(smtp_server.messages) == 1
    assert _form_of(_page(client, ticket))["idempotency_key"] != hidden["idempotency_key"], "a new form, a new key"


def test_a_damaged_key_is_refused(client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    response = client.post(f"/tickets/{ticket.id}/antwoord",
                           data=reply_form(ticket, "Antwoord", idempotency_key="<script>"))
    assert response.status_code == 400 and "Het formulier is beschadigd" in response.get_data(as_text=True)
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_a_queued_reply_can_be_cancelled_until_smtp_has_it(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Eerste antwoord."))
    first = db.session.scalars(select(OutboxMail)).one()
    assert "Annuleren (niet versturen)" in _page(client, ticket)
    response = client.post(f"/tickets/uitgaand/{first.id}/annuleren", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Het antwoord is geannuleerd" in page and "Verzending: geannuleerd, niet verstuurd" in page
    assert "Antwoord geannuleerd, niet verstuurd" in page.split('id="audit-kop"')[1]
    assert deliver().sent == [] and smtp_server.messages == []
    db.session.refresh(ticket)
    assert ticket.status == "open"

    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Tweede antwoord."))
    second = db.session.scalars(select(OutboxMail).where(OutboxMail.id != first.id)).one()
    assert claim_due() == [second.id]  # a sender has handed it to SMTP
    late = client.post(f"/tickets/uitgaand/{second.id}/annuleren", follow_redirects=True).get_data(as_text=True)
    assert "kan niet meer worden geannuleerd" in late
    db.session.refresh(second)
    assert second.status == "sending"


def _unicode_ticket(make_ticket, email: str) -> Ticket:
    ticket = make_ticket(email=email)
    db.session.get(Requester, ticket.requester_id).name = "Jörg Müller"
    db.session.commit()
    return ticket


def test_smtputf8_address_is_sent_when_the_server_offers_it(client, login, make_ticket, smtp_server, deliver):
    ticket = _unicode_ticket(make_ticket, "jörg@schüle.example")
    login("agent")
    assert client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Dag Jörg.")).status_code == 302
    assert len(deliver().sent) == 1  # aiosmtpd offers SMTPUTF8
    received = smtp_server.messages[0]
    assert received.rcpt_tos == ["jörg@xn--schle-mva.example"]
    mail = email.message_from_string(received.raw.decode("utf-8"), policy=default)
    assert mail["To"].addresses[0].username == "jörg" and mail["To"].addresses[0].display_name == "Jörg Müller"
    assert "Dag Jörg." in mail.get_body(("plain",)).get_content()


def test_smtputf8_address_without_server_support_is_a_clear_error_on_that_ticket(client, login, make_ticket,
                                                                                 smtp_app):
    server = SMTPTestServer(free_port(), enable_SMTPUTF8=False)
    server.start()
    smtp_app.config.update(SMTP_PORT=server.port)
    try:
        ticket = _unicode_ticket(make_ticket, "jörg@schüle.example")
        other = make_ticket()
        login("agent")
        client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Dag Jörg."))
        client.post(f"/tickets/{other.id}/antwoord", data=reply_form(other, "Dag."))
        report = deliver_due(smtp_app.config)
        assert len(report.sent) == 1 and len(report.failed) == 1
        assert [m.rcpt_tos for m in server.messages] == [[other.requester.email]]
    finally:
        server.stop()
    page = _page(client, ticket)
    assert ("Verzending: mislukt: Niet verstuurd: het adres jörg@xn--schle-mva.example bevat tekens buiten ASCII"
            in page)
    assert "Verzending mislukt: Niet verstuurd" in page.split('id="audit-kop"')[1]


def test_an_internationalised_domain_alone_needs_no_smtputf8(client, login, make_ticket, smtp_server, deliver):
    ticket = _unicode_ticket(make_ticket, "jorg@schüle.example")
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Dag Jörg."))
    assert len(deliver().sent) == 1
    assert smtp_server.messages[0].rcpt_tos == ["jorg@xn--schle-mva.example"]
    assert smtp_server.messages[0].raw.isascii()


def test_a_savepoint_is_not_a_commit_on_sqlite(app, make_ticket):
    ticket = make_ticket()
    with db.session.begin_nested():
        ticket.subject = "in een savepoint"
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).subject != "in een savepoint"


@pytest.mark.parametrize("bad", ["geen-adres", "a@b@c"])
def test_a_wave_is_all_or_nothing_per_ticket(client, login, make_ticket, publish_article, smtp_server, deliver,
                                            bad):
    publish_article(SLUG, "Wat kost eHerkenning?", "Niveau 3 kost ongeveer 30 euro per jaar.")
    tickets = [make_ticket(subject=f"Kosten {n}", category="cost", category_confidence=0.9, top_article_slug=SLUG)
               for n in range(4)]
    broken = tickets[2]
    db.session.get(Requester, broken.requester_id).email = bad
    db.session.commit()
    version = broken.version
    login("agent")
    page = client.get(f"/tickets/golven/cost/{SLUG}").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen_message_id" type="hidden" value="(\d+)"', page).group(1)
    data = {"body": "Beste {naam},\n\nDertig euro.", "seen_message_id": seen, "status_after": "open",
            "idempotency_key": key, "ticket": [str(t.id) for t in tickets]}
    response = client.post(f"/tickets/golven/cost/{SLUG}", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert f"IPO-{broken.id} is overgeslagen" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, broken.id).version == version and db.session.get(Ticket, broken.id).status == "new"
    # the others stay open (status_after), so the same form posted again still reaches them: nothing twice
    assert db.session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == broken.id,
                                                          TicketMessage.direction == "out")).all() == []
    assert len(db.session.scalars(select(OutboxMail)).all()) == 3
    replay = client.post(f"/tickets/golven/cost/{SLUG}", data=data, follow_redirects=True).get_data(as_text=True)
    assert replay.count("al verstuurd/in de wachtrij") == 3
    deliver()
    assert len(smtp_server.messages) == 3
