"""The mailbox figures: what `flask mail status` prints and the admins' mailbox page shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import OutboxMail, QuarantinedMail, Ticket, TicketMessage

NOT_A_QUESTION = ("autoreply", "bounce", "bulk")  # message kinds kept out of the queue


@dataclass(frozen=True)
class MailboxFigures:
    tickets: int  # question tickets
    messages: int
    autoreplies: int  # auto-replies, bounces and bulk mail
    held: int  # tickets held because one sender sent too much mail
    quarantined: int
    outbox_waiting: int
    outbox_failed: int
    outbox_bounced: int  # a bounce named the reply: not delivered
    outbox_cancelled: int


def _counts(*columns: object) -> tuple[int, ...]:
    return tuple(n or 0 for n in db.session.execute(select(*columns)).one())


def mailbox_figures() -> MailboxFigures:
    """Count tickets, messages, held, quarantined and outgoing mail: one query per table."""
    tickets, held = _counts(func.count(Ticket.id).filter(Ticket.kind == "question"),
                            func.count(Ticket.id).filter(Ticket.kind == "held"))
    messages, autoreplies = _counts(func.count(TicketMessage.id),
                                    func.count(TicketMessage.id).filter(TicketMessage.kind.in_(NOT_A_QUESTION)))
    (quarantined,) = _counts(func.count(QuarantinedMail.id).filter(QuarantinedMail.status == "held"))
    waiting, failed, bounced, cancelled = _counts(
        func.count(OutboxMail.id).filter(OutboxMail.status.in_(("pending", "sending"))),
        *(func.count(OutboxMail.id).filter(OutboxMail.status == status)
          for status in ("failed", "bounced", "cancelled")))
    return MailboxFigures(tickets=tickets, messages=messages, autoreplies=autoreplies, held=held,
                          quarantined=quarantined, outbox_waiting=waiting, outbox_failed=failed,
                          outbox_bounced=bounced, outbox_cancelled=cancelled)
