"""Every node's search index and triage model follow the database within INDEX_SYNC_SECONDS, with no restart.

The database is the truth and each node's index a cache. A commit that publishes, archives or edits an article
(synonyms live in articles) bumps the `kb` counter and logs the changed slugs; triage feedback bumps `triage`
(helpdesk/change_log.py). Before a request each process looks at the counters, at most every INDEX_SYNC_SECONDS,
and applies what it missed: the logged articles one by one, or one rebuild when it is further behind.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .change_log import bump_counter, kb_changes, read_counters
from .extensions import db
from .kb.search_service import db_fingerprint, get_index, sync_index
from .models import TriageFeedback
from .triage.service import forget_triager

INDEX_SYNC_SECONDS = 0.5  # how stale a node's index may be, at most, when a request comes in
_KEY = "index_sync"
_TRIAGE_CHANGED = "triage_feedback_changed"  # session.info: this transaction changed triage feedback


@dataclass
class _Seen:
    """The counter values this process's caches reflect."""

    kb: int | None = None
    triage: int | None = None
    checked: float = -math.inf
    lock: threading.Lock = field(default_factory=threading.Lock)


def sync_caches(force: bool = False) -> bool:
    """Catch this process up with the counters (at most every INDEX_SYNC_SECONDS unless `force`); True when
    the index was written. The first call of a process rebuilds an index whose fingerprint is not the database's."""
    seen: _Seen = current_app.extensions.setdefault(_KEY, _Seen())
    now = time.monotonic()
    if not force and now - seen.checked < INDEX_SYNC_SECONDS:
        return False
    if not seen.lock.acquire(blocking=False):
        return False  # another thread of this process is catching up right now
    try:
        seen.checked = now
        counters = read_counters(db.session)
        kb, triage = counters.get("kb", 0), counters.get("triage", 0)
        wrote = False
        if seen.kb is None:
            index = get_index()
            wrote = index.exists() and index.fingerprint() != db_fingerprint() and sync_index(None)
        elif kb != seen.kb:
            wrote = sync_index(kb_changes(db.session, seen.kb, kb))
        if seen.kb is not None and (kb, triage) != (seen.kb, seen.triage):
            forget_triager()
        seen.kb, seen.triage = kb, triage
        return wrote
    finally:
        seen.lock.release()


def _note_feedback(session: Session, _context: Any) -> None:
    """after_flush: remember that triage feedback changed in this transaction."""
    if any(isinstance(obj, TriageFeedback) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_TRIAGE_CHANGED] = True


def _bump_triage(session: Session) -> None:
    """before_commit: every node's triage model is rebuilt after this commit."""
    session.flush()
    if session.info.pop(_TRIAGE_CHANGED, False):
        bump_counter(session, "triage")


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_TRIAGE_CHANGED, None)


def init_app(app: Flask) -> None:
    """Count triage feedback changes on every commit (commands commit too); the listeners are registered once."""
    for name, listener in (("after_flush", _note_feedback), ("before_commit", _bump_triage),
                           ("after_transaction_end", _forget)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def init_requests(app: Flask) -> None:
    """Catch up with other processes' changes before each request (with the web part of the app)."""

    @app.before_request
    def catch_up() -> None:
        try:
            sync_caches()
        except Exception:  # noqa: BLE001 - a stale cache must not cost the page; the next request tries again
            db.session.rollback()
            current_app.logger.exception("Zoekindex en triage bijwerken vanuit de database mislukt")
