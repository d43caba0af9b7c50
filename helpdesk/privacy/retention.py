"""Retention (AVG art. 5(1)(e)): personal data kept only as long as set per kind. Closed tickets are anonymised
after RETENTION_TICKET_MONTHS, their original mails and attachments removed after RETENTION_FILES_MONTHS,
search logs and audit events deleted after RETENTION_SEARCH_LOG_MONTHS and RETENTION_AUDIT_MONTHS (the periods in
force: an admin's on /admin/retention, else the environment's; see periods.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Attachment, AuditEvent, Requester, SearchLog, Ticket, TicketMessage, record_event
from .anonymise import ANONYMOUS_EMAIL, anonymise_ticket, drop_files, purge_search_index
from .periods import retention_months

CLOSED = ("solved", "closed")
_DAYS_PER_MONTH = 30.44


def months_before(moment: datetime, months: int) -> datetime:
    return moment - timedelta(days=round(months * _DAYS_PER_MONTH))


def _closed_before(cutoff: datetime):  # noqa: ANN202 - a SQL expression
    closed_at = func.coalesce(Ticket.solved_at, Ticket.last_message_at, Ticket.updated_at)
    return Ticket.status.in_(CLOSED) & (closed_at < cutoff)


def _due_tickets(cutoff: datetime) -> list[int]:
    return list(db.session.scalars(select(Ticket.id).join(Requester).where(
        _closed_before(cutoff), Requester.email != ANONYMOUS_EMAIL).order_by(Ticket.id)))


def _tickets_with_files(cutoff: datetime) -> list[int]:
    with_files = select(TicketMessage.ticket_id).where(
        (TicketMessage.raw_path.is_not(None)) | TicketMessage.id.in_(select(Attachment.message_id)))
    return list(db.session.scalars(select(Ticket.id).where(_closed_before(cutoff), Ticket.id.in_(with_files))
                                   .order_by(Ticket.id)))


def _expired_events(cutoff: datetime) -> tuple:
    """Audit events past their period; those of a ticket or article stay with it (their history; an anonymised
    ticket's events have lost their details already)."""
    return AuditEvent.created_at < cutoff, AuditEvent.ticket_id.is_(None), AuditEvent.article_id.is_(None)


def run_retention(as_of: datetime, *, dry_run: bool = False, months: dict[str, int] | None = None,
                  progress: Callable[[Iterable[int], str], Iterable[int]] = lambda items, _label: items
                  ) -> dict[str, int]:
    """Apply the retention periods as if it were `as_of`; returns counts (what would go, with dry_run).
    `months` (only with dry_run: a preview of periods not yet saved) replaces the periods in force."""
    if months is not None and not dry_run:
        raise ValueError("other periods than those in force only for a dry run")
    config = months or retention_months()
    anonymise_ids = _due_tickets(months_before(as_of, config["RETENTION_TICKET_MONTHS"]))
    files_ids = [i for i in _tickets_with_files(months_before(as_of, config["RETENTION_FILES_MONTHS"]))
                 if i not in set(anonymise_ids)]
    search_cutoff = months_before(as_of, config["RETENTION_SEARCH_LOG_MONTHS"])
    audit_cutoff = months_before(as_of, config["RETENTION_AUDIT_MONTHS"])
    counts = {
        "tickets_anonymised": len(anonymise_ids), "tickets_files_removed": len(files_ids),
        "search_logs_deleted": db.session.scalar(select(func.count(SearchLog.id)).where(
            SearchLog.created_at < search_cutoff)) or 0,
        "audit_events_deleted": db.session.scalar(select(func.count(AuditEvent.id)).where(
            *_expired_events(audit_cutoff))) or 0,
    }
    if dry_run:
        return counts
    for ticket_id in progress(anonymise_ids, "Tickets anonimiseren"):
        anonymise_ticket(db.session.get(Ticket, ticket_id))
        db.session.commit()  # ticket by ticket: an interrupted run keeps what it did
    for ticket_id in progress(files_ids, "Bestanden verwijderen"):
        for message in db.session.get(Ticket, ticket_id).messages:
            drop_files(message)
        db.session.commit()
    db.session.execute(delete(SearchLog).where(SearchLog.created_at < search_cutoff))
    db.session.execute(delete(AuditEvent).where(*_expired_events(audit_cutoff)))
    if anonymise_ids:
        purge_search_index()
    record_event("retention_run", as_of=as_of.date().isoformat(), **counts,
                 months={key.removeprefix("RETENTION_").removesuffix("_MONTHS").lower(): value
                         for key, value in config.items()})
    db.session.commit()
    return counts
