"""The store step: a raw mail becomes a ticket message (or a quarantined item), exactly once.

Every function adds and flushes; `ingest_raw` is the one place that commits, once per mail, so a crash leaves
either the whole mail stored or nothing of it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mail_ingest import (
    MailParseError,
    ParsedMail,
    candidate_parent_ids,
    classify_mail,
    parse_message,
    split_reply,
    ticket_number_from_subject,
)
from mail_ingest.mime import ParseLimits

from ..extensions import db
from ..models import Attachment, QuarantinedMail, Requester, Ticket, TicketMessage, record_event, utcnow
from .storage import store_attachment, store_raw

log = logging.getLogger(__name__)

REOPEN_STATUSES = ("pending", "solved", "closed")


@dataclass
class IngestOutcome:
    """What happened to one mail: stored (new ticket or threaded), duplicate, ignored or quarantined."""

    status: str  # "created", "threaded", "duplicate", "ignored", "quarantined"
    ticket_id: int | None = None
    message_id: str | None = None
    kind: str = "question"
    detail: str = ""


def ingest_raw(raw: bytes, *, source: str = "", uid: tuple[int, int] | None = None) -> IngestOutcome:
    """Run one raw mail through parse → filters → thread → store, and commit. Never raises for bad mail."""
    try:
        parsed = parse_message(raw, limits=_limits())
    except MailParseError as exc:
        return _quarantine(raw, source, f"{exc.code}: {exc}")
    existing = _message_ticket(parsed.message_id)
    if existing is not None:
        return IngestOutcome("duplicate", existing, parsed.message_id)
    try:
        outcome = store_parsed(parsed, raw, uid=uid)
        db.session.commit()
        return outcome
    except IntegrityError:
        # Another ingester stored the same Message-ID between our check and our commit.
        db.session.rollback()
        existing = _message_ticket(parsed.message_id)
        if existing is not None:
            return IngestOutcome("duplicate", existing, parsed.message_id)
        return _quarantine(raw, source, "database weigerde het bericht (integriteitsfout)")
    except Exception as exc:  # noqa: BLE001 - a bug in one step must not lose the mail: quarantine it
        db.session.rollback()
        log.exception("opslaan van mail %s mislukt", parsed.message_id)
        return _quarantine(raw, source, f"{type(exc).__name__}: {exc}")


def store_parsed(parsed: ParsedMail, raw: bytes, *, uid: tuple[int, int] | None = None) -> IngestOutcome:
    """Store a parsed mail on its ticket (new or existing); the caller commits."""
    config = current_app.config
    verdict = classify_mail(parsed, own_message_id_domain=config["MESSAGE_ID_DOMAIN"],
                            own_addresses=config["OWN_ADDRESSES"])
    if verdict.kind == "own":
        return IngestOutcome("ignored", None, parsed.message_id, "own", verdict.reason)
    kind = verdict.kind
    requester, new_requester = _requester(parsed)
    ticket = find_thread(parsed, requester)
    # A sender we have never seen has no tickets to count: skip the query for the common case of a wave.
    if kind == "question" and ticket is None and not new_requester and _flooding(requester):
        kind = "held"
    cleaned = split_reply(parsed.text, subject=parsed.subject)
    now = utcnow()
    created = ticket is None
    if ticket is None:
        ticket = Ticket(subject=(parsed.subject or "(geen onderwerp)")[:500], requester=requester, kind=kind,
                        status="new", cc=", ".join(parsed.cc)[:2000] or None, created_at=now)
        db.session.add(ticket)
    message = TicketMessage(
        ticket=ticket, direction="in", kind=kind, from_email=parsed.from_email, from_name=parsed.from_name[:200],
        to_addrs=", ".join(parsed.to), cc_addrs=", ".join(parsed.cc), subject=parsed.subject[:500],
        message_id=parsed.message_id, in_reply_to=parsed.in_reply_to,
        references_header=" ".join(parsed.references) or None, raw_path=store_raw(raw), text=parsed.text,
        clean_text=cleaned.new_text, html=parsed.html, created_at=now,
        imap_uidvalidity=uid[0] if uid else None, imap_uid=uid[1] if uid else None,
    )
    db.session.add(message)
    for part in parsed.attachments:
        message.attachments.append(Attachment(
            filename=part.filename[:255], content_type=part.content_type[:200], size=part.size,
            storage_path=store_attachment(part.data, part.filename), content_id=part.content_id,
            inline=part.inline))
    _update_ticket_for_incoming(ticket, kind, now)
    db.session.flush()
    if kind == "question" and (created or ticket.category_source != "agent"):
        from ..triage.service import triage_ticket

        triage_ticket(ticket, message)
    record_event("mail_received", ticket_id=ticket.id, message_id=parsed.message_id, kind=kind,
                 rule=verdict.rule, threaded=not created)
    return IngestOutcome("created" if created else "threaded", ticket.id, parsed.message_id, kind, verdict.reason)


def find_thread(parsed: ParsedMail, requester: Requester) -> Ticket | None:
    """The ticket a mail answers: by our Message-IDs in In-Reply-To/References, then by [IPO-n] from its people."""
    parents = candidate_parent_ids(parsed)
    if parents:
        ticket_id = db.session.scalar(
            select(TicketMessage.ticket_id).where(TicketMessage.message_id.in_(parents)).limit(1))
        if ticket_id is not None:
            return db.session.get(Ticket, ticket_id)
    number = ticket_number_from_subject(parsed.subject)
    if number is not None:
        ticket = db.session.get(Ticket, number)
        if ticket is not None and _belongs_to(ticket, parsed.from_email):
            return ticket
    return None


def _belongs_to(ticket: Ticket, sender: str) -> bool:
    """Only the requester, or someone on the ticket's CC, may add to a ticket by its subject tag."""
    sender = sender.lower()
    if ticket.requester.email == sender:
        return True
    cc = {a.strip().lower() for a in (ticket.cc or "").split(",") if a.strip()}
    return sender in cc


def _update_ticket_for_incoming(ticket: Ticket, kind: str, now) -> None:  # noqa: ANN001
    if kind != "question":
        return  # auto-replies and bounces are kept on the ticket but never reopen it or make it wait
    ticket.last_message_at = now
    if ticket.waiting_since is None:
        ticket.waiting_since = now
    if ticket.status in REOPEN_STATUSES:
        ticket.status = "open"
        ticket.solved_at = None
    if ticket.id is not None:
        ticket.version = (ticket.version or 1) + 1


def _requester(parsed: ParsedMail) -> tuple[Requester, bool]:
    """The sender's Requester row and whether it is new (added to the session, not yet stored)."""
    email = (parsed.from_email or parsed.reply_to or "onbekend@afzender.invalid").lower()[:254]
    requester = db.session.scalar(select(Requester).where(Requester.email == email))
    if requester is None:
        requester = Requester(email=email, name=parsed.from_name[:200])
        db.session.add(requester)
        return requester, True
    if not requester.name and parsed.from_name:
        requester.name = parsed.from_name[:200]
    return requester, False


def _flooding(requester: Requester) -> bool:
    """More new tickets from one sender in the last hour than a person writes: hold them for review."""
    limit = current_app.config["FLOOD_MAX_PER_HOUR"]
    since = utcnow() - timedelta(hours=1)
    count = db.session.scalar(  # uses ix_tickets_requester_id; no join needed now that we have the row
        select(func.count(Ticket.id)).where(Ticket.requester_id == requester.id, Ticket.created_at >= since))
    return (count or 0) >= limit


def _message_ticket(message_id: str) -> int | None:
    return db.session.scalar(select(TicketMessage.ticket_id).where(TicketMessage.message_id == message_id))


def _limits() -> ParseLimits:
    config = current_app.config
    return ParseLimits(max_raw_bytes=config["MAX_MAIL_BYTES"], max_attachment_bytes=config["MAX_ATTACHMENT_BYTES"])


def _quarantine(raw: bytes, source: str, error: str) -> IngestOutcome:
    """Keep the raw bytes and the error for an admin; the same bytes are quarantined only once."""
    digest = hashlib.sha256(raw).hexdigest()
    held = db.session.scalar(select(QuarantinedMail).where(QuarantinedMail.sha256 == digest,
                                                           QuarantinedMail.status != "reprocessed"))
    if held is None:
        held = QuarantinedMail(source=source[:500], sha256=digest, raw=raw, error=error[:5000])
        db.session.add(held)
    else:
        held.error = error[:5000]
    db.session.commit()
    log.warning("mail uit %s in quarantaine: %s", source or "onbekende bron", error)
    return IngestOutcome("quarantined", None, None, "quarantined", error)


def reprocess_quarantined(item: QuarantinedMail) -> IngestOutcome:
    """Run a quarantined mail through the pipeline again; on success it is marked reprocessed."""
    raw, source = item.raw, item.source
    item.status = "reprocessing"
    db.session.commit()
    outcome = ingest_raw(raw, source=source)
    item = db.session.get(QuarantinedMail, item.id)
    if outcome.status == "quarantined":
        item.status = "held"  # ingest_raw refreshed the error on this same row (same bytes)
    else:
        item.status = "reprocessed"
        item.reprocessed_at = utcnow()
    db.session.commit()
    return outcome
