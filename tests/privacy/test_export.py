"""An access request returns everything about one address (tickets, replies, original mails, attachments) and
nothing about anyone else."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import AuditEvent, Ticket
from helpdesk.tickets.operations import send_reply

SAMPLE = Path(__file__).resolve().parents[1] / "mail_ingest" / "samples" / "attachment-pdf-evil-filename.eml"
PERSON = "admin@school.example"


def mail(sender: str, subject: str, body: str, message_id: str, cc: str = "") -> bytes:
    cc_line = f"Cc: {cc}\r\n" if cc else ""
    return (f"From: {sender}\r\nTo: ipo@duo.nl\r\n{cc_line}Subject: {subject}\r\n"
            f"Date: Mon, 9 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_export_holds_everything_about_the_address_and_nothing_about_others(app, runner, make_user, tmp_path):
    agent = make_user("agent")
    assert ingest_raw(SAMPLE.read_bytes(), source="test").status == "created"
    own = db.session.scalars(select(Ticket)).one()
    send_reply(own, "Beste admin,\n\nDank voor het formulier.", agent)
    db.session.commit()
    cc = ingest_raw(mail("Bea Bestuur <bea@andere-school.example>", "Vraag van Bea", "Bea vraagt iets geheims.",
                         "bea-1@andere-school.example", cc=PERSON), source="test")
    other = ingest_raw(mail("Karel <karel@derde-school.example>", "Karels vraag", "Karel zijn vertrouwelijke vraag.",
                            "karel-1@derde-school.example"), source="test")
    assert cc.status == other.status == "created"

    out = tmp_path / "inzage.zip"
    result = runner.invoke(args=["privacy", "export", PERSON.upper(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("gegevens.json"))
        everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    assert data["address"] == PERSON and data["requester"]["email"] == PERSON
    numbers = {t["number"] for t in data["tickets"]}
    assert numbers == {own.id, cc.ticket_id}
    own_json = next(t for t in data["tickets"] if t["number"] == own.id)
    assert [m["direction"] for m in own_json["messages"]] == ["in", "out"]
    assert any(n.startswith("bijlagen/") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("mails/") and n.endswith(".eml") for n in names)
    assert "Zie bijlage" in everything and "Dank voor het formulier" in everything
    # Bea's mail had the person on CC: it is about them too; Karel's has nothing to do with them
    assert "Karel" not in everything and "karel@" not in everything
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_export")).one()
    assert event.detail["target"] == PERSON and event.detail["tickets"] == 2


def test_export_of_an_unknown_address_is_empty_but_answers(runner, tmp_path):
    out = tmp_path / "leeg.zip"
    result = runner.invoke(args=["privacy", "export", "niemand@nergens.example", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tickets"] == 0
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("gegevens.json"))["tickets"] == []
