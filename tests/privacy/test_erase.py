"""Erasure on request: afterwards nothing about the address is left in the database or the data dir; the
dashboard figures stay; others' data stays; it is audited without the address."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, cast, func, select

from helpdesk.dashboard.stats import recent_weeks
from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import (
    Attachment,
    AuditEvent,
    OutboxMail,
    Requester,
    Ticket,
    TicketMessage,
)
from helpdesk.tickets.operations import send_reply
from tests.privacy.test_export import PERSON, SAMPLE, mail
from tests.support.dashboard import median_first_response_hours, tickets_per_category_per_week

TEXT_COLUMNS = [(TicketMessage, ("from_email", "from_name", "to_addrs", "cc_addrs", "subject", "text",
                                 "clean_text", "html", "message_id", "in_reply_to", "references_header")),
                (Ticket, ("subject", "cc", "category_reason")), (Requester, ("email", "name", "organisation")),
                (OutboxMail, ("to_addrs", "message_id"))]


def mentions(needle: str) -> list[str]:
    found = []
    for model, columns in TEXT_COLUMNS:
        for column in columns:
            attr = getattr(model, column)
            if db.session.scalar(select(func.count()).select_from(model).where(
                    func.lower(func.coalesce(attr, "")).contains(needle))):
                found.append(f"{model.__tablename__}.{column}")
    if db.session.scalar(select(func.count(AuditEvent.id)).where(
            func.lower(cast(AuditEvent.detail, String)).contains(needle))):
        found.append("audit_events.detail")
    if any(needle.encode() in (raw or b"").lower() for raw in db.session.scalars(select(OutboxMail.raw))):
        found.append("outbox_mails.raw")
    return found


def files_mentioning(data_dir: Path, needle: bytes) -> list[str]:
    return [str(p) for p in data_dir.rglob("*") if p.is_file() and "sqlite3" not in p.name
            and needle in p.read_bytes().lower()]


def test_erasure_leaves_nothing_about_the_address(app, runner, make_user, tmp_path):
    agent = make_user("agent")
    assert ingest_raw(SAMPLE.read_bytes(), source="test").status == "created"
    own = db.session.scalars(select(Ticket)).one()
    own.category = "cost"
    send_reply(own, "Beste admin@school.example,\n\nDank voor het formulier.", agent)
    db.session.commit()
    cc = ingest_raw(mail("Bea <bea@andere-school.example>", "Vraag van Bea", "Bea vraagt iets.",
                         "bea-1@andere-school.example", cc=PERSON), source="test")
    assert runner.invoke(args=["privacy", "export", PERSON, "--out", str(tmp_path / "x.zip")]).exit_code == 0
    weeks = recent_weeks()
    before = (tickets_per_category_per_week(weeks), median_first_response_hours(weeks))
    data_dir = Path(app.config["DATA_DIR"])
    assert files_mentioning(data_dir, b"admin@school.example") and mentions("admin@school.example")

    result = runner.invoke(args=["privacy", "erase", PERSON, "--reason", "verzoek van 1 december 2026"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    for needle in ("admin@school.example", "zie bijlage", "dank voor het formulier", "formulier bijgevoegd"):
        assert mentions(needle) == [], needle
    assert files_mentioning(data_dir, b"admin@school.example") == []
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    # the dashboard counts the ticket as before; Bea's own mail and address are untouched
    assert (tickets_per_category_per_week(weeks), median_first_response_hours(weeks)) == before
    bea = db.session.get(TicketMessage, db.session.scalar(select(TicketMessage.id).where(
        TicketMessage.ticket_id == cc.ticket_id)))
    assert bea.from_email == "bea@andere-school.example" and "Bea vraagt iets" in bea.text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_erased")).one()
    assert event.detail["reason"] == "verzoek van 1 december 2026" and len(event.detail["address_sha256"]) == 64


def test_erasure_needs_a_reason(runner):
    result = runner.invoke(args=["privacy", "erase", PERSON, "--reason", "  "])
    assert result.exit_code != 0 and "reden" in result.output
