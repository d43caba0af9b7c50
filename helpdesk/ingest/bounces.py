"""Bounces linked to what bounced: a DSN or an Outlook "Onbestelbaar" notice that names one of our Message-IDs.

The reply it names is marked "niet afgeleverd: <reason>" in the outbox and on its ticket, the ticket is opened
again for the agent, and the notice is kept on that ticket instead of becoming a ticket of its own.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mail_ingest.ids import normalize_message_id

from ..extensions import db
from ..models import OutboxMail, Ticket, TicketMessage, record_event

SCAN_BYTES = 512 * 1024  # a notice quotes the headers of what bounced near its start; the rest is not read
MAX_IDS = 50

# RFC 3464 fields, then what Exchange/Outlook and other servers write in the text of their notices.
_REASONS = [
    re.compile(rb"^Diagnostic-Code:[ \t]*(?:smtp;)?[ \t]*(.{3,300}?)\r?$", re.I | re.M),
    re.compile(rb"Remote Server returned '([^'\r\n]{3,300})'", re.I),
    re.compile(rb"^[ \t]*(5\.\d{1,3}\.\d{1,3}[ \t].{3,300}?)\r?$", re.M),
    re.compile(rb"^Status:[ \t]*([245]\.\d{1,3}\.\d{1,3})", re.I | re.M),
    re.compile(rb"^[ \t]*((?:550|551|552|553|554)[ -].{3,300}?)\r?$", re.M),
]


def our_ids_in(raw: bytes, domain: str) -> list[str]:
    """Message-IDs in our own domain that a notice quotes (in its rfc822 part, headers part or text)."""
    pattern = re.compile(rb"<([\x21-\x3b\x3d\x3f-\x7e]{1,250}@" + re.escape(domain.encode()) + rb")>", re.I)
    found: dict[str, None] = {}
    for match in pattern.finditer(raw[:SCAN_BYTES]):
        normalised = normalize_message_id(match.group(1).decode("ascii"))
        if normalised:
            found.setdefault(normalised)
        if len(found) >= MAX_IDS:
            break
    return list(found)


def bounce_reason(raw: bytes) -> str:
    """Why it bounced, as the receiving server said it (the first reason found), or a neutral note."""
    head = raw[:SCAN_BYTES]
    for pattern in _REASONS:
        match = pattern.search(head)
        if match:
            return " ".join(match.group(1).decode("utf-8", "replace").split())[:300]
    return "de ontvangende mailserver meldt dat het bericht niet is afgeleverd"


def find_bounced(raw: bytes, domain: str) -> OutboxMail | None:
    """The outbox row of our reply that this notice is about, or None."""
    ids = our_ids_in(raw, domain)
    if not ids:
        return None
    with db.session.no_autoflush:  # a batch's rows stay unflushed until it finishes
        return db.session.scalar(select(OutboxMail).options(
            joinedload(OutboxMail.ticket_message).joinedload(TicketMessage.ticket))
            .where(OutboxMail.message_id.in_(ids)).order_by(OutboxMail.id.desc()).limit(1))


def mark_bounced(mail: OutboxMail, reason: str, now: datetime) -> Ticket:
    """The reply did not arrive: say so in the outbox and on the ticket, and give the ticket back to the agent."""
    mail.status, mail.last_error = "bounced", reason
    ticket = mail.ticket_message.ticket
    if ticket.status in ("pending", "solved", "closed"):
        ticket.status, ticket.solved_at = "open", None
    ticket.waiting_since = ticket.waiting_since or now
    ticket.last_message_at = now
    record_event("reply_bounced", ticket_id=ticket.id, outbox_id=mail.id, error=reason)
    return ticket
