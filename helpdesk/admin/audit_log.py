"""The audit log as admins read it: filter by action, account and period; export as CSV. Read-only: no
operation here or anywhere changes or removes an event (only retention may, later, by age)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select

from ..extensions import db
from ..models import AuditEvent, User

PAGE_SIZE = 100
ACTION_LABELS = {
    "login": "Ingelogd", "login_failed": "Inloggen mislukt", "login_throttled": "Inloggen geweigerd (te vaak)",
    "logout_everywhere": "Overal uitgelogd", "password_changed": "Wachtwoord gewijzigd",
    "password_reset_issued": "Herstellink gemaakt", "password_reset_used": "Wachtwoord hersteld",
    "totp_enrolled": "Tweestaps aangezet", "totp_removed": "Tweestaps uitgezet", "totp_reset": "Tweestaps gereset",
    "recovery_codes_renewed": "Nieuwe herstelcodes", "user_created": "Account aangemaakt",
    "user_role_changed": "Rol gewijzigd", "user_deactivated": "Account gedeactiveerd",
    "user_activated": "Account geactiveerd", "article_published": "Artikel gepubliceerd",
    "article_archived": "Artikel gearchiveerd", "article_draft_discarded": "Concept weggegooid",
    "setting_changed": "Instelling gewijzigd",
    "retention_run": "Bewaartermijnen toegepast", "privacy_export": "Inzage gedownload",
    "privacy_erased": "Gegevens gewist", "audit_exported": "Auditlog geëxporteerd",
    "triage_feedback_undone": "Triagelessen ongedaan gemaakt",
    "canned_created": "Standaardantwoord/macro gemaakt", "canned_updated": "Standaardantwoord/macro gewijzigd",
    "canned_deleted": "Standaardantwoord/macro verwijderd", "macro_applied": "Macro toegepast",
    "notifications_changed": "Meldingen per e-mail gewijzigd",
}


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    account: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args: Any) -> AuditFilter:
        return cls(action=_text(args.get("actie"))[:50], account=_text(args.get("account")).strip()[:254],
                   since=_day(args.get("van")), until=_day(args.get("tot")))

    def query_args(self) -> dict[str, str]:
        values = {"actie": self.action, "account": self.account, "van": self.since, "tot": self.until}
        return {key: str(value) for key, value in values.items() if value}


def _text(value: str | None) -> str:
    """A filter value without control characters (PostgreSQL refuses NUL in text; none belongs in a filter)."""
    return "".join(ch for ch in (value or "") if ch >= " ")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10]) if text else None
    except ValueError:
        return None


def _filtered(f: AuditFilter) -> Select:
    stmt = select(AuditEvent, User.email).outerjoin(User, AuditEvent.user_id == User.id)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.account:
        needle = f.account.lower()
        stmt = stmt.where(or_(func.lower(User.email).contains(needle, autoescape=True),  # who did it
                              func.lower(cast(AuditEvent.detail, String)).contains(needle, autoescape=True)))
    if f.since:
        stmt = stmt.where(AuditEvent.created_at >= datetime.combine(f.since, time.min))
    if f.until:
        stmt = stmt.where(AuditEvent.created_at < datetime.combine(f.until + timedelta(days=1), time.min))
    return stmt


def audit_page(f: AuditFilter, page: int = 1) -> tuple[list[tuple[AuditEvent, str | None]], int]:
    """One page of matching events, newest first, and the number that match."""
    total = db.session.scalar(select(func.count()).select_from(_filtered(f).subquery())) or 0
    rows = db.session.execute(_filtered(f).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [(event, email) for event, email in rows], total


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


AUDIT_CSV_HEADER = ("tijd (UTC)", "actie", "account", "ticket", "artikel", "details")


def audit_rows(f: AuditFilter, limit: int) -> list[tuple[object, ...]]:
    """At most `limit` matching events as CSV rows, oldest first."""
    stmt = _filtered(f).order_by(AuditEvent.created_at, AuditEvent.id).limit(limit)
    return [(event.created_at.isoformat(timespec="seconds"), event.action, email, event.ticket_id,
             event.article_id, event.detail or "") for event, email in db.session.execute(stmt)]
