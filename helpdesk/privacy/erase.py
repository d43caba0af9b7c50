"""Erasure on request (AVG art. 17): everything about one address anonymised as retention does; audited with
the reason and a hash of the address, never the address itself."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import String, cast, func, select, update

from ..extensions import db
from ..models import AuditEvent, Requester, TicketMessage, User, record_event
from .anonymise import anonymise_message, anonymise_ticket, drop_raw, purge_search_index
from .operations import collect_person


def _without(addresses: str, address: str) -> str:
    parts = [p.strip() for p in re.split(r"[,;]", addresses or "") if p.strip()]
    return ", ".join(p for p in parts if address not in p.lower())


def erase_person(address: str, reason: str, *, actor: User | None = None) -> dict[str, int]:
    """Anonymise the person's tickets, their messages in other tickets and their address anywhere else."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Geef een reden op voor het wissen.")
    data = collect_person(address)
    address = data.address
    counts = {"tickets": 0, "messages": 0}
    for ticket_id, ticket in data.tickets.items():
        if data.requester is not None and ticket.requester_id == data.requester.id:
            anonymise_ticket(ticket)
            counts["tickets"] += 1
            continue
        for message in data.messages[ticket_id]:
            if message.from_email.lower() == address:
                anonymise_message(message)
            else:
                drop_raw(message)  # the original's headers name the person; the parsed text is the sender's
                message.to_addrs = _without(message.to_addrs, address)
                message.cc_addrs = _without(message.cc_addrs, address)
            counts["messages"] += 1
        ticket.cc = _without(ticket.cc or "", address) or None
    # earlier audit events that named the address (an export, a failed sign-in) lose their details
    db.session.execute(update(AuditEvent).where(func.lower(cast(AuditEvent.detail, String)).contains(
        address, autoescape=True)).values(detail=None).execution_options(synchronize_session=False))
    digest = hashlib.sha256(address.encode()).hexdigest()
    record_event("privacy_erased", user=actor, address_sha256=digest, reason=reason[:500], **counts)
    db.session.flush()
    purge_search_index()
    return counts


def remaining_mentions(address: str) -> int:
    """How many stored ticket messages still name `address` (0 after an erasure)."""
    like = f"%{address.lower()}%"
    messages = db.session.scalar(select(func.count(TicketMessage.id)).where(
        func.lower(TicketMessage.from_email + TicketMessage.to_addrs + TicketMessage.cc_addrs
                   + TicketMessage.text).like(like))) or 0
    return messages + (db.session.scalar(select(func.count(Requester.id)).where(
        func.lower(Requester.email) == address.lower())) or 0)
