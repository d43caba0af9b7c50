"""Tickets, their messages and attachments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, and_, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.sql import ColumnElement

from knowledge.categories import label
from mail_ingest.html_text import SafeHtml, bound_html, sanitize_html
from mail_ingest.mime import ParseLimits

from ..extensions import db
from ._base import utcnow
from .users import Requester, User

if TYPE_CHECKING:
    from .mail import OutboxMail

STATUSES = ("new", "open", "pending", "solved", "closed")
STATUS_LABELS = {
    "new": "Nieuw",
    "open": "Open",
    "pending": "Wacht op aanvrager",
    "solved": "Opgelost",
    "closed": "Gesloten",
}
MAX_MERGE_HOPS = 10  # a chain of merges (A into B, later B into C) is followed this far
# What a mail turned out to be; only questions reach the agents' queue.
KINDS = ("question", "autoreply", "bounce", "bulk", "held", "discarded")  # discarded: held mail an admin put away


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue", "kind", "status", "waiting_since", "id"),
        Index("ix_tickets_category_status", "category", "status"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_created", "created_at"),
        Index("ix_tickets_top_article", "top_article_slug", "status"),
        Index("ix_tickets_due", "kind", "status", "due_at", "id"),
        Index("ix_tickets_pending_until", "pending_until"),
        # covering indexes: the dashboard's and the waves' GROUP BYs read only these (migration 0009)
        Index("ix_tickets_arrivals", "kind", "created_at", "category", "first_response_at", "first_due_at"),
        Index("ix_tickets_answers", "kind", "first_response_at", "used_article_slug"),
        Index("ix_tickets_waves", "kind", "status", "top_article_slug", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500), default="")
    requester_id: Mapped[int] = mapped_column(ForeignKey("requesters.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    kind: Mapped[str] = mapped_column(String(20), default="question")
    category: Mapped[str | None] = mapped_column(String(20))
    category_confidence: Mapped[float | None] = mapped_column(Float)
    category_reason: Mapped[str | None] = mapped_column(Text)
    category_source: Mapped[str | None] = mapped_column(String(20))  # "triage" or "agent"
    category_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    suggestions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    top_article_slug: Mapped[str | None] = mapped_column(String(200))
    used_article_slug: Mapped[str | None] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cc: Mapped[str | None] = mapped_column(Text)  # addresses on CC of the opening mail, comma separated
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change: collision detection
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime)  # oldest unanswered incoming mail
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    solved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Response targets (tickets/targets.py): the waiting mail's answer and the first answer are due then.
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    pending_until: Mapped[datetime | None] = mapped_column(DateTime)  # "Later oppakken tot": back in the queue then
    # A mail that named this ticket's thread but came from outside it starts a ticket of its own, linked here.
    related_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    related_reason: Mapped[str | None] = mapped_column(String(500))
    # Merged into another ticket of the same question: messages moved there, later mail goes there too.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    requester: Mapped[Requester] = relationship(lazy="joined")
    related_ticket: Mapped[Ticket | None] = relationship(remote_side="Ticket.id", foreign_keys=[related_ticket_id],
                                                         back_populates="related_tickets")
    related_tickets: Mapped[list[Ticket]] = relationship(back_populates="related_ticket",
                                                         foreign_keys=[related_ticket_id], order_by="Ticket.id")
    merged_into: Mapped[Ticket | None] = relationship(remote_side="Ticket.id", foreign_keys=[merged_into_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    category_set_by: Mapped[User | None] = relationship(foreign_keys=[category_set_by_id])
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.created_at, TicketMessage.id"
    )

    @property
    def number(self) -> str:
        return f"IPO-{self.id}"

    @property
    def kept(self) -> Ticket:
        """The ticket this one lives on in after merges (itself when it was not merged)."""
        ticket: Ticket = self
        for _ in range(MAX_MERGE_HOPS):
            if ticket.merged_into is None:
                break
            ticket = ticket.merged_into
        return ticket

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def category_label(self) -> str:
        return label(self.category)

    @hybrid_method
    def is_uncertain(self, threshold: float) -> bool:
        """Whether to say "categorie onzeker": none, or triage's below `threshold`; an agent's choice is certain."""
        if self.category is None:
            return True
        if self.category_source == "agent":
            return False
        return self.category_confidence is None or self.category_confidence < threshold

    @is_uncertain.inplace.expression
    @classmethod
    def _is_uncertain_expression(cls, threshold: float) -> ColumnElement[bool]:
        """The same rule as SQL, for the queue's "onzeker" filter."""
        from_triage = or_(cls.category_source.is_(None), cls.category_source != "agent")
        low = or_(cls.category_confidence.is_(None), cls.category_confidence < threshold)
        return or_(cls.category.is_(None), and_(from_triage, low))


class TicketSearchDocument(db.Model):
    """What the queue search looks in, one row per ticket: subject, requester and message texts, one per line.

    Written only by database triggers (migration 0009) on tickets, messages and requesters; indexed by FTS5
    trigrams on SQLite (`ticket_search_fts`) and a pg_trgm GIN index on PostgreSQL."""

    __tablename__ = "ticket_search_documents"

    ticket_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)


class TicketMessage(db.Model):
    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket_created", "ticket_id", "created_at"),
                      Index("ix_ticket_messages_idempotency_key", "idempotency_key", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    direction: Mapped[str] = mapped_column(String(10))  # "in", "out" or "note"
    kind: Mapped[str] = mapped_column(String(20), default="question")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_email: Mapped[str] = mapped_column(String(254), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    message_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    references_header: Mapped[str | None] = mapped_column(Text)
    raw_path: Mapped[str | None] = mapped_column(String(500))  # relative to the data dir
    text: Mapped[str] = mapped_column(Text, default="")  # the whole text as received or written
    clean_text: Mapped[str | None] = mapped_column(Text)  # new text without quotes and signature
    html: Mapped[str | None] = mapped_column(Text)  # sanitised (nh3) once at ingest; pages show it as stored
    parse_notes: Mapped[str | None] = mapped_column(Text)  # what a parse limit cut off (Dutch, one per line)
    article_slug: Mapped[str | None] = mapped_column(String(200))  # article a reply was based on
    imap_uidvalidity: Mapped[int | None] = mapped_column(db.BigInteger)
    imap_uid: Mapped[int | None] = mapped_column(db.BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    suspect: Mapped[str | None] = mapped_column(Text)  # why the sender cannot be trusted (forged-looking From)
    # The reply form's one-time key: a replayed or back-button POST finds its reply instead of sending again.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", order_by="Attachment.id")
    outbox: Mapped[OutboxMail | None] = relationship(back_populates="ticket_message", uselist=False)

    @validates("html")
    def _sanitised_once(self, _key: str, value: str | None) -> str | None:
        """Only sanitised HTML is stored (ingest hands it over as SafeHtml), so pages show it without nh3."""
        if value is None or isinstance(value, SafeHtml):
            return value
        return sanitize_html(bound_html(value, ParseLimits.max_html_depth, ParseLimits.max_html_chars)[0])


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    storage_path: Mapped[str] = mapped_column(String(500))  # relative to the attachment dir
    content_id: Mapped[str | None] = mapped_column(String(500))
    inline: Mapped[bool] = mapped_column(Boolean, default=False)

    message: Mapped[TicketMessage] = relationship(back_populates="attachments")


class CannedReply(db.Model):
    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # who made it (None: a shared text from before migration 0013, which only admins edit)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)  # visible to every agent
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # A macro (tickets/macros.py): what applying it also changes; None leaves that field of the ticket alone.
    status: Mapped[str | None] = mapped_column(String(20))  # a ticket status, or "later" (snooze_days ahead)
    snooze_days: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(20))
    assign_self: Mapped[bool] = mapped_column(Boolean, default=False)  # the applying agent
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a fixed agent

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def is_macro(self) -> bool:
        """Whether applying it changes the ticket, not only the reply text."""
        return bool(self.status or self.category or self.assign_self or self.assignee_id)


class TicketView(db.Model):
    """Who has a ticket open right now: for the 'another agent is working on this' warning."""

    __tablename__ = "ticket_views"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TriageFeedback(db.Model):
    """Agent corrections that teach triage: a changed category or the article used for a reply."""

    __tablename__ = "triage_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "category" or "article"
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(20))
    # the category before an agent's correction, so an admin reviewing lessons reads "Overig → Kosten"
    previous_category: Mapped[str | None] = mapped_column(String(20))
    article_slug: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
