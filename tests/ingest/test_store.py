"""The store step: mail becomes tickets exactly once, threaded, loop-safe, quarantined when broken."""

import hashlib
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw, reprocess_quarantined
from helpdesk.models import QuarantinedMail, Ticket, TicketMessage
from mail_ingest.demo import demo_mail_paths
from tests.support.mail import make_mail

SAMPLES = Path(__file__).resolve().parents[1] / "mail_ingest" / "samples"


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_question_becomes_a_new_ticket_with_clean_text_and_raw_source(app):
    raw = make_mail(body="Wat kost eHerkenning niveau 3?\n\nMet vriendelijke groet,\nJan Jansen\nBestuurder")
    outcome = ingest_raw(raw, source="test")
    assert outcome.status == "created"
    ticket = db.session.get(Ticket, outcome.ticket_id)
    assert ticket.status == "new" and ticket.kind == "question"
    assert ticket.requester.email == "j.jansen@school.example" and ticket.requester.name == "Jan Jansen"
    message = ticket.messages[0]
    assert message.direction == "in" and "Wat kost eHerkenning" in message.clean_text
    assert (Path(app.config["DATA_DIR"]) / message.raw_path).read_bytes() == raw
    assert ticket.waiting_since is not None


def test_the_same_mail_twice_is_stored_once(app):
    raw = make_mail()
    assert ingest_raw(raw).status == "created"
    assert ingest_raw(raw).status == "duplicate"
    assert count(Ticket) == 1 and count(TicketMessage) == 1


def test_mail_without_message_id_is_deduplicated_by_content(app):
    raw = b"From: a@school.example\r\nTo: ipo@duo.nl\r\nSubject: Kosten\r\n\r\nWat kost het?\r\n"
    assert ingest_raw(raw).status == "created"
    assert ingest_raw(raw).status == "duplicate"
    assert count(TicketMessage) == 1


def test_reply_to_our_message_threads_by_in_reply_to_only_from_the_thread(app):
    first = ingest_raw(make_mail(message_id="<vraag1@school.example>"))
    ticket = db.session.get(Ticket, first.ticket_id)
    db.session.add(TicketMessage(ticket=ticket, direction="out", message_id="antw1@ipo-helpdesk.duo.nl",
                                 text="Antwoord"))
    ticket.status = "solved"
    db.session.commit()
    stranger = make_mail(subject="Re: Vraag over eHerkenning", body="Dank, en wanneer moet het geregeld zijn?",
                         sender="Iemand Anders <ander@elders.example>", in_reply_to="<antw1@ipo-helpdesk.duo.nl>")
    outcome = ingest_raw(stranger)
    assert outcome.status == "created" and outcome.ticket_id != ticket.id
    linked = db.session.get(Ticket, outcome.ticket_id)
    assert linked.related_ticket_id == ticket.id and "ander@elders.example" in linked.related_reason
    db.session.refresh(ticket)
    assert ticket.status == "solved", "a stranger never reopens a ticket"
    reply = make_mail(subject="Vraag", body="Dank, en wanneer moet het geregeld zijn?",
                      in_reply_to="<antw1@ipo-helpdesk.duo.nl>")
    outcome = ingest_raw(reply)
    assert outcome.status == "threaded" and outcome.ticket_id == ticket.id
    db.session.refresh(ticket)
    assert ticket.status == "open", "a reply reopens a solved ticket"


def test_subject_tag_threads_only_for_the_requester_or_cc(app):
    first = ingest_raw(make_mail(cc="collega@school.example"))
    number = first.ticket_id
    from_requester = ingest_raw(make_mail(subject=f"Re: vraag [IPO-{number}]", body="Nog een vraag"))
    assert from_requester.ticket_id == number
    from_cc = ingest_raw(make_mail(subject=f"Re: vraag [IPO-{number}]", body="Aanvulling",
                                   sender="collega@school.example"))
    assert from_cc.ticket_id == number
    stranger = ingest_raw(make_mail(subject=f"Re: vraag [IPO-{number}]", body="Ik wil meelezen",
                                    sender="vreemde@elders.example"))
    assert stranger.status == "created" and stranger.ticket_id != number


def test_autoreplies_and_bounces_are_marked_not_queued(app):
    auto = ingest_raw(make_mail(subject="Automatisch antwoord: Uw vraag", body="Ik ben afwezig tot maandag.",
                                headers={"Auto-Submitted": "auto-replied"}))
    assert auto.kind == "autoreply"
    ticket = db.session.get(Ticket, auto.ticket_id)
    assert ticket.kind == "autoreply" and ticket.messages[0].kind == "autoreply"
    queue = db.session.scalars(select(Ticket).where(Ticket.kind == "question")).all()
    assert queue == []


def test_autoreply_on_an_existing_ticket_does_not_reopen_it(app):
    first = ingest_raw(make_mail(message_id="<v2@school.example>"))
    ticket = db.session.get(Ticket, first.ticket_id)
    db.session.add(TicketMessage(ticket=ticket, direction="out", message_id="antw2@ipo-helpdesk.duo.nl", text="x"))
    ticket.status = "solved"
    db.session.commit()
    auto = ingest_raw(make_mail(subject="Out of office", body="I am out of the office.",
                                in_reply_to="<antw2@ipo-helpdesk.duo.nl>", headers={"Auto-Submitted": "auto-replied"}))
    assert auto.ticket_id == ticket.id
    db.session.refresh(ticket)
    assert ticket.status == "solved"


def test_our_own_outgoing_mail_is_ignored(app):
    outcome = ingest_raw(make_mail(sender="Helpdesk IPO <ipo@duo.nl>", message_id="<x1@ipo-helpdesk.duo.nl>",
                                   headers={"X-IPO-Helpdesk": "1"}))
    assert outcome.status == "ignored"
    assert count(Ticket) == 0


def test_flood_from_one_sender_is_held_for_review(make_app):
    app = make_app(FLOOD_MAX_PER_HOUR=3)
    with app.app_context():
        kinds = [ingest_raw(make_mail(subject=f"Vraag {n}", body=f"Vraag nummer {n}")).kind for n in range(5)]
        assert kinds == ["question"] * 3 + ["held"] * 2


def test_attachments_are_stored_with_safe_names(app):
    outcome = ingest_raw((SAMPLES / "attachment-pdf-evil-filename.eml").read_bytes())
    message = db.session.get(Ticket, outcome.ticket_id).messages[0]
    assert message.attachments
    for attachment in message.attachments:
        assert "/" not in attachment.filename and ".." not in attachment.filename
        stored = Path(app.config["ATTACHMENT_DIR"]) / attachment.storage_path
        assert stored.is_file() and stored.stat().st_size == attachment.size


def test_unreadable_mail_is_quarantined_and_can_be_reprocessed(make_app):
    big = make_mail(body="Wat kost het? " + "x" * 4000)
    small = make_app(MAX_MAIL_BYTES=1000)
    with small.app_context():
        outcome = ingest_raw(big, source="upload")
        assert outcome.status == "quarantined" and "te groot" in outcome.detail
        item = db.session.scalar(select(QuarantinedMail))
        assert item.raw == big and item.status == "held"
        assert ingest_raw(big).status == "quarantined"
        assert count(QuarantinedMail) == 1, "the same bytes are quarantined once"
    fixed = make_app(MAX_MAIL_BYTES=10_000_000)
    with fixed.app_context():
        item = db.session.scalar(select(QuarantinedMail))
        assert reprocess_quarantined(item).status == "created"
        assert db.session.get(QuarantinedMail, item.id).status == "reprocessed"
        assert count(Ticket) == 1


def test_import_mail_cli_imports_the_demo_mails_once(app, runner):
    paths = [str(p) for p in demo_mail_paths()]
    result = runner.invoke(args=["import-mail", *paths])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["read"] == len(paths) and summary.get("quarantined", 0) == 0
    again = json.loads(runner.invoke(args=["import-mail", *paths]).output.strip().splitlines()[-1])
    assert again["duplicate"] == len(paths) - again.get("ignored", 0)
    questions = db.session.scalar(select(func.count(Ticket.id)).where(Ticket.kind == "question"))
    assert 15 <= questions < len(paths), "replies thread and auto-replies stay out of the queue"
    status = json.loads(runner.invoke(args=["mail", "status"]).output)
    assert status["autoreplies"] >= 3 and status["quarantined"] == 0
    lines = [json.loads(line) for line in runner.invoke(args=["tickets", "export"]).output.splitlines()]
    assert len(lines) == count(Ticket)
    assert all(line["number"].startswith("IPO-") and line["messages"] for line in lines)
    parents = [m["in_reply_to"] for line in lines for m in line["messages"] if m["in_reply_to"]]
    assert parents and not any(p.startswith("<") for p in parents), "in_reply_to in the stored normal form"


def test_mail_reprocess_cli(app, runner):
    ingest_raw(b"\x00\x01 niet een mail", source="rommel")
    item = db.session.scalar(select(QuarantinedMail))
    result = runner.invoke(args=["mail", "reprocess", str(item.id)])
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "quarantined"
    assert runner.invoke(args=["mail", "reprocess"]).exit_code != 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_end_as_a_message_or_a_quarantined_item(app, raw):
    outcome = ingest_raw(raw, source="fuzz")
    if outcome.status == "quarantined":
        digest = hashlib.sha256(raw).hexdigest()
        assert db.session.scalar(select(QuarantinedMail).where(QuarantinedMail.sha256 == digest)).raw == raw
    else:
        assert outcome.status in ("created", "threaded", "duplicate", "ignored"), outcome
        if outcome.status != "ignored":
            assert db.session.scalar(select(TicketMessage).where(TicketMessage.message_id == outcome.message_id))
