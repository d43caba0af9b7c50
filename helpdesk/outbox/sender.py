"""The SMTP sender: delivers due outbox rows with retries and exponential backoff.

Delivery guarantee: at-least-once with an idempotent Message-ID, which in practice gives exactly-once.

- The reply's Message-ID is generated and the whole message is composed when the agent sends it, in the same
  transaction as the TicketMessage. Every attempt sends exactly the same bytes with the same Message-ID.
- A row is claimed with a compare-and-set UPDATE (status pending/sending and due → sending, attempts + 1,
  next_attempt_at = now + the lease, OUTBOX_LEASE_SECONDS), committed before SMTP starts; on PostgreSQL the
  candidates are selected with `FOR UPDATE SKIP LOCKED`, so parallel senders never pick the same row. The claim
  is a lease: a sender that crashes leaves the row in `sending`, and it becomes due again only after the lease
  has run out.
- After the SMTP server accepted the message, the row is marked `sent` and committed at once.
- Residual window: a crash (or lost connection) after the server accepted DATA but before the `sent` commit.
  The row is then sent again after the lease, with the same Message-ID and bytes. Receiving mail systems and
  clients (and our own ingest, which keys messages by Message-ID) treat that as the same message, so the
  requester sees one reply; a strict recipient may show a duplicate. That window is milliseconds wide.
- A 5xx answer is permanent (status `failed` at once); other errors are retried with backoff until
  OUTBOX_MAX_ATTEMPTS, then `failed`. Agents see the state on the ticket and can press "opnieuw proberen".
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import OutboxMail, record_event, utcnow
from .compose import needs_smtputf8

log = logging.getLogger(__name__)

BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=2)
BATCH = 50


@dataclass
class DeliveryReport:
    """What one run of the sender did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        return f"verzonden: {len(self.sent)}, opnieuw later: {len(self.retrying)}, mislukt: {len(self.failed)}"


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: 1, 2, 4 … minutes, at most two hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def _due_filter(now: datetime) -> Any:
    return or_(OutboxMail.status == "pending", OutboxMail.status == "sending") & (OutboxMail.next_attempt_at <= now)


def claim_due(now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim due rows for this sender (lease until now + OUTBOX_LEASE_SECONDS) and commit; returns their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    query = select(OutboxMail.id).where(_due_filter(now)).order_by(OutboxMail.next_attempt_at).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for mail_id in db.session.scalars(query).all():
        # Compare-and-set: only one sender can move a due row to `sending` with a fresh lease.
        result = db.session.execute(
            update(OutboxMail).where(OutboxMail.id == mail_id, _due_filter(now))
            .values(status="sending", attempts=OutboxMail.attempts + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(mail_id)
    db.session.commit()
    return claimed


def _connect(config: dict[str, Any]) -> smtplib.SMTP:
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    timeout = float(config["SMTP_TIMEOUT"])
    context = ssl.create_default_context()
    if config.get("SMTP_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if config.get("SMTP_STARTTLS") and not config.get("SMTP_SSL"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _envelope_sender(config: dict[str, Any]) -> str:
    from email.utils import parseaddr

    return parseaddr(config.get("SMTP_FROM") or "")[1]


class SmtpUtf8Unsupported(smtplib.SMTPException):
    """The mail needs SMTPUTF8 (a non-ASCII address) and our mail server does not offer it: retrying won't help."""


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, SmtpUtf8Unsupported):
        return True
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _m in exc.recipients.values()]
        return bool(codes) and all(c >= 500 for c in codes)
    return isinstance(code, int) and code >= 500


def _describe(exc: Exception) -> str:
    if isinstance(exc, SmtpUtf8Unsupported):
        return str(exc)[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {err}"[:500]
    if isinstance(exc, OSError | socket.timeout):
        return f"SMTP-server niet bereikbaar ({exc.__class__.__name__}: {exc})"[:500]
    return f"{exc.__class__.__name__}: {exc}"[:500]


def _mark_failure(mail: OutboxMail, exc: Exception, now: datetime, max_attempts: int, report: DeliveryReport) -> None:
    mail.last_error = _describe(exc)
    if _permanent(exc) or mail.attempts >= max_attempts:
        mail.status = "failed"
        report.failed.append(mail.id)
        record_event("reply_failed", ticket_id=mail.ticket_message.ticket_id if mail.ticket_message else None,
                     outbox_id=mail.id, error=mail.last_error)
    else:
        mail.status = "pending"
        mail.next_attempt_at = now + backoff(mail.attempts)
        report.retrying.append(mail.id)


def _send(smtp: smtplib.SMTP, sender: str, recipients: list[str], raw: bytes) -> None:
    """One message; with SMTPUTF8 when an address needs it, and a clear permanent error when the server lacks it."""
    if not (needs_smtputf8([sender, *recipients]) or not raw.isascii()):
        smtp.sendmail(sender, recipients, raw)
        return
    if not smtp.has_extn("smtputf8"):
        raise SmtpUtf8Unsupported(
            f"Niet verstuurd: het adres {', '.join(recipients)} bevat tekens buiten ASCII en de mailserver biedt "
            "geen SMTPUTF8 aan. Vraag de aanvrager om een ander e-mailadres, of laat de beheerder SMTPUTF8 aanzetten.")
    smtp.sendmail(sender, recipients, raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])


def deliver_due(config: dict[str, Any], now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """Send every due outbox row once over one SMTP connection; commits after each row."""
    report = DeliveryReport()
    if not config.get("SMTP_HOST"):
        report.skipped = "Geen SMTP-server ingesteld (HELPDESK_SMTP_HOST): antwoorden wachten in de outbox."
        return report
    now = now or utcnow()
    max_attempts = int(config["OUTBOX_MAX_ATTEMPTS"])
    ids = claim_due(now, limit)
    if not ids:
        return report
    sender = _envelope_sender(config)
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        for mail in db.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids))):
            _mark_failure(mail, exc, now, max_attempts, report)
        db.session.commit()
        log.warning("SMTP-verbinding mislukt: %s", _describe(exc))
        return report
    try:
        for mail_id in ids:
            mail = db.session.get(OutboxMail, mail_id)
            if mail is None or mail.status != "sending":
                continue
            recipients = [a.strip() for a in mail.to_addrs.split(",") if a.strip()]
            try:
                _send(smtp, sender, recipients, mail.raw or b"")
            except (OSError, smtplib.SMTPException) as exc:
                _mark_failure(mail, exc, now, max_attempts, report)
            else:
                sent_at = utcnow()
                mail.status, mail.sent_at, mail.last_error = "sent", sent_at, None
                report.sent.append(mail.id)
                if mail.ticket_message is not None:  # None: a staff mail (password-reset link), no ticket
                    mail.ticket_message.sent_at = sent_at
                    record_event("reply_delivered", ticket_id=mail.ticket_message.ticket_id, outbox_id=mail.id)
            db.session.commit()  # right after SMTP accepted: keeps the duplicate window tiny
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report
