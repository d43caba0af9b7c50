"""The one registry of periodic jobs and the round that runs them: each job under its own cluster-wide node
lock (`job:<name>`), so `flask jobs run` may run on every node at once; each run is noted in `job_runs`."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

from ..dashboard.rollup import refresh_rollups
from ..extensions import db
from ..locks import NodeLock
from ..models import JobRun, utcnow
from ..privacy.daily import run_daily_retention
from ..tickets.pending import return_due_tickets


def _returned() -> dict[str, object]:
    return {"returned": return_due_tickets(utcnow())}


def _dashboard() -> dict[str, object]:
    return dict(refresh_rollups())


# name -> job; each job returns JSON-able figures and commits nothing itself, except retention, which commits
# ticket by ticket (an interrupted run keeps what it did) and runs at most once a day on the whole cluster; the
# dashboard's rollups come last, after what the others changed
JOBS: dict[str, Callable[[], dict[str, object]]] = {"pending_tickets": _returned, "retention": run_daily_retention,
                                                    "dashboard": _dashboard}


def run_job(name: str) -> dict[str, object]:
    """Run one job unless another node is running it right now; commits its work and its `job_runs` row."""
    lock = NodeLock(f"job:{name}")
    if not lock.acquire():
        return {"skipped": "draait al op een andere node"}
    try:
        result = JOBS[name]()
        row = db.session.get(JobRun, f"job:{name}") or JobRun(name=f"job:{name}")
        row.last_run_at, row.last_host = utcnow(), socket.gethostname()[:300]
        row.last_result = json.dumps(result, ensure_ascii=False, default=str)[:2000]
        db.session.add(row)
        db.session.commit()
        return result
    finally:
        lock.release()


def run_jobs() -> dict[str, dict[str, object]]:
    """Run every job once, each in its own transaction (one failing job does not stop the others)."""
    results: dict[str, dict[str, object]] = {}
    for name in JOBS:
        try:
            results[name] = run_job(name)
        except Exception as exc:  # reported; the next round tries again
            db.session.rollback()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results
