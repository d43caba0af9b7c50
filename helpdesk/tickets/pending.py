"""Pending with a reminder: "Later oppakken tot <datum>" parks a ticket; it returns when the date passes or
the requester answers (ingest reopens a pending ticket on a reply)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Ticket, User, record_event, utcnow
from .operations import TicketError
from .targets import calendar

MAX_SNOOZE_DAYS = 366
LATER = "later"  # a macro's status that parks the ticket this many days ahead (macros.py)


def office_today(now: datetime | None = None) -> date:
    """Today in the office's time zone (`now` in UTC, default the present)."""
    return (now or utcnow()).replace(tzinfo=ZoneInfo("UTC")).astimezone(calendar().zone).date()


def snooze_ticket(ticket: Ticket, day: date | None, user: User, now: datetime | None = None) -> datetime:
    """Park the ticket until office opening on `day` (local time); returns that moment in UTC."""
    office = calendar()
    today = office_today(now)
    if day is None or not today < day <= today + timedelta(days=MAX_SNOOZE_DAYS):
        raise TicketError(f"Kies een datum na vandaag en binnen {MAX_SNOOZE_DAYS} dagen.")
    until = datetime.combine(day, office.opens, tzinfo=office.zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    old = ticket.status
    ticket.status, ticket.pending_until, ticket.solved_at = "pending", until, None
    ticket.version = (ticket.version or 0) + 1
    record_event("snoozed", user=user, ticket_id=ticket.id, status_from=old, until=day.isoformat())
    db.session.flush()
    return until


def return_due_tickets(now: datetime | None = None) -> list[int]:
    """Put parked tickets whose date has passed back in the open queue; returns their ids.

    Safe on several nodes: the UPDATE … WHERE pending_until <= now claims each row once (a second node's
    UPDATE finds the row changed and skips it), so every ticket returns, and is audited, exactly once."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(Ticket).where(Ticket.status == "pending", Ticket.pending_until <= now)
        .values(status="open", pending_until=None, version=Ticket.version + 1)
        .returning(Ticket.id).execution_options(synchronize_session=False)).scalars().all()
    for ident in claimed:
        ticket = db.session.get(Ticket, ident, populate_existing=True)
        if ticket is not None and ticket.waiting_since is None:
            ticket.waiting_since = now  # back in the queue with a fresh answer deadline
        record_event("returned", ticket_id=ident, reason="datum verstreken")
    db.session.flush()
    return list(claimed)


@event.listens_for(Session, "before_flush")
def _clear_date_when_no_longer_pending(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Ticket) and obj.status != "pending" and obj.pending_until is not None:
            obj.pending_until = None
