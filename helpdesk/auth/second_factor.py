"""Second factor: TOTP codes that work once (last accepted step stored), and ten one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, User, utcnow

STEP_SECONDS = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy from paper


def _normal(code: str) -> str:
    return re.sub(r"[\s-]+", "", code).lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30 s step (now, one before or one after) whose code is `code`, or None."""
    code = _normal(code)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now if now is not None else time.time()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def claim_step(user: User, step: int) -> bool:
    """Mark `step` as used for `user`; False when it (or a later one) was used already. One atomic UPDATE."""
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


def verify_totp(user: User, code: str) -> bool:
    """A current TOTP code for `user`'s authenticator that has not been used before."""
    step = matching_step(user.totp_secret, code) if user.totp_secret else None
    return step is not None and claim_step(user, step)


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of `user`'s recovery codes; False when it is unknown or used."""
    if len(_normal(code)) != 16:
        return False
    return bool(db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount)


def verify_second_factor(user: User, code: str) -> bool:
    """An authenticator code or a recovery code."""
    return verify_totp(user, code) or use_recovery_code(user, code)


def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes with ten new ones; they are returned once, only hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def pending_secret(user: User) -> str:
    """The secret being enrolled, kept on the account (never in the cookie); made on first use."""
    if not user.totp_pending_secret:
        user.totp_pending_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_pending_secret


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn the pending secret on when `code` matches; returns the new recovery codes, or None."""
    secret = user.totp_pending_secret
    step = matching_step(secret, code) if secret else None
    if step is None:
        return None
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, step
    return new_recovery_codes(user)


def remove_second_factor(user: User) -> None:
    """Switch the second factor off (own request with a code, or an admin's reset)."""
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
