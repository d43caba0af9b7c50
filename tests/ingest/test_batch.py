"""Batches: many mails stored in one transaction, prepared on every core, with the same outcome as one by one."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.ingest import prepare
from helpdesk.ingest.operations import RawMail, ingest_many
from helpdesk.models import AuditEvent, QuarantinedMail, Requester, Ticket, TicketMessage
from helpdesk.triage.service import stored_suggestions, triage_text
from mail_ingest.demo import demo_mail_paths
from tests.support.mail import make_mail

PARENT = os.getpid()
real_prepare = prepare.prepare_one
MARK = Path("/nonexistent")  # set per test


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def kb_app(app, runner):  # noqa: ANN001, ANN201 - the bundled articles published and indexed, as `flask setup` does
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    return app


def variants(n: int) -> list[bytes]:
    """N different mails: the demo mails with a unique Message-ID and sender each."""
    demo = [path.read_bytes() for path in demo_mail_paths()]
    out = []
    for i in range(n):
        raw = demo[i % len(demo)]
        head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
        eol = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
        lines = [line for line in head.split(eol) if not line.lower().startswith((b"message-id:", b"from:"))]
        lines += [f"From: School {i} <bestuur{i}@school{i}.example>".encode(),
                  f"Message-ID: <batch-{i}@school{i}.example>".encode()]
        out.append(eol.join(lines) + sep + body)
    return out


def test_a_batch_threads_dedupes_and_quarantines_within_itself(kb_app):
    question = make_mail(subject="Kosten eHerkenning", body="Wat kost eHerkenning niveau 3 voor ons bestuur?",
                         message_id="<v1@school.example>", cc="Piet <piet@school.example>")
    mails = [
        question,
        # the colleague on CC answers all before we do: joins the ticket by In-Reply-To
        make_mail(subject="Re: Kosten eHerkenning", body="Ik wil graag ook weten wanneer het klaar moet zijn.",
                  sender="Piet <piet@school.example>", in_reply_to="<v1@school.example>"),
        question,  # the same mail twice in one batch
        make_mail(subject="Leverancier", body="Welke leverancier kunnen wij kiezen voor niveau 3?"),  # same sender
        b"",  # unreadable
        make_mail(sender="Helpdesk IPO <ipo@duo.nl>", message_id="<x1@ipo-helpdesk.duo.nl>",
                  headers={"X-IPO-Helpdesk": "1"}),  # our own mail
        make_mail(subject="Automatisch antwoord: afwezig", body="Ik ben afwezig tot maandag.",
                  sender="Afwezig <afwezig@school.example>", headers={"Auto-Submitted": "auto-replied"}),
    ]
    outcomes = ingest_many([RawMail(raw, f"test:{n}") for n, raw in enumerate(mails)])
    assert [o.status for o in outcomes] == [
        "created", "threaded", "duplicate", "created", "quarantined", "ignored", "created"]
    first = db.session.get(Ticket, outcomes[0].ticket_id)
    assert outcomes[1].ticket_id == outcomes[2].ticket_id == first.id
    assert [m.from_email for m in first.messages] == ["j.jansen@school.example", "piet@school.example"]
    assert first.category_source == "triage" and first.suggestions, "triaged in the same batch"
    second = db.session.get(Ticket, outcomes[3].ticket_id)
    assert second.requester_id == first.requester_id, "the sender's second mail finds the requester of the first"
    assert outcomes[6].kind == "autoreply" and db.session.get(Ticket, outcomes[6].ticket_id).kind == "autoreply"
    assert count(Requester) == 3 and count(TicketMessage) == 4 and count(QuarantinedMail) == 1


def test_later_chunks_of_a_batch_find_what_earlier_ones_stored(kb_app):
    """Each chunk of prepared mail is flushed while the workers prepare the next: a reply, a repeat and a second
    mail of the same new sender in a later chunk find the ticket, Message-ID and requester of an earlier one."""
    question = make_mail(subject="Kosten eHerkenning", body="Wat kost eHerkenning niveau 3 voor ons bestuur?",
                         message_id="<c1@school.example>", cc="Piet <piet@school.example>")
    later = [
        make_mail(subject="Re: Kosten eHerkenning", body="Ik wil graag ook weten wanneer het klaar moet zijn.",
                  sender="Piet <piet@school.example>", in_reply_to="<c1@school.example>"),
        question,
        make_mail(subject="Leverancier", body="Welke leverancier kunnen wij kiezen voor niveau 3?"),
    ]
    others = variants(prepare.CHUNK + 3)  # the first chunk is full before the later mails come
    outcomes = ingest_many([RawMail(raw) for raw in [question, *others, *later]])
    assert [o.status for o in outcomes] == ["created"] * (1 + len(others)) + ["threaded", "duplicate", "created"]
    first = db.session.get(Ticket, outcomes[0].ticket_id)
    assert outcomes[-3].ticket_id == outcomes[-2].ticket_id == first.id
    assert [m.from_email for m in first.messages] == ["j.jansen@school.example", "piet@school.example"]
    assert first.version == 1, "a ticket of this batch that nobody has seen yet is not a changed ticket"
    assert db.session.get(Ticket, outcomes[-1].ticket_id).requester_id == first.requester_id
    received = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "mail_received")
    assert db.session.scalar(received) == len(outcomes) - 1  # every stored mail once, the repeat not


def test_one_mail_that_breaks_storing_is_quarantined_and_the_rest_stored(app, monkeypatch):
    import helpdesk.triage.service as service

    real = service.triage_ticket

    def fragile(ticket, message, done=None):  # noqa: ANN001, ANN202 - a bug that one odd mail triggers
        if "BOEM" in (message.subject or ""):
            raise RuntimeError("triage kapot")
        return real(ticket, message, done)

    monkeypatch.setattr(service, "triage_ticket", fragile)
    mails = [make_mail(subject=f"Vraag {n}", body=f"Wat kost eHerkenning niveau 3? ({n})",
                       sender=f"School {n} <s{n}@school.example>") for n in range(4)]
    mails.insert(2, make_mail(subject="BOEM", body="Een mail die de triage laat vallen."))
    outcomes = ingest_many([RawMail(raw) for raw in mails])
    assert [o.status for o in outcomes] == ["created", "created", "quarantined", "created", "created"]
    assert "triage kapot" in outcomes[2].detail
    assert count(Ticket) == 4 and count(QuarantinedMail) == 1


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="worker processes need a second core")
def test_a_big_batch_is_prepared_in_workers_with_the_same_triage(kb_app):
    mails = variants(prepare.PARALLEL_FROM + 16)
    assert prepare._worker_count(len(mails)) >= 1
    outcomes = ingest_many([RawMail(raw) for raw in mails])
    assert {o.status for o in outcomes} == {"created"}
    assert count(Ticket) == len(mails)
    for outcome in outcomes:
        ticket = db.session.get(Ticket, outcome.ticket_id)
        message = ticket.messages[0]
        assert message.raw_path and message.imap_uid is None
        if ticket.kind == "question":  # the worker's triage is what this process would have computed
            expected = triage_text(message.clean_text, ticket.subject)
            assert ticket.category == expected.category
            assert ticket.suggestions == stored_suggestions(expected)
            assert ticket.suggestions, "the bundled articles answer every demo question somewhat"


def die_once(raw: bytes, ctx: object) -> object:
    """The first worker dies (killed by the OOM killer, say) in the middle of a batch; its replacement works."""
    if os.getpid() != PARENT and not MARK.exists():
        MARK.touch()
        os._exit(3)
    return real_prepare(raw, ctx)


def test_a_dying_worker_costs_time_but_no_mail(app, monkeypatch, tmp_path):
    monkeypatch.setattr(prepare, "prepare_one", die_once)
    monkeypatch.setattr(sys.modules[__name__], "MARK", tmp_path / "died")
    mails = variants(prepare.PARALLEL_FROM + 6)
    outcomes = ingest_many([RawMail(raw) for raw in mails])
    assert [o.status for o in outcomes] == ["created"] * len(mails)
    assert count(Ticket) == len(mails) and MARK.exists()
