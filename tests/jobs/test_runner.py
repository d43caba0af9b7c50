"""`flask jobs run` on several nodes: each job runs under its own cluster-wide lock, so a job another node is
running is skipped (not run twice), and every run is noted in `job_runs`."""

from __future__ import annotations

import json
from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.jobs.runner import JOBS
from helpdesk.locks import NodeLock
from helpdesk.models import JobRun, Ticket, utcnow


def test_every_job_runs_once_a_round_and_is_noted(runner):
    result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.output)) == set(JOBS)
    db.session.expire_all()
    row = db.session.get(JobRun, "job:pending_tickets")
    assert row is not None and row.last_run_at is not None and json.loads(row.last_result) == {"returned": []}


def test_a_job_held_by_another_node_is_skipped_and_runs_once_it_is_free(runner, make_ticket):
    ticket = make_ticket()
    ticket.status, ticket.pending_until = "pending", utcnow() - timedelta(minutes=5)
    db.session.commit()
    other_node = NodeLock("job:pending_tickets")
    assert other_node.acquire()  # another node is in the middle of this job
    try:
        busy = json.loads(runner.invoke(args=["jobs", "run", "--once"]).output)
        assert busy["pending_tickets"] == {"skipped": "draait al op een andere node"}
        db.session.expire_all()
        assert db.session.get(Ticket, ticket.id).status == "pending"
    finally:
        other_node.release()
    free = json.loads(runner.invoke(args=["jobs", "run", "--once"]).output)
    assert free["pending_tickets"] == {"returned": [ticket.id]}
