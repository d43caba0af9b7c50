"""One ingest leader per mailbox: the holder of its node lock fetches, every other `flask ingest` waits as a
hot standby and takes over when the leader's lock goes (process or connection gone)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable

from sqlalchemy import select

from ..extensions import db
from ..locks import NodeLock
from ..models import MailboxState, utcnow

STANDBY_RETRY_SECONDS = 1.5  # a standby tries the lock this often: takeover well within 10 s
WATCH_SECONDS = 1.0  # the leader checks this often that its lock connection still stands


def leader_info(row: MailboxState | None) -> dict[str, object] | None:
    """The leader as `mail status` shows it: host, pid, since (ISO, UTC)."""
    if row is None or row.leader_pid is None:
        return None
    since = row.leader_since.isoformat(timespec="seconds") + "Z" if row.leader_since else None
    return {"host": row.leader_host, "pid": row.leader_pid, "since": since}


class IngestLeader:
    """The lock for one mailbox, and the leader fields of its MailboxState row."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.lock = NodeLock(f"ingest:{key}")

    def _row(self) -> MailboxState:
        row = db.session.scalar(select(MailboxState).where(MailboxState.mailbox == self.key))
        if row is None:
            row = MailboxState(mailbox=self.key, last_uid=0)
            db.session.add(row)
        return row

    def try_lead(self) -> bool:
        """Take the lock if free; on success this process is named leader in the database."""
        if not self.lock.acquire():
            db.session.rollback()
            return False
        row = self._row()
        row.leader_host, row.leader_pid, row.leader_since = socket.gethostname()[:300], os.getpid(), utcnow()
        db.session.commit()
        return True

    def current(self) -> dict[str, object] | None:
        info = leader_info(self._row())
        db.session.rollback()
        return info

    def step_down(self) -> None:
        """Clear our name (if still ours) and release the lock."""
        db.session.rollback()
        row = self._row()
        if row.leader_pid == os.getpid() and row.leader_host == socket.gethostname()[:300]:
            row.leader_host = row.leader_pid = row.leader_since = None
            db.session.commit()
        self.lock.release()

    def lead(self, stop: threading.Event, work: Callable[[threading.Event], None]) -> None:
        """Run `work(run_stop)` as leader; run_stop is set on `stop` or when the lock is lost."""
        run_stop = threading.Event()

        def watch() -> None:
            while not run_stop.wait(WATCH_SECONDS):
                if stop.is_set() or not self.lock.alive():
                    run_stop.set()

        watcher = threading.Thread(target=watch, name="ingest-leader-watch", daemon=True)
        watcher.start()
        try:
            work(run_stop)
        finally:
            run_stop.set()
            watcher.join()
            self.step_down()
