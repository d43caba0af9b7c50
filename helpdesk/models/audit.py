"""The audit trail: who did what, when. Append-only: the ORM refuses to change or delete an event; only the
privacy code removes details or old events, by explicit statements (anonymisation, erasure, retention)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .users import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_ticket_created", "ticket_id", "created_at"),
        Index("ix_audit_events_article_created", "article_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(50))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User | None] = relationship()


def record_event(action: str, *, user: User | None = None, ticket_id: int | None = None,
                 article_id: int | None = None, **detail: Any) -> AuditEvent:
    """Add an audit event to the session (the caller commits)."""
    event = AuditEvent(action=action, user_id=user.id if user else None, ticket_id=ticket_id,
                       article_id=article_id, detail=detail or None)
    db.session.add(event)
    return event


class AuditEventChanged(RuntimeError):
    """Someone tried to change or delete an audit event through the ORM."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context: object, _instances: object) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditEventChanged("audit events are append-only; they cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj, include_collections=False):
            raise AuditEventChanged("audit events are append-only; they cannot be changed")
