"""Anonymisation, shared by retention and erasure: a ticket keeps its category, dates, article used and response
times (the dashboard stays right) and loses names, addresses, texts and files."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text, update

from ..blobs import attachment_key, blob_store
from ..extensions import db
from ..models import Attachment, AuditEvent, OutboxMail, Requester, Ticket, TicketMessage, TriageFeedback
from ..organisations.operations import drop_if_unused

log = logging.getLogger(__name__)
ANONYMOUS_EMAIL = "geanonimiseerd@invalid"
MARK = "[geanonimiseerd]"


def purge_search_index() -> None:
    """Rewrite SQLite's ticket search index without the terms of changed documents (FTS5 keeps them in older
    segments until a merge); PostgreSQL's GIN index refers to rows, not copies of their text."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO ticket_search_fts (ticket_search_fts) VALUES ('optimize')"))


def anonymous_requester() -> Requester:
    """The one requester that anonymised tickets point to."""
    found = db.session.scalar(select(Requester).where(Requester.email == ANONYMOUS_EMAIL))
    if found is None:
        found = Requester(email=ANONYMOUS_EMAIL, name="", organisation="")
        db.session.add(found)
        db.session.flush()
    return found


def is_anonymised(ticket: Ticket) -> bool:
    return ticket.requester.email == ANONYMOUS_EMAIL


def _remove_file(key: str) -> None:
    try:
        blob_store().delete(key)
    except OSError:  # keep going: the row no longer points at it; an admin sees the warning in the log
        log.warning("kon %s niet verwijderen", key, exc_info=True)


def drop_raw(message: TicketMessage) -> int:
    """Delete the message's original mail (its headers name everyone on it); the parsed message stays."""
    if not message.raw_path:
        return 0
    path, message.raw_path = message.raw_path, None
    db.session.flush()
    if not db.session.scalar(select(func.count(TicketMessage.id)).where(TicketMessage.raw_path == path)):
        _remove_file(path)
    return 1


def drop_files(message: TicketMessage) -> int:
    """Delete the message's original mail and attachments (files shared with other messages stay)."""
    removed = drop_raw(message)
    for attachment in list(message.attachments):
        path = attachment.storage_path
        db.session.delete(attachment)
        db.session.flush()
        if not db.session.scalar(select(func.count(Attachment.id)).where(Attachment.storage_path == path)):
            _remove_file(attachment_key(path))
        removed += 1
    return removed


def anonymise_message(message: TicketMessage) -> None:
    """Blank one message: addresses, names, texts, headers, files; an unsent reply to it is not sent."""
    drop_files(message)
    message.from_email = message.from_name = message.to_addrs = message.cc_addrs = ""
    message.subject, message.text, message.clean_text, message.html = MARK, "", None, None
    message.in_reply_to = message.references_header = None
    if message.message_id:
        message.message_id = f"<geanonimiseerd-{message.id}@invalid>"
    outbox = db.session.scalar(select(OutboxMail).where(OutboxMail.ticket_message_id == message.id))
    if outbox is not None:
        outbox.raw, outbox.to_addrs, outbox.message_id = None, "", message.message_id or ""
        if outbox.status != "sent":
            outbox.status, outbox.last_error = "failed", "gegevens gewist"


def anonymise_ticket(ticket: Ticket) -> None:
    """Strip everything personal from `ticket` (idempotent; the caller commits)."""
    old_requester = ticket.requester
    ticket.requester = anonymous_requester()
    ticket.subject, ticket.cc, ticket.category_reason = MARK, None, None
    for message in ticket.messages:
        anonymise_message(message)
    db.session.execute(update(AuditEvent).where(AuditEvent.ticket_id == ticket.id).values(detail=None))
    db.session.execute(update(TriageFeedback).where(TriageFeedback.ticket_id == ticket.id)
                       .values(subject="", text=""))
    db.session.flush()
    if old_requester.email != ANONYMOUS_EMAIL and not db.session.scalar(
            select(func.count(Ticket.id)).where(Ticket.requester_id == old_requester.id)):
        organisation_id = old_requester.organisation_id
        db.session.delete(old_requester)
        db.session.flush()
        drop_if_unused(organisation_id)  # a domain nobody else writes from may name the person (jansen.nl)
