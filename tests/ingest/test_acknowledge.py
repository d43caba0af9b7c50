"""The acknowledgement of a new question: ticket number, answer time, confident FAQ links; RFC 3834 in full."""

from __future__ import annotations

import email
from email.policy import default

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.batch import RawMail
from helpdesk.ingest.operations import ingest_many, ingest_raw
from helpdesk.models import OutboxMail, Ticket, TicketMessage
from tests.support.mail import make_mail

QUESTION = "Wat kost eHerkenning niveau 3 per jaar voor ons schoolbestuur, en wie betaalt dat?"


@pytest.fixture
def acking(app, kb):  # noqa: ANN001
    app.config["ACKNOWLEDGE"] = True
    return app


def _acks() -> list[TicketMessage]:
    return db.session.scalars(select(TicketMessage).where(TicketMessage.kind == "ack")).all()


def test_a_new_question_gets_one_threaded_auto_reply_with_links(acking, smtp_server, deliver):
    outcome = ingest_raw(make_mail(subject="Kosten eHerkenning", body=QUESTION, message_id="<q1@school.example>"))
    ticket = db.session.get(Ticket, outcome.ticket_id)
    [ack] = _acks()
    assert ack.ticket_id == ticket.id and ticket.status == "new" and ticket.first_response_at is None
    deliver()
    mail = email.message_from_bytes(smtp_server.messages[0].raw, policy=default)
    assert mail["Auto-Submitted"] == "auto-replied" and mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Subject"] == f"Re: Kosten eHerkenning [IPO-{ticket.id}]"
    assert mail["In-Reply-To"] == "<q1@school.example>"
    text = mail.get_body(("plain",)).get_content()
    assert f"nummer IPO-{ticket.id}" in text and "binnen twee werkdagen" in text
    assert "/faq/wat-kost-eherkenning" in text
    assert smtp_server.messages[0].rcpt_tos == ["j.jansen@school.example"]


def test_the_ticket_page_shows_the_acknowledgement(acking, client, login):
    outcome = ingest_raw(make_mail(body=QUESTION))
    login("agent")
    page = client.get(f"/tickets/{outcome.ticket_id}").get_data(as_text=True)
    assert "Wij hebben uw vraag ontvangen" in page and "Verzending: wacht op verzending" in page
    assert "Automatische ontvangstbevestiging in de wachtrij" in page.split('id="audit-kop"')[1]


def test_links_only_when_triage_is_confident(acking):
    acking.config["ACKNOWLEDGE_MIN_SCORE"] = 2.0  # no suggestion scores this high
    ingest_raw(make_mail(body=QUESTION))
    [ack] = _acks()
    assert "/faq/" not in ack.text and "IPO-" in ack.text


@pytest.mark.parametrize("mail", [
    make_mail(sender="Geen Antwoord <noreply@leverancier.example>", body=QUESTION),
    make_mail(body="Ik ben afwezig tot maandag.", headers={"Auto-Submitted": "auto-replied"}),
    make_mail(body=QUESTION, headers={"List-Id": "<nieuws.school.example>", "Precedence": "list"}),
    make_mail(body=QUESTION, sender="Helpdesk IPO <ipo@duo.nl>"),
    make_mail(body=QUESTION).replace(b"From: Jan Jansen <j.jansen@school.example>",  # as sent, not re-encoded
                                     b"From: <=?utf-8?q?j.jansen=40school.example?=>"),
], ids=["noreply", "auto-reply", "list", "own", "suspect"])
def test_never_to_automatic_list_own_noreply_or_suspect_mail(acking, mail):
    ingest_raw(mail)
    assert _acks() == []


def test_at_most_one_per_sender_per_period_and_none_for_a_flood(acking):
    acking.config["FLOOD_MAX_PER_HOUR"] = 3
    outcomes = ingest_many([RawMail(make_mail(subject=f"Vraag {n}", body=QUESTION)) for n in range(5)])
    assert [o.kind for o in outcomes].count("held") == 2
    assert len(_acks()) == 1
    ingest_raw(make_mail(subject="Nog een vraag", body=QUESTION))
    assert len(_acks()) == 1
    ingest_raw(make_mail(subject="Andere afzender", body=QUESTION, sender="p.pieters@andere.example"))
    assert len(_acks()) == 2


def test_off_by_default(app, kb):
    ingest_raw(make_mail(body=QUESTION))
    assert _acks() == [] and db.session.scalars(select(OutboxMail)).all() == []


def test_a_reply_to_the_acknowledgement_threads(acking):
    first = ingest_raw(make_mail(body=QUESTION))
    [ack] = _acks()
    reply = ingest_raw(make_mail(subject="Re: Vraag", body="Aanvulling: wij hebben 12 scholen.",
                                 in_reply_to=f"<{ack.message_id}>"))
    assert reply.ticket_id == first.ticket_id and len(_acks()) == 1


def test_a_failing_acknowledgement_never_costs_the_mail(acking, monkeypatch):
    import helpdesk.outbox.acknowledge as module

    def broken(**_kwargs):  # noqa: ANN003, ANN202 - a bug in composing, injected
        raise RuntimeError("kapot")

    monkeypatch.setattr(module, "compose_reply", broken)
    outcome = ingest_raw(make_mail(body=QUESTION))
    assert outcome.status == "created" and _acks() == []
    assert db.session.get(Ticket, outcome.ticket_id).messages[0].text.startswith("Wat kost")
