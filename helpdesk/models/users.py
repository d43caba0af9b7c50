"""Staff accounts and the people who mail the helpdesk."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import utcnow
from .organisations import Organisation

ROLES = ("agent", "editor", "admin")
ROLE_LABELS = {"agent": "Medewerker helpdesk", "editor": "Redacteur", "admin": "Beheerder"}
# The mails an agent may ask for (each off until they turn it on): stored column → what it is, in Dutch
NOTIFICATION_KINDS = {
    "assigned": "Een collega wijst mij een ticket toe",
    "reply": "De aanvrager reageert op een ticket van mij",
    "mention": "Een collega noemt mij in een interne notitie (@naam)",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="agent")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))  # being enrolled: server-side only
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # last accepted 30 s step: codes are single-use
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in or keep a session
        return bool(self.active)

    def has_role(self, *roles: str) -> bool:
        """Admins may do everything; others only what their own role allows."""
        return self.role == "admin" or self.role in roles

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class Requester(db.Model):
    __tablename__ = "requesters"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # From the mail domain (organisations.py); None for free-mail addresses such as gmail.com
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    institution: Mapped[Organisation | None] = relationship()

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def organisation_name(self) -> str:
        """The institution from the mail domain (as an admin named it), else what was typed by hand."""
        return self.institution.name if self.institution else self.organisation


class NotificationSettings(db.Model):
    """Which notification mails one agent wants; without a row every kind is off (opt-in)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    assigned: Mapped[bool] = mapped_column(Boolean, default=False)
    reply: Mapped[bool] = mapped_column(Boolean, default=False)
    mention: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    def wants(self, kind: str) -> bool:
        return kind in NOTIFICATION_KINDS and bool(getattr(self, kind))
