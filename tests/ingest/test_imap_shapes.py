"""Real-world mail shapes appended to a real Dovecot end up correctly stored by `flask ingest --once`."""

import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import QuarantinedMail, TicketMessage
from tests.support.mail import make_mail

pytestmark = pytest.mark.imap

SAMPLES = Path(__file__).resolve().parents[1] / "mail_ingest" / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def message(message_id: str) -> TicketMessage:
    found = db.session.scalar(select(TicketMessage).where(TicketMessage.message_id == message_id))
    assert found is not None, f"{message_id} not stored"
    return found


def big_mail() -> bytes:
    """A 3 MB PDF attachment: big, but within the limits."""
    msg = EmailMessage()
    msg["From"] = "Grote Bijlage <scan@school.example>"
    msg["To"] = "ipo@duo.nl"
    msg["Subject"] = "Gescand machtigingsformulier"
    msg["Message-ID"] = "<big@school.example>"
    msg.set_content("Hierbij het gescande formulier. Is dit voldoende voor niveau 3?")
    msg.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 12_000, maintype="application", subtype="pdf",
                       filename="formulier.pdf")
    return msg.as_bytes()


def ingest_once(runner) -> dict:  # noqa: ANN001
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.splitlines()[-1])


def test_mail_shapes_from_imap_are_stored_readably(app, imap_app, imap_mailbox, runner):
    shapes = ["outlook-html-only-nl.eml", "latin1-qp-outlook.eml", "base64-utf8.eml",
              "attachment-pdf-evil-filename.eml", "inline-image-related.eml", "malformed-mime.eml",
              "broken-charset.eml", "nested-rfc822-forward.eml"]
    imap_mailbox.append_many([sample(name) for name in shapes] + [big_mail()])
    summary = ingest_once(runner)
    assert summary["processed"] == len(shapes) + 1 and summary["failed"] == 0

    html_only = db.session.scalar(select(TicketMessage).where(TicketMessage.text.contains("machtigingen regelen")))
    assert html_only is not None and "<p" not in html_only.text and html_only.html and "<style" not in html_only.html
    latin1 = db.session.scalar(select(TicketMessage).where(TicketMessage.subject == "Prijs per coördinator €"))
    assert latin1 is not None and latin1.from_name == "Renée Müller" and "meer dan €30 per jaar" in latin1.text
    assert db.session.scalar(select(TicketMessage).where(TicketMessage.text.contains("Één middel per persoon?")))
    malformed = db.session.scalar(select(TicketMessage).where(TicketMessage.text.startswith("Wat kost eHerkenning?")))
    assert malformed is not None

    with_pdf = db.session.scalar(select(TicketMessage).where(
        TicketMessage.text == "Zie bijlage: ons ingevulde formulier voor de machtiging."))
    assert sorted(a.filename for a in with_pdf.attachments) == ["bijlage-2.bin", "machtiging formülier.pdf"]
    for attachment in with_pdf.attachments:
        stored = Path(app.config["ATTACHMENT_DIR"]) / attachment.storage_path
        assert stored.is_file() and stored.stat().st_size == attachment.size

    inline = db.session.scalar(select(TicketMessage).where(TicketMessage.text.contains("Wat moet ik doen?")))
    (image,) = inline.attachments
    assert image.inline and image.content_id == "screenshot-01@ijsselgroep"
    assert 'src="cid:screenshot-01@ijsselgroep"' in inline.html and "<script" not in inline.html

    (pdf,) = message("big@school.example").attachments
    assert pdf.size > 3_000_000 and (Path(app.config["ATTACHMENT_DIR"]) / pdf.storage_path).stat().st_size == pdf.size
    assert imap_mailbox.count("INBOX") == 0


def test_mail_without_message_id_is_stored_once_even_when_delivered_twice(imap_app, imap_mailbox, runner):
    raw = sample("missing-message-id.eml")
    imap_mailbox.append(raw)
    imap_mailbox.append(raw)  # e.g. a client that retried its send
    summary = ingest_once(runner)
    assert summary["processed"] == 2 and summary.get("duplicate") == 1
    stored = db.session.scalars(select(TicketMessage)).all()
    assert len(stored) == 1 and stored[0].message_id.endswith("@ipo-helpdesk.invalid")


def test_bytes_that_are_no_mail_are_quarantined_and_leave_the_inbox(imap_app, imap_mailbox, runner):
    imap_mailbox.append(b"dit is geen e-mail maar een tekstbestand\r\nzonder headers\r\n")
    imap_mailbox.append(make_mail(message_id="<next@school.example>"))
    summary = ingest_once(runner)
    assert summary["processed"] == 2 and summary.get("quarantined") == 1
    (held,) = db.session.scalars(select(QuarantinedMail)).all()
    assert held.raw.startswith(b"dit is geen e-mail") and "headers" in held.error.lower()
    assert message("next@school.example").kind == "question"
    assert imap_mailbox.count("INBOX") == 0  # nothing is lost: the raw bytes are in quarantine
