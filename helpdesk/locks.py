"""Node locks: one holder in the whole cluster for a name (an ingest mailbox, a periodic job).

PostgreSQL: a session-level advisory lock on a dedicated connection, so a dead holder (crash, SIGKILL, lost
network) releases it when its connection goes. SQLite (one machine): an flock on a file in the data dir, which
the kernel releases when the holding process dies. Both behind the same small class.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .extensions import db

LOCK_NAMESPACE = 16_0001  # first key of the two-key advisory lock: ours, apart from any other user's locks


def lock_key(name: str) -> int:
    """A stable signed 32-bit key for a lock name (the same on every node and Python version)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)


class NodeLock:
    """A non-blocking cluster-wide lock; `acquire()` says whether this process now holds it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._conn: Connection | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fd is not None

    def acquire(self) -> bool:
        if self.held:
            return True
        if db.engine.dialect.name == "postgresql":
            return self._acquire_pg()
        return self._acquire_file()

    def _acquire_pg(self) -> bool:
        # Its own connection outside the pool's reuse: the lock lives exactly as long as this connection.
        conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :key)"),
                               {"ns": LOCK_NAMESPACE, "key": lock_key(self.name)}).scalar()
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def _acquire_file(self) -> bool:
        folder = Path(current_app.config["DATA_DIR"]) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(self.name.encode()).hexdigest()[:24]}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def alive(self) -> bool:
        """True while the lock is still ours (on PostgreSQL: its connection still answers)."""
        if self._fd is not None:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - connection gone: so is the lock; the caller steps down
            self._drop_conn(invalidate=True)
            return False

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:ns, :key)"),
                                   {"ns": LOCK_NAMESPACE, "key": lock_key(self.name)})
                self._drop_conn(invalidate=False)
            except Exception:  # noqa: BLE001 - a broken connection has released the lock already
                self._drop_conn(invalidate=True)

    def _drop_conn(self, invalidate: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if invalidate:
            conn.invalidate()
        conn.close()

    def __enter__(self) -> NodeLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def lock_transaction(name: str) -> None:
    """Wait until no other transaction holds `name`, then hold it until the session's transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite needs none: it has one writer at a time, and a
    transaction that starts with a write holds the database's write lock from then on."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                           {"ns": LOCK_NAMESPACE, "key": lock_key(name)})
