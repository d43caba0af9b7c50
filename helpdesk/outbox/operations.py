"""Outbox operations: queue a composed reply next to its message, retry a failed one, describe the state."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import update

from ..extensions import db
from ..models import OutboxMail, TicketMessage, User, record_event, utcnow
from .compose import bare_address, compose_staff_mail, envelope_recipients, new_message_id


def smtp_configured() -> bool:
    """Whether replies can leave at all: without HELPDESK_SMTP_HOST they wait in the outbox."""
    return bool(current_app.config.get("SMTP_HOST"))


def queue_mail(message: TicketMessage, raw: bytes, recipients: list[str]) -> OutboxMail:
    """Add the outbox row for an outgoing message (same transaction as the message; the caller commits)."""
    if not message.message_id:
        raise ValueError("een uitgaand bericht heeft een Message-ID nodig")
    mail = OutboxMail(ticket_message=message, message_id=message.message_id, to_addrs=", ".join(recipients),
                      raw=raw, status="pending", attempts=0, next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.flush()
    return mail


def queue_staff_mail(to_email: str, subject: str, body: str, ticket_number: str = "") -> OutboxMail:
    """Compose a mail to a staff member and queue it on its own (no ticket message: it is not part of any
    conversation with a requester). Raises ComposeError for an unusable address; the caller commits."""
    config = current_app.config
    to_email = bare_address(to_email)
    message_id = new_message_id(config["MESSAGE_ID_DOMAIN"])
    raw = compose_staff_mail(from_addr=config["SMTP_FROM"], to_email=to_email, subject=subject, body=body,
                             message_id=message_id, ticket_number=ticket_number)
    mail = OutboxMail(ticket_message=None, message_id=message_id, to_addrs=", ".join(envelope_recipients(to_email)),
                      raw=raw, status="pending", attempts=0, next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.flush()
    return mail


def retry_outbox_mail(mail: OutboxMail, user: User | None = None) -> OutboxMail:
    """Put a failed mail back in the queue for a new round of attempts."""
    if mail.status == "sent":
        return mail
    mail.status = "pending"
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    record_event("outbox_retry", user=user, ticket_id=mail.ticket_message.ticket_id, outbox_id=mail.id,
                 last_error=mail.last_error)
    db.session.flush()
    return mail


def cancel_outbox_mail(mail: OutboxMail, user: User | None = None) -> bool:
    """Stop a queued reply before it is handed to SMTP (compare-and-set: a sender that claimed it wins)."""
    result = db.session.execute(update(OutboxMail).where(OutboxMail.id == mail.id, OutboxMail.status == "pending")
                                .values(status="cancelled").execution_options(synchronize_session=False))
    db.session.refresh(mail)
    if result.rowcount != 1:
        return False
    ticket = mail.ticket_message.ticket
    if ticket.status in ("pending", "solved"):  # the answer never left: the question is open again
        ticket.status, ticket.solved_at = "open", None
    record_event("reply_cancelled", user=user, ticket_id=ticket.id, outbox_id=mail.id)
    db.session.flush()
    return True


def delivery_label(mail: OutboxMail | None) -> str:
    """What an agent sees about a reply's delivery."""
    if mail is None:
        return ""
    if mail.status == "sent":
        return "verzonden"
    if mail.status == "cancelled":
        return "geannuleerd, niet verstuurd"
    if mail.status == "bounced":
        return f"niet afgeleverd: {mail.last_error or 'onbekende reden'}"
    if mail.status == "failed":
        return f"mislukt: {mail.last_error or 'onbekende fout'}"
    if mail.attempts and mail.last_error:
        return f"wacht op verzending (poging {mail.attempts} mislukt: {mail.last_error})"
    return "wacht op verzending"
