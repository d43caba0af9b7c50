"""The daily retention run, from `flask jobs run` and from the long-running `flask ingest`: whichever node gets
there first in a day runs it, under a cluster-wide lock; the others see it is done (`job_runs` row)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app

from ..extensions import db
from ..locks import NodeLock
from ..models import JobRun, utcnow
from .retention import run_retention

log = logging.getLogger(__name__)
JOB_NAME = "retention-daily"  # the job_runs row and the lock; apart from any lock `flask jobs` takes per job
INTERVAL = timedelta(hours=24)


def run_daily_retention(now: datetime | None = None) -> dict[str, object]:
    """Apply the retention periods unless some node did in the last 24 hours; returns the counts or why not."""
    now = now or utcnow()
    lock = NodeLock(JOB_NAME)
    if not lock.acquire():
        return {"skipped": "draait al op een andere node"}
    try:
        db.session.rollback()  # read the row as it is now, after the lock
        row = db.session.get(JobRun, JOB_NAME)
        if row is not None and row.last_run_at is not None and now - row.last_run_at < INTERVAL:
            db.session.rollback()
            return {"skipped": "vandaag al gedaan", "last_run_at": row.last_run_at.isoformat(timespec="seconds")}
        counts = run_retention(now)  # commits as it goes
        row = db.session.get(JobRun, JOB_NAME) or JobRun(name=JOB_NAME)
        row.last_run_at, row.last_host = now, socket.gethostname()[:300]
        row.last_result = json.dumps(counts)[:2000]
        db.session.add(row)
        db.session.commit()
        return dict(counts)
    finally:
        lock.release()


def start_daily_retention(stop: threading.Event, app: Flask | None = None) -> threading.Thread:
    """A thread that, every RETENTION_CHECK_SECONDS until `stop`, runs retention when due (in its own app
    context and database session); a failure is logged and tried again at the next check."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    every = max(int(app.config["RETENTION_CHECK_SECONDS"]), 1)

    def loop() -> None:
        while not stop.is_set():
            with app.app_context():
                try:
                    result = run_daily_retention()
                    if "skipped" not in result:
                        log.info("bewaartermijnen toegepast: %s", result)
                except Exception:  # noqa: BLE001 - the ingest keeps running; the next check tries again
                    db.session.rollback()
                    log.exception("bewaartermijnen toepassen mislukt")
                finally:
                    db.session.remove()
            stop.wait(every)

    thread = threading.Thread(target=loop, name="retention-daily", daemon=True)
    thread.start()
    return thread
