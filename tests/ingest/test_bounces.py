"""Bounces linked to what bounced: a notice about our reply marks it, re-opens the ticket and makes no ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import OutboxMail, Ticket
from tests.support.mail import make_mail

pytestmark = pytest.mark.imap

NOTICES = {
    "postfix-dsn-rfc822.eml": "550 5.1.1 <a.devries@school.example>: Recipient address rejected: User unknown",
    "exchange-rfc822-headers.eml": "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException",
    "outlook-onbestelbaar-text.eml": "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
}


@pytest.mark.parametrize("sample", NOTICES)
def test_a_notice_about_our_reply_marks_it_not_delivered_on_its_ticket(talk, sample):
    ticket = talk.start()
    sent = talk.answer(ticket)
    outbox = db.session.scalars(select(OutboxMail)).one()
    assert outbox.status == "sent"
    notice = talk.receive(talk.bounce(sample, sent))
    assert notice.ticket_id == ticket.id and notice.kind == "bounce"
    assert db.session.scalar(select(func.count(Ticket.id))) == 1, "a bounce of our reply makes no ticket"
    db.session.refresh(outbox)
    db.session.refresh(ticket)
    assert (outbox.status, outbox.last_error) == ("bounced", NOTICES[sample])
    assert ticket.status == "open", "the agent gets the ticket back"
    page = talk.client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f"Verzending: niet afgeleverd: {NOTICES[sample]}" in page.replace("&lt;", "<").replace("&gt;", ">")
    assert "Antwoord niet afgeleverd: " in page.split('id="audit-kop"')[1]


def test_a_notice_about_mail_that_is_not_ours_stays_apart(talk, imap_mailbox):
    ticket = talk.start()
    talk.answer(ticket)
    notice = talk.receive(make_mail(subject="Undeliverable: iets anders", sender="postmaster@elders.example",
                                    body="Remote Server returned '550 5.1.1 not found'"))
    assert notice.ticket_id != ticket.id and notice.kind == "bounce"
    assert db.session.scalars(select(OutboxMail)).one().status == "sent"


def test_a_requester_quoting_our_id_is_no_bounce(talk):
    ticket = talk.start()
    sent = talk.answer(ticket)
    # a human reply quoting our headers is a question: it threads, and our reply stays delivered
    reply = talk.receive(talk.client_reply("gmail.eml", sent))
    assert reply.kind == "question" and db.session.scalars(select(OutboxMail)).one().status == "sent"
