"""A requester's conversation with the helpdesk through the real Dovecot, reply form, outbox and aiosmtpd."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.policy import strict
from email.utils import format_datetime, make_msgid
from pathlib import Path
from string import Template

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Ticket, TicketMessage
from mail_ingest.ids import normalize_message_id
from tests.support.tickets import parse, reply_form

SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"
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
        question = self.receive(fill("threading/question.eml", date=_now(),
                                     message_id=make_msgid(domain="school.example")))
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
        return fill(f"threading/{sample}", **values)

    def bounce(self, sample: str, sent_raw: bytes) -> bytes:
        """A delivery notice about our sent mail (samples/bounces/): it quotes that mail, or its headers."""
        original = sent_raw.decode("ascii").replace("\r\n", "\n")
        sent = parse(sent_raw)
        return fill(f"bounces/{sample}", original=original.rstrip("\n"), headers=original.split("\n\n", 1)[0],
                    subject=str(sent["Subject"]), message_id=make_msgid(domain="mx.school.example"), date=_now(),
                    recipient=sent["To"].addresses[0].addr_spec)


def _now() -> str:
    return format_datetime(datetime.now(UTC))


