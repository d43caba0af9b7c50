"""Sign-in logic, separate from the views."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, record_event, utcnow
from .second_factor import verify_second_factor

# One message for a wrong address, a wrong password and a deactivated account: never reveal which accounts exist.
WRONG_CREDENTIALS = "Het e-mailadres of wachtwoord is onjuist, of het account is niet actief."


@dataclass
class AuthResult:
    user: User | None
    message: str = ""
    needs_code: bool = False


def find_user(email: str) -> User | None:
    """The account for an e-mail address, case-insensitive."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


_DUMMY_HASH: list[str] = []


def _spend_hash_time(password: str) -> None:
    """Check the password against a dummy hash, so an unknown account takes as long to refuse as a real one."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash("dummy password for unknown accounts", method="scrypt"))
    check_password_hash(_DUMMY_HASH[0], password)


def authenticate(email: str, password: str, code: str = "") -> AuthResult:
    """Check credentials (and the TOTP code when the account has one); record the outcome."""
    user = find_user(email)
    if user is None:
        _spend_hash_time(password)
    if user is None or not user.check_password(password) or not user.active:
        if user is not None:
            user.failed_logins += 1
            record_event("login_failed", user=user)
        else:
            record_event("login_failed", target=email.strip().lower()[:254])
        return AuthResult(None, WRONG_CREDENTIALS)
    if user.totp_secret or (user.role == "admin" and current_app.config.get("TOTP_REQUIRED_FOR_ADMINS")):
        if not user.totp_secret:
            return AuthResult(None, "Voor beheerders is een tweede factor verplicht. Vraag een beheerder om "
                                    "een authenticator-code voor uw account in te stellen.")
        if not code:
            return AuthResult(None, "Vul ook de code uit uw authenticator-app in.", needs_code=True)
        if not verify_second_factor(user, code):
            user.failed_logins += 1
            return AuthResult(None, "De code uit de authenticator-app klopt niet (of is al gebruikt). Wacht op "
                                    "de volgende code, of gebruik een herstelcode.", needs_code=True)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    record_event("login", user=user)
    return AuthResult(user)
