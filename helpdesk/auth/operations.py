"""Sign-in logic, separate from the views."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import User, record_event, utcnow

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


def authenticate(email: str, password: str, code: str = "") -> AuthResult:
    """Check credentials (and the TOTP code when the account has one); record the outcome."""
    user = find_user(email)
    if user is None or not user.check_password(password) or not user.active:
        if user is not None:
            user.failed_logins += 1
            record_event("login_failed", user=user)
        return AuthResult(None, WRONG_CREDENTIALS)
    if user.totp_secret or (user.role == "admin" and current_app.config.get("TOTP_REQUIRED_FOR_ADMINS")):
        if not user.totp_secret:
            return AuthResult(None, "Voor beheerders is een tweede factor verplicht. Vraag een beheerder om "
                                    "een authenticator-code voor uw account in te stellen.")
        if not code:
            return AuthResult(None, "Vul ook de code uit uw authenticator-app in.", needs_code=True)
        if not code_matches(user.totp_secret, code):
            user.failed_logins += 1
            return AuthResult(None, "De code uit de authenticator-app klopt niet.", needs_code=True)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    record_event("login", user=user)
    return AuthResult(user)


def code_matches(secret: str, code: str) -> bool:
    """A code from the authenticator app for `secret`, allowing one 30-second step of clock difference."""
    return pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1)


def new_totp_secret() -> str:
    """A fresh secret for an account that enrols a second factor."""
    return pyotp.random_base32()


def totp_setup_details(secret: str, email: str) -> tuple[str, str]:
    """The secret in groups of four (to type over) and the otpauth:// URI (for the QR code) for `email`."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Helpdesk IPO")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), uri


def enrol_totp(user: User, secret: str, code: str) -> bool:
    """Switch the second factor on when `code` proves the app holds `secret`; False when it does not."""
    if not code_matches(secret, code):
        return False
    user.totp_secret = secret
    record_event("totp_enrolled", user=user)
    return True


def remove_totp(user: User, code: str) -> bool:
    """Switch the second factor off when `code` comes from the enrolled app; False when it does not."""
    if not user.totp_secret or not code_matches(user.totp_secret, code):
        return False
    user.totp_secret = None
    record_event("totp_removed", user=user)
    return True
