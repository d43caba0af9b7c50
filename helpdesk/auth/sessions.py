"""Server-side sign-in sessions: the cookie carries only a random id; its hash is a row here, so logout,
a password change, deactivation and "overal uitloggen" end sessions for real, copied cookies included."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import User, UserSession, utcnow

_KEY = "_sid"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    value = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start_session(user: User) -> None:
    """Begin a fresh session for `user` (drops whatever the cookie held before: no session fixation)."""
    session.clear()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.created_at < utcnow() - _lifetime()))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    session[_KEY] = token


def session_is_live(user_id: int) -> bool:
    """Whether this request's cookie names an unrevoked, unexpired session of `user_id`."""
    token = session.get(_KEY)
    if not isinstance(token, str) or not token:
        return False
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    return (row is not None and row.user_id == user_id and row.revoked_at is None
            and row.created_at > utcnow() - _lifetime())


def end_session() -> None:
    """Revoke this browser's session (logout)."""
    token = session.pop(_KEY, None)
    if isinstance(token, str):
        db.session.execute(update(UserSession).where(UserSession.token_hash == _hash(token),
                                                     UserSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_sessions(user: User, *, keep_current: bool = False) -> int:
    """Revoke every session of `user` (or every other one); returns how many were ended."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    token = session.get(_KEY) if keep_current else None
    if isinstance(token, str):
        stmt = stmt.where(UserSession.token_hash != _hash(token))
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount or 0
