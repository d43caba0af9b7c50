"""Held (flood) mail: an admin releases it into the agents' queue, or discards it (kept, but out of every queue)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Ticket, User, record_event


class HeldError(ValueError):
    """The ticket is not (or no longer) held; the message is Dutch."""


def held_tickets(limit: int = 200) -> list[Ticket]:
    """Held tickets, oldest first."""
    return list(db.session.scalars(select(Ticket).where(Ticket.kind == "held")
                                   .order_by(Ticket.created_at, Ticket.id).limit(limit)))


def _held(ticket: Ticket) -> None:
    if ticket.kind != "held":
        raise HeldError(f"{ticket.number} wordt niet (meer) vastgehouden.")


def release_held(ticket: Ticket, user: User) -> None:
    """Into the queue as a question: categorised and waiting like any new question."""
    from ..triage.service import triage_ticket

    _held(ticket)
    incoming = [m for m in ticket.messages if m.direction == "in"]
    for message in incoming:
        if message.kind == "held":
            message.kind = "question"
    ticket.kind, ticket.status = "question", "new"
    if incoming:
        ticket.waiting_since = ticket.waiting_since or incoming[0].created_at
        ticket.last_message_at = incoming[-1].created_at
        triage_ticket(ticket, incoming[-1])
    record_event("held_released", user=user, ticket_id=ticket.id)
    db.session.flush()


def discard_held(ticket: Ticket, user: User) -> None:
    """Out of every queue and closed; the mail itself stays stored (nothing is lost)."""
    _held(ticket)
    ticket.kind, ticket.status = "discarded", "closed"
    record_event("held_discarded", user=user, ticket_id=ticket.id)
    db.session.flush()
