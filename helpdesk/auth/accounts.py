"""Account operations for admins and for users themselves: role, second-factor reset, deactivation,
password change and one-time password-reset links. Shared by the pages and the CLI; the caller commits."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import ROLES, User, record_event, utcnow
from ..outbox.operations import queue_staff_mail
from .passwords import password_problem
from .second_factor import remove_second_factor
from .sessions import revoke_sessions

_SALT = "helpdesk-password-reset"


class AccountError(ValueError):
    """The change cannot be made; the message is Dutch and says why; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "new") -> None:
        super().__init__(message)
        self.field = field


def set_role(user: User, role: str, *, actor: User | None = None) -> None:
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}; kies uit {', '.join(ROLES)}.")
    if actor is not None and actor.id == user.id and role != user.role:
        raise AccountError("U kunt uw eigen rol niet wijzigen; vraag een andere beheerder.")
    old, user.role = user.role, role
    revoke_sessions(user)  # a changed role starts afresh: no page opened under the old role stays usable
    record_event("user_role_changed", user=actor, target=user.email, old=old, role=role)


def reset_second_factor(user: User, *, actor: User | None = None) -> None:
    remove_second_factor(user)
    revoke_sessions(user)
    record_event("totp_reset", user=actor, target=user.email)


def deactivate(user: User, *, actor: User | None = None) -> None:
    if actor is not None and actor.id == user.id:
        raise AccountError("U kunt uw eigen account niet deactiveren.")
    user.active = False
    revoke_sessions(user)
    record_event("user_deactivated", user=actor, target=user.email)


def set_new_password(user: User, password: str, *, keep_current_session: bool = False) -> None:
    """Check and store a new password; every (other) session of the user ends."""
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem)
    user.set_password(password)
    user.password_changed_at = utcnow()
    revoke_sessions(user, keep_current=keep_current_session)


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("Uw huidige wachtwoord klopt niet.", "current")
    set_new_password(user, new, keep_current_session=True)
    record_event("password_changed", user=user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: User) -> str:
    """Changes with the password: a used link (or one issued before a change) stops working."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    """The token of a one-time reset link for `user`."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def reset_link(user: User) -> str:
    path = url_for("auth.reset_password_page", token=reset_token(user))
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def user_for_reset_token(token: str) -> User | None:
    """The account a valid, unused, unexpired reset token belongs to."""
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["PASSWORD_RESET_MAX_AGE"]))
    except BadSignature:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def issue_reset_link(user: User, *, actor: User | None = None) -> str | None:
    """Mail a one-time reset link through the outbox when SMTP is set (returns None); else return the link,
    to be shown once to the admin."""
    link = reset_link(user)
    record_event("password_reset_issued", user=actor, target=user.email)
    if not current_app.config.get("SMTP_HOST"):
        return link
    hours = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 3600
    queue_staff_mail(user.email, "Nieuw wachtwoord instellen voor de Helpdesk IPO",
                     f"Beste {user.display_name},\n\nEen beheerder heeft voor uw account bij de Helpdesk IPO een nieuw "
                     f"wachtwoord aangevraagd. Kies het via deze link (eenmalig, {hours} uur geldig):\n\n{link}\n\n"
                     "Hebt u dit niet verwacht? Neem dan contact op met een beheerder.\n")
    return None


def reset_password(user: User, password: str) -> None:
    set_new_password(user, password)
    record_event("password_reset_used", user=user)
