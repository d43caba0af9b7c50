"""Attachments and edited To/CC in replies: checked, stored like incoming files, and kept through retries."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Attachment, OutboxMail, TicketMessage
from tests.support.tickets import parse, reply_form

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _post(client, ticket, files=(), **fields):  # noqa: ANN001, ANN202
    data = reply_form(ticket, "Dag,\n\nZie de bijlage.", **fields)
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/tickets/{ticket.id}/antwoord", data=data, content_type="multipart/form-data")


def test_attach_a_file_and_edit_the_recipients(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket(cc="collega@school.example")
    login("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f'name="to" type="text" value="{ticket.requester.email}"' in page
    assert 'value="collega@school.example"' in page and 'enctype="multipart/form-data"' in page
    response = _post(client, ticket, [("Machtiging formulier.pdf", PDF)],
                     to=ticket.requester.email, cc="collega@school.example, Kees <kees@kantoor.example>")
    assert response.status_code == 302
    deliver()
    received = smtp_server.messages[0]
    assert sorted(received.rcpt_tos) == sorted([ticket.requester.email, "collega@school.example",
                                                "kees@kantoor.example"])
    mail = parse(received.raw)
    assert mail.get_content_type() == "multipart/mixed" and "kees@kantoor.example" in mail["Cc"]
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "Machtiging formulier.pdf" and part.get_content() == PDF
    assert "Zie de bijlage." in mail.get_body(("plain",)).get_content()
    sent = db.session.scalars(select(TicketMessage).where(TicketMessage.direction == "out")).one()
    [stored] = sent.attachments
    assert (stored.filename, stored.content_type, stored.size) == ("Machtiging formulier.pdf", "application/pdf",
                                                                   len(PDF))
    with client.get(f"/tickets/bijlagen/{stored.id}") as download:
        assert download.status_code == 200 and download.data == PDF
    assert "Machtiging formulier.pdf" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_attachments_and_cc_survive_the_retries(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    smtp_server.stop()
    _post(client, ticket, [("lijst.csv", b"naam;bestuur\nAnna;Stichting\n")], cc="extra@school.example")
    outbox = db.session.scalars(select(OutboxMail)).one()
    assert deliver().retrying == [outbox.id]
    smtp_server.start()
    assert deliver(now=outbox.next_attempt_at).sent == [outbox.id]
    received = smtp_server.messages[0]
    assert "extra@school.example" in received.rcpt_tos
    assert [p.get_filename() for p in parse(received.raw).iter_attachments()] == ["lijst.csv"]


@pytest.mark.parametrize(("files", "fields", "said"), [
    ([("virus.exe", b"MZ\x90\x00")], {}, "kan niet mee: alleen"),
    ([("nep.pdf", b"<html>geen pdf</html>")], {}, "is geen echt PDF-bestand"),
    ([("leeg.txt", b"")], {}, "is leeg"),
    ([("groot.pdf", PDF)], {"limit": 100}, "samen groter dan"),
    ([], {"to": ""}, "Vul bij &#39;Aan&#39; een e-mailadres in"),
    ([], {"cc": "geen adres"}, "Geen bruikbaar e-mailadres bij Cc"),
])
def test_what_cannot_go_is_refused_and_nothing_is_queued(app, client, login, make_ticket, files, fields, said):
    if "limit" in fields:
        app.config["REPLY_ATTACHMENT_MAX_BYTES"] = fields.pop("limit")
    ticket = make_ticket()
    login("agent")
    response = _post(client, ticket, files, **fields)
    assert response.status_code == 400 and said in response.get_data(as_text=True)
    assert db.session.scalars(select(OutboxMail)).all() == [] and db.session.scalars(select(Attachment)).all() == []
