"""Mailbox bookkeeping, quarantine and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .tickets import TicketMessage


class MailboxState(db.Model):
    __tablename__ = "mailbox_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(300), unique=True)  # user@host/folder
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    leader_host: Mapped[str | None] = mapped_column(String(300))  # the ingest holding this mailbox's lock
    leader_pid: Mapped[int | None] = mapped_column(Integer)
    leader_since: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class QuarantinedMail(db.Model):
    __tablename__ = "quarantined_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(500), default="")  # e.g. imap:INBOX:uidvalidity:uid or a file
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when asked: may be huge
    error: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="held")  # held, reprocessed
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reprocessed_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for mail that belongs to no ticket (a password-reset link)
    ticket_message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"), unique=True)
    message_id: Mapped[str] = mapped_column(String(500))
    to_addrs: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # the composed message, built once
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    ticket_message: Mapped[TicketMessage | None] = relationship(back_populates="outbox")
