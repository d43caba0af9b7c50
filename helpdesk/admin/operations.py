"""Operations on staff accounts, shared by the admin pages and the CLI."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ..auth.passwords import password_problem
from ..auth.sessions import revoke_sessions
from ..extensions import db
from ..models import ROLES, User, record_event


class UserError(ValueError):
    """A staff account cannot be created or changed as asked; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _valid_email(email: str) -> bool:
    """The check the admin form's WTForms Email() validator makes (email_validator, no DNS look-up)."""
    from email_validator import EmailNotValidError, validate_email  # as WTForms does: loaded when first used

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(email) <= 254


def create_user(email: str, password: str, role: str, *, name: str = "", actor: User | None = None) -> User:
    """Add a staff account (the caller commits)."""
    email, name = email.strip().lower(), name.strip()
    if not _valid_email(email):
        raise UserError("Dit is geen geldig e-mailadres.")
    if len(name) > 200 or _CONTROL.search(name):
        raise UserError("Geef een naam van hoogstens 200 gewone tekens.", "name")
    if role not in ROLES:
        raise UserError(f"Onbekende rol {role!r}; kies uit {', '.join(ROLES)}.", "role")
    if problem := password_problem(password, email=email, name=name):
        raise UserError(problem, "password")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise UserError("Er bestaat al een account met dit e-mailadres.")
    user = User(email=email, name=name, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("user_created", user=actor, target=email, role=role)
    return user


def set_user_active(user: User, active: bool, *, actor: User | None = None) -> None:
    """Activate or deactivate an account; a deactivated user loses access at the next request."""
    user.active = active
    if not active:
        revoke_sessions(user)  # reactivating later must not bring old sessions back
    record_event("user_activated" if active else "user_deactivated", user=actor, target=user.email)
