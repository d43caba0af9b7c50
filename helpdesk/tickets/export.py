"""The filtered queue as CSV rows: the same filters and order as /tickets/, every page at once (bounded)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Requester, Ticket, User, utcnow
from .queries import QueueFilter, _conditions, _statuses, sort_column
from .targets import is_overdue

HEADER = ["Nummer", "Onderwerp", "Status", "Categorie", "Aanvrager", "E-mail", "Organisatie", "Behandelaar",
          "Ontvangen (UTC)", "Wacht sinds (UTC)", "Antwoord uiterlijk (UTC)", "Te laat", "Samengevoegd met"]


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def export_rows(f: QueueFilter, user: User, threshold: float, limit: int) -> Iterator[list[Any]]:
    """One row per ticket the queue's filters find, in the queue's order, at most `limit`."""
    sqlite = db.engine.dialect.name == "sqlite"
    column = sort_column(f)
    descending = f.sort == "nieuwste"
    order = [column.is_(None), column.desc() if descending else column.asc(),
             Ticket.id.desc() if descending else Ticket.id.asc()]
    query = (select(Ticket).where(*_conditions(f, user, threshold, sqlite), Ticket.status.in_(_statuses(f)))
             .options(joinedload(Ticket.requester).joinedload(Requester.institution),
                      selectinload(Ticket.assignee))
             .order_by(*order).limit(limit).execution_options(yield_per=500))
    now = utcnow()
    for t in db.session.scalars(query):
        yield [t.number, t.subject, t.status_label, t.category_label, t.requester.display_name, t.requester.email,
               t.requester.organisation_name, t.assignee.display_name if t.assignee else "", _stamp(t.created_at),
               _stamp(t.waiting_since), _stamp(t.due_at), "ja" if is_overdue(t, now) else "nee",
               f"IPO-{t.merged_into_id}" if t.merged_into_id else ""]
