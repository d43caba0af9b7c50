"""Replies in the shapes real mail programs send, built from the headers of the reply the app itself sent.

Each round trip is real: the question is ingested from Dovecot, the agent answers through the reply form, the
outbox hands the answer to the aiosmtpd server, and the client's reply (a template under samples/threading/)
gets its In-Reply-To/References from THAT received mail, then goes through Dovecot and `ingest --once` again.
"""

from __future__ import annotations

from email.utils import make_msgid

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Ticket
from tests.support.conversation import TOPIC, assert_rfc5322
from tests.support.tickets import parse

pytestmark = pytest.mark.imap


def _tickets() -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


JOINING = ["outlook-antw-tag-kept.eml", "outlook-re-tag-dropped.eml", "outlook-aw-in-reply-to-only.eml",
           "gmail.eml", "apple-mail.eml", "thunderbird.eml", "mobile-no-references.eml", "reply-all-cc.eml"]


@pytest.mark.parametrize("sample", JOINING)
def test_a_reply_from_the_thread_joins_the_ticket_and_reopens_it(talk, sample):
    ticket = talk.start()
    sent = talk.answer(ticket)
    assert_rfc5322(sent)
    assert parse(sent)["In-Reply-To"] == f"<{ticket.messages[0].message_id}>"
    reply = talk.receive(talk.client_reply(sample, sent))
    assert reply.ticket_id == ticket.id and _tickets() == 1
    assert "tweede medewerker" in reply.clean_text or "administratie" in reply.clean_text
    db.session.refresh(ticket)
    assert ticket.status == "open" and reply.suspect is None


def test_our_next_answer_keeps_the_whole_chain(talk):
    ticket = talk.start()
    question_id = ticket.messages[0].message_id
    first = talk.answer(ticket)
    reply = talk.receive(talk.client_reply("gmail.eml", first))
    second = talk.answer(ticket, "Beste Anna de Vries,\n\nJa, per medewerker.")
    assert_rfc5322(second)
    mail = parse(second)
    assert mail["In-Reply-To"] == f"<{reply.message_id}>"
    assert str(mail["References"]).split() == [f"<{question_id}>", str(parse(first)["Message-ID"]),
                                               f"<{reply.message_id}>"]
    assert mail["Subject"] == f"Re: {TOPIC} [IPO-{ticket.id}]"


def test_a_colleague_who_got_our_answer_forwarded_joins_by_the_organisation_domain(talk):
    ticket = talk.start()
    sent = talk.answer(ticket)
    forward_id = make_msgid(domain="school.example")
    reply = talk.receive(talk.client_reply("forward-colleague-reply.eml", sent, forward_id=forward_id))
    assert reply.ticket_id == ticket.id and _tickets() == 1


def test_without_same_domain_the_forwarded_colleague_gets_a_linked_ticket(talk, imap_app):
    imap_app.config["THREAD_SAME_DOMAIN"] = False
    ticket = talk.start()
    sent = talk.answer(ticket)
    reply = talk.receive(talk.client_reply("forward-colleague-reply.eml", sent,
                                           forward_id=make_msgid(domain="school.example")))
    assert reply.ticket_id != ticket.id and reply.ticket.related_ticket_id == ticket.id


@pytest.mark.parametrize("sample", ["stranger.eml", "encoded-word-from.eml"])
def test_a_stranger_gets_a_new_linked_ticket_and_never_reopens(talk, sample):
    ticket = talk.start()
    sent = talk.answer(ticket)
    reply = talk.receive(talk.client_reply(sample, sent))
    db.session.refresh(ticket)
    assert reply.ticket_id != ticket.id and ticket.status == "pending"
    assert len([m for m in ticket.messages if m.direction == "in"]) == 1
    linked = reply.ticket
    assert linked.related_ticket_id == ticket.id
    page = talk.client.get(f"/tickets/{linked.id}").get_data(as_text=True)
    assert f'mogelijk verwant aan <a href="/tickets/{ticket.id}">IPO-{ticket.id}</a>' in page
    original = talk.client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f'staat apart:\n  <a href="/tickets/{linked.id}">IPO-{linked.id}</a>' in original
    if sample == "encoded-word-from.eml":
        assert reply.from_email == "" and "gecodeerd woord" in reply.suspect
        assert "verdachte afzender" in page and linked.requester.email != ticket.requester.email


def test_dmarc_fail_at_our_own_server_never_joins(talk, imap_app):
    imap_app.config["TRUSTED_AUTHSERV_ID"] = "mx.duo.nl"
    ticket = talk.start()
    sent = talk.answer(ticket)
    reply = talk.receive(talk.client_reply("dmarc-fail.eml", sent))
    assert reply.ticket_id != ticket.id and "DMARC" in reply.ticket.related_reason


def test_dmarc_results_of_another_server_are_ignored(talk, imap_app):
    imap_app.config["TRUSTED_AUTHSERV_ID"] = "mx2.duo.nl"
    ticket = talk.start()
    sent = talk.answer(ticket)
    reply = talk.receive(talk.client_reply("dmarc-fail.eml", sent))
    assert reply.ticket_id == ticket.id
