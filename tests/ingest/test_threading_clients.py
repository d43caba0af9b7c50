"""Replies in the shapes real mail programs send, built from the headers of the reply the app itself sent.

Each round trip is real: the question is ingested from Dovecot, the agent answers through the reply form, the
outbox hands the answer to the aiosmtpd server, and the client's reply (a template under samples/threading/)
gets its In-Reply-To/References from THAT received mail, then goes through Dovecot and `ingest --once` again.
"""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.policy import strict
from email.utils import format_datetime, make_msgid
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Ticket, TicketMessage
from mail_ingest.ids import normalize_message_id
from tests.support.tickets import parse, reply_form

pytestmark = pytest.mark.imap

SAMPLES = Path(__file__).resolve().parent / "samples" / "threading"
MSG_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
TOPIC = "Vraag over kosten eHerkenning niveau 3"


def fill(name: str, **values: str) -> bytes:
    """A sample with its placeholders filled in, with CRLF line ends as on the wire."""
    text = Template((SAMPLES / name).read_text(encoding="utf-8")).substitute(values)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def assert_rfc5322(raw: bytes) -> None:
    """Our sent mail parses without defects under the strict policy; its id headers are lists of msg-ids."""
    msg = email.message_from_bytes(raw, policy=strict)
    assert all(not part.defects for part in msg.walk())
    for name in ("Message-ID", "In-Reply-To", "References"):
        value = msg[name]
        assert value is not None and not value.defects, name
        tokens = str(value).split()
        assert tokens and all(MSG_ID.fullmatch(t) for t in tokens), (name, str(value))
    assert len(msg.get_all("Message-ID")) == 1


class Conversation:
    """One requester's conversation with the helpdesk through the real servers."""

    def __init__(self, imap, smtp, client, runner) -> None:  # noqa: ANN001
        self.imap, self.smtp, self.client, self.runner = imap, smtp, client, runner

    def receive(self, raw: bytes) -> TicketMessage:
        """Put a mail in the Dovecot INBOX, run `ingest --once`, return the stored message."""
        self.imap.append(raw)
        result = self.runner.invoke(args=["ingest", "--once"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        message_id = normalize_message_id(email.message_from_bytes(raw)["Message-ID"])
        stored = db.session.scalar(select(TicketMessage).where(TicketMessage.message_id == message_id))
        assert stored is not None, result.output
        return stored

    def start(self) -> Ticket:
        question = self.receive(fill("question.eml", date=_now(), message_id=make_msgid(domain="school.example")))
        return question.ticket

    def answer(self, ticket: Ticket, body: str = "Beste Anna de Vries,\n\nNiveau 3 kost ongeveer 30 euro.") -> bytes:
        """The agent's reply through the form and the outbox; returns the bytes the SMTP server received."""
        db.session.refresh(ticket)
        before = len(self.smtp.messages)
        response = self.client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, body))
        assert response.status_code == 302
        assert self.runner.invoke(args=["outbox", "run", "--once"]).exit_code == 0
        assert len(self.smtp.messages) == before + 1
        return self.smtp.messages[-1].raw

    def client_reply(self, sample: str, sent_raw: bytes, **extra: str) -> bytes:
        """The client's reply to our sent mail: its threading headers come from what we sent."""
        sent = parse(sent_raw)
        references = " ".join([*str(sent["References"] or "").split(), str(sent["Message-ID"])])
        values = {"subject": str(sent["Subject"]), "topic": TOPIC, "in_reply_to": str(sent["Message-ID"]),
                  "references": references, "message_id": make_msgid(domain="school.example"),
                  "date": _now(), "quoted_date": "donderdag 3 december 2026 10:15", **extra}
        return fill(sample, **values)


def _now() -> str:
    return format_datetime(datetime.now(UTC))


@pytest.fixture
def talk(imap_app, smtp_app, imap_mailbox, smtp_server, client, login, runner) -> Conversation:  # noqa: ANN001
    login("agent")
    return Conversation(imap_mailbox, smtp_server, client, runner)


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
