"""Merging two tickets of the same question: everything moves to the kept ticket, the other points to it."""

from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import Ticket, TicketMessage, TicketView, User, record_event, utcnow
from ..notifications import notify_assigned
from .operations import TicketError


def merge_tickets(merged: Ticket, kept: Ticket, user: User) -> int:
    """Move `merged`'s messages and notes to `kept`, close `merged` pointing to `kept`; returns messages moved.

    Audit events stay where they were written (the merged ticket's history remains readable there), and both
    tickets get a 'merged' event. Refuses a ticket merged already, into itself, or a non-question: the kept
    ticket is never a merged one, so chains of merges cannot loop (Ticket.kept follows them)."""
    if merged.id == kept.id:
        raise TicketError("Een ticket kan niet met zichzelf worden samengevoegd.")
    if merged.merged_into_id is not None or kept.merged_into_id is not None:
        raise TicketError("Een van deze tickets is al samengevoegd; kies het ticket waarin het is opgegaan.")
    if merged.kind != "question" or kept.kind != "question":
        raise TicketError("Alleen vragen kunnen worden samengevoegd.")
    moved = db.session.execute(update(TicketMessage).where(TicketMessage.ticket_id == merged.id)
                               .values(ticket_id=kept.id).execution_options(synchronize_session=False)).rowcount
    db.session.execute(TicketView.__table__.delete().where(TicketView.ticket_id == merged.id))
    waits = [w for w in (kept.waiting_since, merged.waiting_since) if w is not None]
    kept.waiting_since = min(waits) if waits else None
    kept.last_message_at = max(filter(None, (kept.last_message_at, merged.last_message_at)), default=None)
    if kept.status not in ("new", "open") and merged.waiting_since is not None:
        kept.status = "open"  # the merged ticket still waited for an answer: so does the kept one now
    inherited = kept.assignee_id is None and merged.assignee_id is not None
    if inherited:
        kept.assignee_id = merged.assignee_id
    merged.merged_into, merged.status, merged.waiting_since = kept, "closed", None
    merged.solved_at = merged.solved_at or utcnow()
    for ticket in (kept, merged):
        ticket.version = (ticket.version or 0) + 1
    record_event("merged", user=user, ticket_id=merged.id, into=kept.number, messages=moved)
    record_event("merged", user=user, ticket_id=kept.id, source=merged.number, messages=moved)
    db.session.flush()
    db.session.expire(kept, ["messages"])
    db.session.expire(merged, ["messages"])
    if inherited:  # the merged ticket's agent now has the kept one: news to them unless they merged it
        db.session.expire(kept, ["assignee"])
        notify_assigned([kept], kept.assignee, user)
    return int(moved or 0)
