"""The agent's fast paths: status, assignee and category in one go, the same for many tickets, the next ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Ticket, User
from ..notifications import notify_assigned
from .operations import TicketError, assign_ticket, change_category, change_status, find_assignee
from .queries import QueueFilter, queue_page

MAX_BULK = 200  # one bulk change touches at most this many tickets (a queue page is 50)
KEEP = ""  # a bulk choice that leaves the field as it is


def update_ticket(ticket: Ticket, user: User, *, status: str | None, assignee: str | None,
                  category: str | None, notify: bool = True) -> bool:
    """Apply what differs from the ticket now (None: leave that field alone); returns whether anything changed.

    An unchanged category is left as triage set it: saving the status does not count as confirming it."""
    changed = False
    if category is not None and category != ticket.category:
        changed |= change_category(ticket, category, user)
    if status is not None:
        changed |= change_status(ticket, status, user)
    if assignee is not None:
        changed |= assign_ticket(ticket, find_assignee(assignee, user), user, notify=notify)
    return changed


def bulk_update(ticket_ids: list[int], user: User, *, status: str, assignee: str, category: str) -> int:
    """The same change for each chosen ticket (KEEP leaves a field alone); returns how many tickets changed."""
    if not ticket_ids:
        raise TicketError("Vink eerst een of meer tickets aan.")
    if len(ticket_ids) > MAX_BULK:
        raise TicketError(f"Kies hoogstens {MAX_BULK} tickets tegelijk.")
    if status == KEEP and assignee == KEEP and category == KEEP:
        raise TicketError("Kies wat u wilt wijzigen: status, behandelaar of categorie.")
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)).all()
    changed, given = 0, []
    for ticket in tickets:
        before = ticket.assignee_id
        changed += update_ticket(ticket, user, status=status or None, category=category or None, notify=False,
                                 assignee=None if assignee == KEEP else ("" if assignee == "niemand" else assignee))
        if ticket.assignee_id is not None and ticket.assignee_id != before:
            given.append(ticket)
    if given:  # one mail for the whole change, listing the tickets
        notify_assigned(given, given[0].assignee, user)
    return changed


def next_ticket(queue_args: dict[str, Any], user: User, threshold: float, after: Ticket) -> Ticket | None:
    """The first ticket of the agent's queue (with the filters last used on it) other than `after`."""
    page = queue_page(QueueFilter.from_args(queue_args), user, threshold, size=2)
    return next((t for t in page.tickets if t.id != after.id), None)
